"""``nn.Abs``: y = |x|, ∂L/∂x = g · sign(x), with sign(0) = +1 as in Torch."""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from ..module import Module


class Abs(Module):
    """Element-wise absolute value y = |x|; ∂L/∂x = g where x ≥ 0, −g where x < 0."""

    def update_output(self, input: np.ndarray) -> np.ndarray:
        self.output = reuse(self.output, input.shape, input.dtype)
        np.abs(input, out=self.output)
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        # g · (1 − 2·[x < 0]), Torch's sign with sign(0) = +1 (np.sign would give 0 there).
        np.less(input, 0, out=self.grad_input)
        self.grad_input *= -2
        self.grad_input += 1
        self.grad_input *= grad_output
        return self.grad_input
