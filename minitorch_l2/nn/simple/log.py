"""``nn.Log``: y = ln x, ∂L/∂x = g / x (as Lua: (1 / x) · g).

x = 0 gives −inf and a negative x NaN (NumPy warns), as Torch's ``log``.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from ..module import Module


class Log(Module):
    """Element-wise natural logarithm y = ln x; ∂L/∂x = (1 / x) · g."""

    def update_output(self, input: np.ndarray) -> np.ndarray:
        self.output = reuse(self.output, input.shape, input.dtype)
        np.log(input, out=self.output)
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        np.divide(1, input, out=self.grad_input)
        self.grad_input *= grad_output
        return self.grad_input
