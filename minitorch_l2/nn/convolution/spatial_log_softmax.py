"""``nn.SpatialLogSoftMax``: the log of a softmax over the planes at every pixel.

For x (N, C, H, W):  y[c] = x[c] − m − log Σ_{c'} exp(x[c'] − m) per pixel, m the maximum over
the planes (log-sum-exp: finite for large logits). Gradient, from the stored output:
∂L/∂x[c] = g[c] − exp(y[c]) Σ_{c'} g[c']. The planes are axis 0 of a (C, H, W) image, as in Lua.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from ..module import Module
from ._shapes import plane_axis


class SpatialLogSoftMax(Module):
    """Log-softmax over the planes at each pixel: ``y[c] = x[c] − log Σ_c' exp(x[c'])``.

    ∂L/∂x[c] = g[c] − exp(y[c]) Σ_c' g[c']. Input (C, H, W) or (N, C, H, W). Feed it to
    ``nn.SpatialClassNLLCriterion`` for per-pixel classification.
    """

    def update_output(self, input: np.ndarray) -> np.ndarray:
        axis = plane_axis(self._who(), input)
        shape = input.shape[:axis] + (1,) + input.shape[axis + 1 :]
        pixel = self._buffer("pixel", shape, input.dtype)
        exps = self._buffer("exps", input.shape, input.dtype)
        np.max(input, axis=axis, keepdims=True, out=pixel)
        self.output = reuse(self.output, input.shape, input.dtype)
        with np.errstate(invalid="ignore", over="ignore"):  # inf − inf is NaN, as LogSoftMax
            np.subtract(input, pixel, out=self.output)
        np.exp(self.output, out=exps)
        np.sum(exps, axis=axis, keepdims=True, out=pixel)
        np.log(pixel, out=pixel)
        self.output -= pixel
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        axis = plane_axis(self._who(), input)
        shape = input.shape[:axis] + (1,) + input.shape[axis + 1 :]
        pixel = self._buffer("pixel", shape, input.dtype)
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        np.exp(self.output, out=self.grad_input)
        np.sum(grad_output, axis=axis, keepdims=True, out=pixel)
        self.grad_input *= pixel
        np.subtract(grad_output, self.grad_input, out=self.grad_input)
        return self.grad_input
