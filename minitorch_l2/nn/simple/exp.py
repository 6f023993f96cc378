"""``nn.Exp``: y = eˣ, ∂L/∂x = g · y (read from the stored output, as Torch does)."""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from ..module import Module


class Exp(Module):
    """Element-wise exponential y = eˣ; ∂L/∂x = g · y."""

    def update_output(self, input: np.ndarray) -> np.ndarray:
        self.output = reuse(self.output, input.shape, input.dtype)
        np.exp(input, out=self.output)
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        np.multiply(self.output, grad_output, out=self.grad_input)
        return self.grad_input
