"""``nn.HardShrink(lam=0.5)``: y = x where |x| > λ, else 0; ∂L/∂x = g where |x| > λ, else 0."""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._settings import real
from ..module import Module


class HardShrink(Module):
    """y = x if x > λ or x < −λ, else 0; ∂L/∂x = g there, 0 elsewhere.

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
        self.lam = real("nn.HardShrink", "lam", self.lam, 0)
        super().validate()

    def _kept(self, input: np.ndarray) -> np.ndarray:
        # [|x| > λ] as 0/1, so that a product selects without a branch.
        kept = self._buffer("kept", input.shape, input.dtype)
        np.abs(input, out=kept)
        np.greater(kept, self.lam, out=kept)
        return kept

    def update_output(self, input: np.ndarray) -> np.ndarray:
        self.output = reuse(self.output, input.shape, input.dtype)
        np.multiply(input, self._kept(input), out=self.output)
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        np.multiply(grad_output, self._kept(input), out=self.grad_input)
        return self.grad_input
