"""``nn.SpatialZeroPadding(l, r, t, b)``: zeros around each plane, or a crop for negative pads.

y = x placed at (t, l) in a zero (H + t + b) × (W + l + r) plane, the overlapping part only when
a pad is negative. Gradient: ∂L/∂x is the part of ∂L/∂y where x was placed (zero where cropped).
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from ._padding import Padding


class SpatialZeroPadding(Padding):
    """Pad every plane with zeros (negative pads crop): see the module docstring.

    ∂L/∂x = ∂L/∂y at the positions x was copied to. Input (C, H, W) or (N, C, H, W).

    Parameters
    ----------
    pad_l : int
        Columns added on the left (negative: removed).
    pad_r, pad_t, pad_b : int, optional
        Right, top and bottom; each defaults to ``pad_l``, as in Lua.
    """

    def _regions(self, height: int, width: int) -> tuple[tuple[slice, ...], tuple[slice, ...]]:
        # The input rows and columns kept, and where they go in the output.
        def axis(size: int, before: int, after: int) -> tuple[slice, slice]:
            start, stop = max(0, -before), size - max(0, -after)
            return slice(start, stop), slice(max(0, before), max(0, before) + stop - start)

        (rows_in, rows_out), (cols_in, cols_out) = (
            axis(height, self.pad_t, self.pad_b),
            axis(width, self.pad_l, self.pad_r),
        )
        return (..., rows_in, cols_in), (..., rows_out, cols_out)

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x, size = self._batch(input)
        self.output = reuse(self.output, self._out_shape(input, size), x.dtype)
        self.output.fill(0)
        source, target = self._regions(*x.shape[2:])
        np.copyto(self.output[target], input[source])
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, _ = self._batch(input)
        self.grad_input = reuse(self.grad_input, input.shape, x.dtype)
        self.grad_input.fill(0)
        source, target = self._regions(*x.shape[2:])
        np.copyto(self.grad_input[source], grad_output[target])
        return self.grad_input
