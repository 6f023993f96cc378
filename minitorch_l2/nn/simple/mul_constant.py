"""``nn.MulConstant(constant_scalar, inplace=False)``: y = c · x, ∂L/∂x = c · g.

In place, forward scales the input itself (``output`` IS the input) and backward scales
``grad_output`` itself, then divides the input by c to restore it, as Lua does (up to rounding).
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._in_place import writable
from .._settings import boolean, real
from ..module import Module


class MulConstant(Module):
    """y = c · x with a fixed scalar c; ∂L/∂x = c · g.

    Parameters
    ----------
    constant_scalar : float
        The factor c.
    inplace : bool
        Scale the input array itself, and in backward ``grad_output`` itself (default False).
        Backward then divides the input by c again, restoring it up to rounding (c ≠ 0).
    """

    def __init__(self, constant_scalar: float, inplace: bool = False) -> None:
        super().__init__()
        self.constant_scalar = constant_scalar
        self.inplace = inplace
        self.validate()

    def validate(self) -> None:
        """Check that c is a finite number (non-zero in place) and ``inplace`` a bool."""
        self.constant_scalar = real("nn.MulConstant", "constant_scalar", self.constant_scalar)
        self.inplace = boolean("nn.MulConstant", "inplace", self.inplace)
        if self.inplace and self.constant_scalar == 0:
            raise ValueError(
                "nn.MulConstant: inplace=True cannot restore the input after scaling it by 0"
            )
        super().validate()

    def update_output(self, input: np.ndarray) -> np.ndarray:
        if self.inplace:
            self.output = writable(self._who(), input)
            input *= self.constant_scalar
        else:
            self.output = reuse(self.output, input.shape, input.dtype)
            np.multiply(input, self.constant_scalar, out=self.output)
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        if self.inplace:
            self.grad_input = writable(self._who(), grad_output, "grad_output")
            grad_output *= self.constant_scalar
            input /= self.constant_scalar  # the input as it was before forward
        else:
            self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
            np.multiply(grad_output, self.constant_scalar, out=self.grad_input)
        return self.grad_input
