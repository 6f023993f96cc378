"""``nn.SoftPlus(beta=1, threshold=20)``: y = log(1 + e^(βx)) / β, and y = x where βx > 20.

∂L/∂x = g · (z − 1) / z with z = e^(βy), read from the stored output as Torch does (it is the
sigmoid σ(βx)), and g where βy > threshold (the linear part).
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._settings import real
from ..module import Module


class SoftPlus(Module):
    """y = log1p(e^(βx)) / β (x itself where βx > threshold); ∂L/∂x = g · σ(βx).

    As Lua's, backward tests βy > threshold, not βx: for βx within about e^−threshold below
    the threshold (y is a little above x) the gradient is g rather than g · σ(βx).

    Parameters
    ----------
    beta : float
        β > 0, the sharpness (default 1).
    threshold : float
        Above βx = threshold the layer is the identity, avoiding overflow (default 20, Lua's
        fixed ``self.threshold``).
    """

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta = beta
        self.threshold = threshold
        self.validate()

    def validate(self) -> None:
        """Check β > 0 and a finite threshold."""
        self.beta = real("nn.SoftPlus", "beta", self.beta, 0, low_open=True)
        self.threshold = real("nn.SoftPlus", "threshold", self.threshold)
        super().validate()

    def update_output(self, input: np.ndarray) -> np.ndarray:
        self.output = reuse(self.output, input.shape, input.dtype)
        scaled = self._buffer("scaled", input.shape, input.dtype)
        linear = self._buffer("linear", input.shape, np.dtype(bool))
        np.multiply(input, self.beta, out=scaled)
        np.greater(scaled, self.threshold, out=linear)
        with np.errstate(over="ignore"):  # e^(βx) overflows only where x is passed through
            np.exp(scaled, out=self.output)
        np.log1p(self.output, out=self.output)
        self.output /= self.beta
        np.copyto(self.output, input, where=linear)
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        z = self._buffer("scaled", input.shape, input.dtype)
        linear = self._buffer("linear", input.shape, np.dtype(bool))
        np.multiply(self.output, self.beta, out=z)
        np.greater(z, self.threshold, out=linear)
        with np.errstate(over="ignore", invalid="ignore"):  # only where y is passed through
            np.exp(z, out=z)
            np.subtract(z, 1, out=self.grad_input)
            self.grad_input *= grad_output
            self.grad_input /= z  # g · (z − 1) / z, in Lua's order
        np.copyto(self.grad_input, grad_output, where=linear)
        return self.grad_input
