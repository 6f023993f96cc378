"""``nn.LeakyReLU(negval=0.01, inplace=False)``: y = x for x > 0, negval · x otherwise.

∂L/∂x = g for x > 0, negval · g otherwise (x = 0 included). In place, forward overwrites the
input and backward ``grad_output``; the overwritten input keeps x's sign only for negval ≥ 0,
so a negative negval turns ``inplace`` off, as Lua does.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._in_place import writable
from .._settings import boolean, real
from ..module import Module


class LeakyReLU(Module):
    """y = x if x > 0 else negval · x; ∂L/∂x = g if x > 0 else negval · g.

    Parameters
    ----------
    negval : float
        The slope for x ≤ 0 (default 1/100).
    inplace : bool
        Write into the input, and in backward into ``grad_output`` (default False); set back
        to False when negval < 0, as Lua does.
    """

    def __init__(self, negval: float = 1 / 100, inplace: bool = False) -> None:
        super().__init__()
        self.negval = negval
        self.inplace = inplace
        self.validate()

    def validate(self) -> None:
        """Check ``negval`` (a finite number) and ``inplace``; no in place for negval < 0."""
        self.negval = real("nn.LeakyReLU", "negval", self.negval)
        self.inplace = boolean("nn.LeakyReLU", "inplace", self.inplace) and self.negval >= 0
        super().validate()

    def update_output(self, input: np.ndarray) -> np.ndarray:
        # y = max(x, 0) + negval · min(x, 0): exact, one of the two terms is 0.
        negative = self._buffer("negative", input.shape, input.dtype)
        np.minimum(input, 0, out=negative)
        negative *= self.negval
        if self.inplace:
            self.output = writable(self._who(), input)
        else:
            self.output = reuse(self.output, input.shape, input.dtype)
        np.maximum(input, 0, out=self.output)
        self.output += negative
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        # The slope m + negval · (1 − m), m = [x > 0]: 1 or negval exactly.
        slope = self._buffer("slope", input.shape, input.dtype)
        positive = self._buffer("positive", input.shape, input.dtype)
        np.greater(input, 0, out=positive)
        np.subtract(1, positive, out=slope)
        slope *= self.negval
        slope += positive
        if self.inplace:
            self.grad_input = writable(self._who(), grad_output, "grad_output")
            self.grad_input *= slope
        else:
            self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
            np.multiply(grad_output, slope, out=self.grad_input)
        return self.grad_input

    def __tostring__(self) -> str:
        return f"nn.LeakyReLU({self.negval:g})"
