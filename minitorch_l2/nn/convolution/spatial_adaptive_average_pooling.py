"""``nn.SpatialAdaptiveAveragePooling(W, H)``: average pooling to a fixed H×W output.

Output row i averages the input rows [⌊i·H_in/H⌋, ⌈(i + 1)·H_in/H⌉), columns alike. The mean
over a rectangle is separable, so with Aₕ (H, H_in) holding 1/(window height) on each window's
rows, and A_w (W, W_in) alike, per plane:

    Y = Aₕ X A_wᵀ,     ∂L/∂X = Aₕᵀ G A_w.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from ._pooling import AdaptivePooling
from ._shapes import as_batch
from ._windows import adaptive_bounds


def _averaging(size: int, out: int, dtype: np.dtype) -> np.ndarray:
    """The (out, size) matrix whose row i averages window i."""
    start, end = adaptive_bounds(size, out, single_rounding=True)
    position = np.arange(size)
    inside = (position >= start[:, None]) & (position < end[:, None])
    return (inside / (end - start)[:, None]).astype(dtype)


class SpatialAdaptiveAveragePooling(AdaptivePooling):
    """Average pooling to an H×W output: ``Y = Aₕ X A_wᵀ`` per plane (see the module docstring).

    ∂L/∂X = Aₕᵀ G A_w. Input (C, H_in, W_in) or (N, C, H_in, W_in).

    Parameters
    ----------
    w : int
        Output width (Lua's ``W``).
    h : int
        Output height (``H``).
    """

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x = as_batch(self._who(), input, 2)
        rows = _averaging(x.shape[2], self.h, x.dtype)
        cols = _averaging(x.shape[3], self.w, x.dtype)
        half = self._buffer("half", x.shape[:2] + (self.h, x.shape[3]), x.dtype)
        np.matmul(rows, x, out=half)  # Aₕ X
        self.output = reuse(self.output, input.shape[:-2] + (self.h, self.w), x.dtype)
        np.matmul(half, cols.T, out=self.output.reshape(x.shape[:2] + (self.h, self.w)))
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x = as_batch(self._who(), input, 2)
        rows = _averaging(x.shape[2], self.h, x.dtype)
        cols = _averaging(x.shape[3], self.w, x.dtype)
        g = grad_output.reshape(x.shape[:2] + (self.h, self.w))
        half = self._buffer("grad_half", x.shape[:2] + (self.h, x.shape[3]), x.dtype)
        np.matmul(g, cols, out=half)  # G A_w
        self.grad_input = reuse(self.grad_input, input.shape, x.dtype)
        np.matmul(rows.T, half, out=self.grad_input.reshape(x.shape))  # Aₕᵀ G A_w
        return self.grad_input
