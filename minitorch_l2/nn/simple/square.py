"""``nn.Square``: y = x², ∂L/∂x = 2 g x."""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from ..module import Module


class Square(Module):
    """Element-wise square y = x · x; ∂L/∂x = 2 · g · x."""

    def update_output(self, input: np.ndarray) -> np.ndarray:
        self.output = reuse(self.output, input.shape, input.dtype)
        np.multiply(input, input, out=self.output)
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        np.multiply(grad_output, 2.0, out=self.grad_input)
        self.grad_input *= input
        return self.grad_input
