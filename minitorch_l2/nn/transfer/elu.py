"""``nn.ELU(alpha=1, inplace=False)``: y = x for x > 0, α (eˣ − 1) otherwise.

∂L/∂x = g for y > 0, g · (y + α) otherwise, read from the stored output as Torch does. In
place, forward overwrites the input and backward ``grad_output``.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._in_place import writable
from .._settings import boolean, real
from ..module import Module


class ELU(Module):
    """y = x if x > 0 else α (eˣ − 1); ∂L/∂x = g if y > 0 else g · (y + α).

    Parameters
    ----------
    alpha : float
        α, the limit −α of y for x → −∞ (default 1).
    inplace : bool
        Write into the input, and in backward into ``grad_output`` (default False).
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace
        self.validate()

    def validate(self) -> None:
        """Check that α is a finite number and ``inplace`` a bool."""
        self.alpha = real("nn.ELU", "alpha", self.alpha)
        self.inplace = boolean("nn.ELU", "inplace", self.inplace)
        super().validate()

    def update_output(self, input: np.ndarray) -> np.ndarray:
        # y = max(x, 0) + α (e^min(x, 0) − 1): exact, one of the two terms is 0; the exp, then
        # − 1, then · α, as Lua writes it.
        negative = self._buffer("negative", input.shape, input.dtype)
        np.minimum(input, 0, out=negative)
        np.exp(negative, out=negative)
        negative -= 1
        negative *= self.alpha
        if self.inplace:
            self.output = writable(self._who(), input)
        else:
            self.output = reuse(self.output, input.shape, input.dtype)
        np.maximum(input, 0, out=self.output)
        self.output += negative
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        # The slope (min(y, 0) + α)·[y ≤ 0] + [y > 0]: y + α or 1 exactly, as Lua's.
        slope = self._buffer("slope", input.shape, input.dtype)
        below = self._buffer("below", input.shape, input.dtype)
        above = self._buffer("above", input.shape, input.dtype)
        np.less_equal(self.output, 0, out=below)
        np.greater(self.output, 0, out=above)
        np.minimum(self.output, 0, out=slope)
        slope += self.alpha
        slope *= below
        slope += above
        if self.inplace:
            self.grad_input = writable(self._who(), grad_output, "grad_output")
            self.grad_input *= slope
        else:
            self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
            np.multiply(grad_output, slope, out=self.grad_input)
        return self.grad_input

    def __tostring__(self) -> str:
        return f"nn.ELU (alpha:{self.alpha:f})"
