"""``nn.Sigmoid``: y = 1 / (1 + e^(−x)), with ∂y/∂x = y (1 − y) read from the stored output."""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._logistic import logistic
from ..module import Module


class Sigmoid(Module):
    """Element-wise logistic function y = 1 / (1 + e^(−x)); exact 0 and 1 for |x| large.

    ∂L/∂x = ∂L/∂y · y (1 − y), read from the stored output. Large |x| saturates to exactly 0 or
    1 without an overflow warning.
    """

    def update_output(self, input: np.ndarray) -> np.ndarray:
        self.output = reuse(self.output, input.shape, input.dtype)
        logistic(input, self.output)  # exactly 0 where e^(−x) overflows
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        # grad_input = grad_output · y · (1 − y), in the buffer without temporaries.
        np.subtract(1, self.output, out=self.grad_input)
        self.grad_input *= self.output
        self.grad_input *= grad_output
        return self.grad_input
