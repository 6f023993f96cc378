"""``nn.SpatialSoftMax``: a softmax over the planes at every pixel.

For x (N, C, H, W):  y[n, c, i, j] = exp(x[n, c, i, j] − m) / Σ_{c'} exp(x[n, c', i, j] − m),
m the maximum over c' at that pixel (no overflow). Gradient, from the stored output:
∂L/∂x[c] = y[c] (g[c] − Σ_{c'} g[c'] y[c']). As Lua's THNN SoftMax, the planes are axis 0 of a
(C, H, W) image, and a (d,) vector or an (n, d) batch is an ordinary softmax over d.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from ..module import Module
from ._shapes import plane_axis


class SpatialSoftMax(Module):
    """Softmax over the planes at each pixel: ``y[c] = exp(x[c]) / Σ_c' exp(x[c'])``.

    ∂L/∂x[c] = y[c] (g[c] − Σ_c' g[c'] y[c']). Input (C, H, W) or (N, C, H, W).
    """

    def update_output(self, input: np.ndarray) -> np.ndarray:
        axis = plane_axis(self._who(), input)
        shape = input.shape[:axis] + (1,) + input.shape[axis + 1 :]
        pixel = self._buffer("pixel", shape, input.dtype)
        np.max(input, axis=axis, keepdims=True, out=pixel)
        self.output = reuse(self.output, input.shape, input.dtype)
        with np.errstate(invalid="ignore", over="ignore"):  # inf − inf is NaN, as SoftMax
            np.subtract(input, pixel, out=self.output)
        np.exp(self.output, out=self.output)
        np.sum(self.output, axis=axis, keepdims=True, out=pixel)
        self.output /= pixel
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        axis = plane_axis(self._who(), input)
        shape = input.shape[:axis] + (1,) + input.shape[axis + 1 :]
        pixel = self._buffer("pixel", shape, input.dtype)
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        np.multiply(grad_output, self.output, out=self.grad_input)
        np.sum(self.grad_input, axis=axis, keepdims=True, out=pixel)  # Σ g y per pixel
        np.subtract(grad_output, pixel, out=self.grad_input)
        self.grad_input *= self.output
        return self.grad_input
