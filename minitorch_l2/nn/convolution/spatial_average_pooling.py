"""``nn.SpatialAveragePooling``: the mean of each kH×kW window of every plane.

For input x (N, C, H, W) padded with zeros (padH, padW) into x̃:

    y[n, c, i, j] = (1 / m[i, j]) · Σ_{u < kH, v < kW} x̃[n, c, i·dH + u, j·dW + v],

where m[i, j] counts the window's elements inside the padded input (``count_include_pad``,
Lua's default) or inside the input itself (after ``set_count_exclude_pad()``); in ``ceil()``
mode a last window may reach past both and counts less (a window that would start past the
input is dropped, where THNN keeps one without padding and divides by zero there).
Gradient: each ∂L/∂y[n, c, i, j] / m[i, j] goes to every element of its window; overlapping
windows add up.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._lua_names import attribute_alias
from .._settings import boolean, integer
from ..module import Module
from ._windows import Windows, check_pooling, grad_image, inside, pooling, source, views


def _counts(size: int, kernel: int, stride: int, pad: int, out: int, include_pad: bool):
    """Elements of each window along one dimension, as THNN counts them."""
    start = np.arange(out) * stride - pad
    end = np.minimum(start + kernel, size + pad)
    if not include_pad:
        start, end = np.maximum(start, 0), np.minimum(end, size)
    return end - start


class SpatialAveragePooling(Module):
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
        super().__init__()
        self.k_w, self.k_h = k_w, k_h
        self.d_w, self.d_h = d_w, d_h
        self.pad_w, self.pad_h = pad_w, pad_h
        self.ceil_mode = False
        self.count_include_pad = True
        self.validate()

    def validate(self) -> None:
        """Check every setting (sizes ≥ 1, pads in [0, ⌊k/2⌋], the two modes bools)."""
        who = f"nn.{type(self).__name__}"
        for name, least in (("k_w", 1), ("k_h", 1), ("d_w", 1), ("d_h", 1)):
            setattr(self, name, integer(who, name, getattr(self, name), least))
        self.pad_w = integer(who, "pad_w", self.pad_w, 0)
        self.pad_h = integer(who, "pad_h", self.pad_h, 0)
        self.ceil_mode = boolean(who, "ceil_mode", self.ceil_mode)
        self.count_include_pad = boolean(who, "count_include_pad", self.count_include_pad)
        check_pooling(who, (self.k_h, self.k_w), (self.pad_h, self.pad_w))
        super().validate()

    def ceil(self) -> SpatialAveragePooling:
        """Round the output size up: a last, partial window covers the input's end."""
        self.ceil_mode = True
        return self

    def floor(self) -> SpatialAveragePooling:
        """Round the output size down (the default): only whole windows."""
        self.ceil_mode = False
        return self

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

    def _windows(self, input: np.ndarray) -> tuple[np.ndarray, Windows]:
        kernel, stride, pad = (self.k_h, self.k_w), (self.d_h, self.d_w), (self.pad_h, self.pad_w)
        return pooling(self._who(), input, kernel, stride, pad, self.ceil_mode)

    def _divisor(self, windows: Windows, dtype: np.dtype) -> np.ndarray:
        # m[i, j] = rows · columns of window (i, j): the count is separable.
        rows, cols = (_counts(*args, self.count_include_pad) for args in zip(*windows))
        return np.multiply.outer(rows, cols).astype(dtype)

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x, windows = self._windows(input)
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

    def _who(self) -> str:
        return repr(self)

    def __tostring__(self) -> str:
        text = f"nn.{type(self).__name__}({self.k_w}x{self.k_h}, {self.d_w},{self.d_h}"
        if (self.pad_w, self.pad_h) != (0, 0):
            text += f", {self.pad_w},{self.pad_h}"
        return text + ")"

    kW = attribute_alias("k_w")
    kH = attribute_alias("k_h")
    dW = attribute_alias("d_w")
    dH = attribute_alias("d_h")
    padW = attribute_alias("pad_w")
    padH = attribute_alias("pad_h")
