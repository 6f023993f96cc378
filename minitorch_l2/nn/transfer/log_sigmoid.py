"""``nn.LogSigmoid``: y = log σ(x) = −log(1 + e⁻ˣ), computed without overflow.

With m = max(0, −x) and z = e⁻ᵐ + e⁻ˣ⁻ᵐ (Lua's log-sum-exp form): y = −(m + log z). Gradient
∂L/∂x = g · σ(−x), from the stored z: g · (z − 1)/z for x ≥ 0, g · (1 − (z − 1)/z) for x < 0.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from ..module import Module


class LogSigmoid(Module):
    """Element-wise y = log(1 / (1 + e⁻ˣ)); ∂L/∂x = g · (1 − σ(x)), stable for any x."""

    def update_output(self, input: np.ndarray) -> np.ndarray:
        self.output = reuse(self.output, input.shape, input.dtype)
        shift = self._buffer("shift", input.shape, input.dtype)
        z = self._buffer("z", input.shape, input.dtype)
        np.negative(input, out=shift)
        np.maximum(shift, 0, out=shift)  # m = max(0, −x)
        np.negative(input, out=z)
        z -= shift
        np.exp(z, out=z)  # e^(−x − m)
        np.negative(shift, out=self.output)
        np.exp(self.output, out=self.output)  # e^(−m)
        z += self.output
        np.log(z, out=self.output)
        self.output += shift
        np.negative(self.output, out=self.output)
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        # t = (z − 1)/z; the gradient is t·[x ≥ 0] + (1 − t)·[x < 0]: one term is 0, exactly.
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        z = self._buffer("z", input.shape, input.dtype)
        other = self._buffer("shift", input.shape, input.dtype)  # m is no longer needed
        negative = self._buffer("negative", input.shape, input.dtype)
        np.subtract(z, 1, out=self.grad_input)
        self.grad_input /= z
        np.subtract(1, self.grad_input, out=other)
        np.less(input, 0, out=negative)
        other *= negative
        np.subtract(1, negative, out=negative)
        self.grad_input *= negative
        self.grad_input += other
        self.grad_input *= grad_output
        return self.grad_input
