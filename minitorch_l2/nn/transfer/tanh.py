"""``nn.Tanh``: y = tanh(x), with ∂y/∂x = 1 − y² (read from the stored output, as Torch does)."""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from ..module import Module


class Tanh(Module):
    """Element-wise hyperbolic tangent: y = tanh(x).

    ∂L/∂x = ∂L/∂y · (1 − y²), read from the stored output as Torch does.
    """

    def update_output(self, input: np.ndarray) -> np.ndarray:
        self.output = reuse(self.output, input.shape, input.dtype)
        np.tanh(input, out=self.output)
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        # grad_input = grad_output · (1 − y²), computed in the buffer without temporaries.
        np.multiply(self.output, self.output, out=self.grad_input)
        np.subtract(1, self.grad_input, out=self.grad_input)
        self.grad_input *= grad_output
        return self.grad_input
