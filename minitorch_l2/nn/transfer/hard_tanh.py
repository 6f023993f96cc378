"""``nn.HardTanh(min_value=-1, max_value=1, inplace=False)``: y = x clipped to [min, max].

∂L/∂x = g strictly inside (min, max), 0 at and beyond the bounds (Torch's choice at the
kinks). In place, forward clips the input itself and backward overwrites ``grad_output``.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._in_place import writable
from .._settings import boolean, real
from ..module import Module


class HardTanh(Module):
    """y = min(max(x, min_value), max_value); ∂L/∂x = g where min < x < max, else 0.

    Parameters
    ----------
    min_value : float
        The lower bound (default −1).
    max_value : float
        The upper bound (default 1), greater than ``min_value``.
    inplace : bool
        Clip the input itself, and in backward write into ``grad_output`` (default False).
    """

    def __init__(
        self, min_value: float = -1.0, max_value: float = 1.0, inplace: bool = False
    ) -> None:
        super().__init__()
        self.min_val = min_value
        self.max_val = max_value
        self.inplace = inplace
        self.validate()

    def validate(self) -> None:
        """Check both bounds (finite, min < max) and ``inplace``."""
        who = self._who()
        self.min_val = real(who, "min_val", self.min_val)
        self.max_val = real(who, "max_val", self.max_val)
        self.inplace = boolean(who, "inplace", self.inplace)
        if not self.max_val > self.min_val:
            raise ValueError(
                f"{who}: max_val must be larger than min_val (the min_value and max_value "
                f"arguments), got min_val {self.min_val:g} and max_val {self.max_val:g}"
            )
        super().validate()

    def update_output(self, input: np.ndarray) -> np.ndarray:
        if self.inplace:
            self.output = writable(self._who(), input)
        else:
            self.output = reuse(self.output, input.shape, input.dtype)
        np.clip(input, self.min_val, self.max_val, out=self.output)
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        # g · [min < x < max] (in place, x is already clipped: the same entries).
        inside = self._buffer("inside", input.shape, input.dtype)
        below_max = self._buffer("below_max", input.shape, input.dtype)
        np.greater(input, self.min_val, out=inside)
        np.less(input, self.max_val, out=below_max)
        inside *= below_max
        if self.inplace:
            self.grad_input = writable(self._who(), grad_output, "grad_output")
            self.grad_input *= inside
        else:
            self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
            np.multiply(grad_output, inside, out=self.grad_input)
        return self.grad_input
