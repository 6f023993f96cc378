"""``nn.ReLU``: y = max(x, 0), with ∂y/∂x = 1 where x > 0 and 0 elsewhere (Torch's Threshold(0, 0)).

At x = 0 the gradient is 0, as in Torch (the threshold test is strict: x > 0).
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from ..module import Module


class ReLU(Module):
    """Element-wise rectified linear unit: y = max(x, 0).

    ∂L/∂x = ∂L/∂y where x > 0 and 0 elsewhere, x = 0 included (Torch's strict threshold).
    """

    def update_output(self, input: np.ndarray) -> np.ndarray:
        self.output = reuse(self.output, input.shape, input.dtype)
        np.maximum(input, 0, out=self.output)
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        # grad_input = grad_output · [x > 0]: the 0/1 mask is written into the buffer, then scaled.
        np.greater(input, 0, out=self.grad_input)
        self.grad_input *= grad_output
        return self.grad_input
