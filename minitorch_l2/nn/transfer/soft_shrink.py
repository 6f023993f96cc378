"""``nn.SoftShrink(lam=0.5)``: y = x − λ for x > λ, x + λ for x < −λ, 0 between.

∂L/∂x = g where |x| > λ, 0 elsewhere.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._settings import real
from ..module import Module


class SoftShrink(Module):
    """y = x − λ·sign(x) where |x| > λ, else 0; ∂L/∂x = g where |x| > λ, else 0.

    Parameters
    ----------
    lam : float
        λ ≥ 0 (default 0.5); Lua's field ``lambda`` (a Python keyword) is ``lam`` here.
    """

    def __init__(self, lam: float = 0.5) -> None:
        super().__init__()
        self.lam = lam
        self.validate()

    def validate(self) -> None:
        """Check that λ is a finite number ≥ 0."""
        self.lam = real("nn.SoftShrink", "lam", self.lam, 0)
        super().validate()

    def update_output(self, input: np.ndarray) -> np.ndarray:
        # y = max(x − λ, 0) + min(x + λ, 0): exact, at most one of the two terms is not 0.
        self.output = reuse(self.output, input.shape, input.dtype)
        low = self._buffer("low", input.shape, input.dtype)
        np.add(input, self.lam, out=low)
        np.minimum(low, 0, out=low)
        np.subtract(input, self.lam, out=self.output)
        np.maximum(self.output, 0, out=self.output)
        self.output += low
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        # g · [|x| > λ], the 0/1 mask written into the buffer first.
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        np.abs(input, out=self.grad_input)
        np.greater(self.grad_input, self.lam, out=self.grad_input)
        self.grad_input *= grad_output
        return self.grad_input
