"""``nn.SpatialUpSamplingNearest(scale)``: enlarge each plane by repeating every pixel.

y[n, c, i, j] = x[n, c, ⌊i/s⌋, ⌊j/s⌋] for an integer scale s, so the output is (s·H) × (s·W).
Gradient: ∂L/∂x[n, c, i, j] = Σ of ∂L/∂y over the s × s block pixel (i, j) was copied to.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._settings import integer
from ..module import Module
from ._shapes import as_batch


class SpatialUpSamplingNearest(Module):
    """Nearest-neighbour up-sampling by an integer factor: ``y[i, j] = x[⌊i/s⌋, ⌊j/s⌋]``.

    ∂L/∂x sums ∂L/∂y over each s × s block. Input (C, H, W) or (N, C, H, W).

    Parameters
    ----------
    scale : int
        The factor s ≥ 1 (Lua's ``scale_factor``; Lua refuses non-integers too).
    """

    def __init__(self, scale: int) -> None:
        super().__init__()
        self.scale_factor = scale
        self.validate()

    def validate(self) -> None:
        """Check the scale: an int ≥ 1."""
        self.scale_factor = integer(
            "nn.SpatialUpSamplingNearest", "scale_factor", self.scale_factor, 1
        )
        super().validate()

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x = as_batch(self._who(), input, 2)
        s = self.scale_factor
        n, planes, height, width = x.shape
        self.output = reuse(self.output, input.shape[:-2] + (s * height, s * width), x.dtype)
        blocks = self.output.reshape(n, planes, height, s, width, s)
        np.copyto(blocks, x[:, :, :, None, :, None])  # each pixel broadcast over its block
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x = as_batch(self._who(), input, 2)
        s = self.scale_factor
        n, planes, height, width = x.shape
        self.grad_input = reuse(self.grad_input, input.shape, x.dtype)
        blocks = grad_output.reshape(n, planes, height, s, width, s)
        np.sum(blocks, axis=(3, 5), out=self.grad_input.reshape(x.shape))
        return self.grad_input

    def _who(self) -> str:
        return f"nn.SpatialUpSamplingNearest({self.scale_factor})"
