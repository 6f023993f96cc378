"""``nn.SpatialAdaptiveMaxPooling(W, H)``: max pooling to a fixed H×W output, any input size.

Output row i pools the input rows [⌊i·H_in/H⌋, ⌈(i + 1)·H_in/H⌉) (THNN's float32 rounding; see
``_windows.adaptive_bounds``), columns alike, so neighbouring windows may overlap:

    y[n, c, i, j] = max over window (i, j) of x[n, c],

and ∂L/∂y[n, c, i, j] goes to the window's first maximum in row-major order (Lua's rule).
The windows differ in size; each is read as the same number of taps, a shorter one repeating
its last row or column (which cannot change the maximum, nor which element is first to hold it).
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from ._pooling import AdaptivePooling
from ._shapes import as_batch
from ._windows import adaptive_bounds, first_max, index_dtype


def _taps(size: int, out: int) -> np.ndarray:
    """(k, out) input indices: row u holds each window's u-th element (clipped to its last)."""
    start, end = adaptive_bounds(size, out, single_rounding=False)
    k = int((end - start).max())
    return np.minimum(start[None, :] + np.arange(k)[:, None], end[None, :] - 1)


class SpatialAdaptiveMaxPooling(AdaptivePooling):
    """Max pooling to an H×W output: ``y[i, j] = max of x over window (i, j)``.

    ∂L/∂x gets ∂L/∂y at each window's first maximum. Input (C, H_in, W_in) or (N, C, H_in, W_in).

    Parameters
    ----------
    w : int
        Output width (Lua's ``W``).
    h : int
        Output height (``H``).
    """

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x = as_batch(self._who(), input, 2)
        rows, cols = _taps(x.shape[2], self.h), _taps(x.shape[3], self.w)
        shape = x.shape[:2] + (self.h, self.w)
        picked = self._buffer("rows", x.shape[:2] + (self.h, x.shape[3]), x.dtype)
        taps = self._buffer("taps", (len(rows), len(cols)) + shape, x.dtype)
        for u, row in enumerate(rows):  # each tap: the windows' u-th row, then v-th column
            np.take(x, row, axis=2, out=picked)
            for v, col in enumerate(cols):
                np.take(picked, col, axis=3, out=taps[u, v])
        self.output = reuse(self.output, input.shape[:-2] + (self.h, self.w), x.dtype)
        index = self._buffer("index", shape, index_dtype(rows.size * cols.size))
        scratch = self._buffer("equal", shape, np.bool_), self._buffer("step", shape, index.dtype)
        first_max(list(taps.reshape((-1,) + shape)), self.output.reshape(shape), index, scratch)
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x = as_batch(self._who(), input, 2)
        n, planes, height, width = x.shape
        rows, cols = _taps(height, self.h), _taps(width, self.w)
        index = self._existing_buffer("index")
        if index is None or index.shape != (n, planes, self.h, self.w):
            raise ValueError(
                f"{self._who()}: backward needs the maxima of a forward on an input of shape "
                f"{input.shape}; call forward first"
            )
        # The input element of each window's maximum, as a flat index into its plane.
        u, v = np.divmod(index, len(cols))
        flat = rows[u, np.arange(self.h)[:, None]] * width + cols[v, np.arange(self.w)]
        self.grad_input = reuse(self.grad_input, input.shape, x.dtype)
        image = self.grad_input.reshape(n * planes, height * width)
        image.fill(0)
        plane = np.arange(n * planes)[:, None]
        g = grad_output.reshape(n * planes, -1)
        np.add.at(image, (plane, flat.reshape(n * planes, -1)), g)  # overlapping windows add up
        return self.grad_input
