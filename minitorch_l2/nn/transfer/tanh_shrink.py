"""``nn.TanhShrink``: y = x − tanh x, ∂L/∂x = g − g (1 − tanh² x), in Lua's order."""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from ..module import Module


class TanhShrink(Module):
    """Element-wise y = x − tanh(x); ∂L/∂x = g − g · (1 − tanh²(x)) (= g · tanh²(x)).

    Written as Lua's (the identity's gradient minus Tanh's), which its numbers follow.
    """

    def update_output(self, input: np.ndarray) -> np.ndarray:
        self.output = reuse(self.output, input.shape, input.dtype)
        tanh = self._buffer("tanh", input.shape, input.dtype)
        np.tanh(input, out=tanh)
        np.subtract(input, tanh, out=self.output)
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        tanh = self._buffer("tanh", input.shape, input.dtype)
        # Tanh's gradient g · (1 − t²) in the buffer, then g minus it.
        np.multiply(tanh, tanh, out=self.grad_input)
        np.subtract(1, self.grad_input, out=self.grad_input)
        self.grad_input *= grad_output
        np.subtract(grad_output, self.grad_input, out=self.grad_input)
        return self.grad_input
