"""``nn.SoftSign``: y = x / (1 + |x|), ∂L/∂x = g / (1 + |x|)²."""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from ..module import Module


class SoftSign(Module):
    """Element-wise y = x / (1 + |x|); ∂L/∂x = g / (1 + |x|)²."""

    def update_output(self, input: np.ndarray) -> np.ndarray:
        self.output = reuse(self.output, input.shape, input.dtype)
        np.abs(input, out=self.output)
        self.output += 1
        np.divide(input, self.output, out=self.output)
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        denominator = self._buffer("denominator", input.shape, input.dtype)
        np.abs(input, out=denominator)
        denominator += 1
        denominator *= denominator
        np.divide(grad_output, denominator, out=self.grad_input)
        return self.grad_input
