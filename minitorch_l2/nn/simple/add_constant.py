"""``nn.AddConstant(constant_scalar, inplace=False)``: y = x + c, ∂L/∂x = g.

c is a scalar, or (as in Lua) a vector added to each row of a (d,) or (n, d) input. In place,
forward adds to the input itself (``output`` IS the input), and backward subtracts c again to
restore it (up to rounding) and returns ``grad_output`` itself.
"""

from __future__ import annotations

import numbers

import numpy as np

from .._checks import reuse
from .._in_place import writable
from .._settings import array, boolean, real
from ..module import Module


class AddConstant(Module):
    """y = x + c with a fixed c; ∂L/∂x = g.

    Parameters
    ----------
    constant_scalar : float or numpy.ndarray
        The constant: a number, or a 1-d array of the input's last size (each row gets it).
    inplace : bool
        Add into the input array itself (default False); backward subtracts c again,
        restoring the input up to rounding, and passes ``grad_output`` itself on.
    """

    def __init__(self, constant_scalar: float | np.ndarray, inplace: bool = False) -> None:
        super().__init__()
        self.constant_scalar = constant_scalar
        self.inplace = inplace
        self.validate()

    def validate(self) -> None:
        """Check that c is a finite number or a 1-d float array, and ``inplace`` a bool."""
        who = "nn.AddConstant"
        if isinstance(self.constant_scalar, numbers.Real):
            self.constant_scalar = real(who, "constant_scalar", self.constant_scalar)
        else:
            array(who, "constant_scalar", self.constant_scalar)
            if self.constant_scalar.ndim != 1:
                raise ValueError(
                    f"{who}: a constant array must be 1-d, got shape {self.constant_scalar.shape}"
                )
        self.inplace = boolean(who, "inplace", self.inplace)
        super().validate()

    def update_output(self, input: np.ndarray) -> np.ndarray:
        constant = self.constant_scalar
        if isinstance(constant, np.ndarray) and (
            input.ndim not in (1, 2) or input.shape[-1] != constant.shape[0]
        ):
            raise ValueError(
                f"{self._who()}: a constant of shape {constant.shape} needs an input of shape "
                f"({constant.shape[0]},) or (n, {constant.shape[0]}), got {input.shape}"
            )
        if self.inplace:
            self.output = writable(self._who(), input)
            input += constant
        else:
            self.output = reuse(self.output, input.shape, input.dtype)
            np.add(input, constant, out=self.output)
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        if self.inplace:
            self.grad_input = grad_output
            input -= self.constant_scalar  # the input as it was before forward
        else:
            self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
            np.copyto(self.grad_input, grad_output)
        return self.grad_input
