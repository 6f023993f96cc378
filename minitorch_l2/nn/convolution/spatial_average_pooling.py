"""``nn.SpatialAveragePooling``: the mean of each kH×kW window of every plane.

For input x (N, C, H, W) padded with zeros (padH, padW) into x̃:

    y[n, c, i, j] = (1 / m[i, j]) · Σ_{u < kH, v < kW} x̃[n, c, i·dH + u, j·dW + v],

where m[i, j] counts the window's elements inside the padded input (``count_include_pad``,
Lua's default) or inside the input itself (after ``set_count_exclude_pad()``); in ``ceil()``
mode a last window may reach past both and counts less. Output sizes are THNN's: in ceil mode
without padding and with a stride above the kernel, THNN keeps a last window that starts past
the input and holds nothing; its count, THNN's, is then (size − start) ≤ 0 along that dimension,
so Lua's mean there is 0/m: −0 or 0, matched here, or 0/0 = NaN where the window starts exactly
at the input's end — that geometry is refused with a ValueError saying so (a Lua bug).
Gradient: each ∂L/∂y[n, c, i, j] / m[i, j] goes to every element of its window; overlapping
windows add up.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._settings import boolean
from ._pooling import Pooling
from ._windows import Windows, empty_windows, grad_image, inside, refuse_empty, source, views


def _counts(size: int, kernel: int, stride: int, pad: int, out: int, include_pad: bool):
    """Elements of each window along one dimension, as THNN counts them."""
    start = np.arange(out) * stride - pad
    end = np.minimum(start + kernel, size + pad)
    if not include_pad:
        start, end = np.maximum(start, 0), np.minimum(end, size)
    return end - start


class SpatialAveragePooling(Pooling):
    """Mean over kH×kW windows, stride (dH, dW): ``y = window sum / window count``.

    ∂L/∂x gets ∂L/∂y / count at every element of the window. Input (C, H, W) or (N, C, H, W).

    Parameters
    ----------
    k_w, k_h : int
        Window width and height (width first, as in Lua).
    d_w, d_h : int, default 1
        Strides (Lua's default is 1, not the window size as for max pooling).
    pad_w, pad_h : int, default 0
        Zero padding on each side, at most half the window (⌊k/2⌋).
    """

    def __init__(
        self, k_w: int, k_h: int, d_w: int = 1, d_h: int = 1, pad_w: int = 0, pad_h: int = 0
    ) -> None:
        super().__init__(k_w, k_h, d_w, d_h, pad_w, pad_h)
        self.count_include_pad = True
        self.validate()

    def validate(self) -> None:
        """Check every setting (sizes ≥ 1, pads in [0, ⌊k/2⌋], the two modes bools)."""
        who = f"nn.{type(self).__name__}"
        self.count_include_pad = boolean(who, "count_include_pad", self.count_include_pad)
        super().validate()

    def set_count_include_pad(self) -> SpatialAveragePooling:
        """Divide by the window's size within the padded input (the default)."""
        self.count_include_pad = True
        return self

    def set_count_exclude_pad(self) -> SpatialAveragePooling:
        """Divide by the number of the window's elements inside the input (padding excluded)."""
        self.count_include_pad = False
        return self

    setCountIncludePad = set_count_include_pad
    setCountExcludePad = set_count_exclude_pad

    def _divisor(self, windows: Windows, dtype: np.dtype) -> np.ndarray:
        # m[i, j] = rows · columns of window (i, j): the count is separable.
        rows, cols = (_counts(*args, self.count_include_pad) for args in zip(*windows))
        return np.multiply.outer(rows, cols).astype(dtype)

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x, windows = self._windows(input)
        if 0 in empty_windows(windows):
            refuse_empty(self._who(), input, windows, "its mean as 0/0 = NaN (a count of 0)")
        taps = views(source(self, x, windows, 0.0), windows)
        self.output = reuse(
            self.output, input.shape[: input.ndim - len(windows.out)] + windows.out, x.dtype
        )
        out = self.output.reshape(x.shape[:2] + windows.out)
        np.copyto(out, taps[0])
        for tap in taps[1:]:  # the window sums, offset by offset in Lua's order
            out += tap
        out /= self._divisor(windows, x.dtype)
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, windows = self._windows(input)
        shape = x.shape[:2] + windows.out
        share = self._buffer("share", shape, x.dtype)
        np.divide(grad_output.reshape(shape), self._divisor(windows, x.dtype), out=share)
        self.grad_input = reuse(self.grad_input, input.shape, x.dtype)
        image = grad_image(self, self.grad_input.reshape(x.shape), windows)
        for target in views(image, windows):
            target += share
        if windows.needs_padding:
            np.copyto(self.grad_input.reshape(x.shape), inside(image, windows))
        return self.grad_input
