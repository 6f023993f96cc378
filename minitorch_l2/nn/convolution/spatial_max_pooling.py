"""``nn.SpatialMaxPooling``: the maximum of each kH×kW window of every plane.

For input x (N, C, H, W) padded with −∞ (padH, padW) into x̃:

    y[n, c, i, j] = max_{u < kH, v < kW} x̃[n, c, i·dH + u, j·dW + v],

H_out = ⌊(H + 2·padH − kH)/dH⌋ + 1, or ⌈…⌉ + 1 after ``ceil()`` (THNN's sizes; with padding,
less a last window that would start in it). Gradient: each ∂L/∂y[n, c, i, j] goes to the element
that held the maximum, the first of equal ones in row-major order (Lua's rule); elements of
overlapping windows add up. A NaN in a window is its maximum here (Lua skips NaN). In ceil mode
without padding and with a stride above the kernel, THNN keeps a last window that starts past
the input: its maximum is −∞. That geometry is refused with a ValueError saying so (a Lua bug,
which no working model relies on: −∞ turns into NaN in the next linear layer).
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from ._pooling import Pooling
from ._windows import (
    empty_windows,
    first_max,
    grad_image,
    index_dtype,
    inside,
    refuse_empty,
    source,
    views,
)


class SpatialMaxPooling(Pooling):
    """Max over kH×kW windows, stride (dH, dW): ``y = max over each window of x``.

    ∂L/∂x gets ∂L/∂y at the first maximum of each window (row-major, as Lua). Input (C, H, W)
    or (N, C, H, W).

    Parameters
    ----------
    k_w, k_h : int
        Window width and height (width first, as in Lua).
    d_w, d_h : int, optional
        Strides; default the window's size (non-overlapping windows), as in Lua.
    pad_w, pad_h : int, default 0
        −∞ padding on each side, at most half the window (⌊k/2⌋).
    """

    def __init__(
        self,
        k_w: int,
        k_h: int,
        d_w: int | None = None,
        d_h: int | None = None,
        pad_w: int = 0,
        pad_h: int = 0,
    ) -> None:
        super().__init__(
            k_w, k_h, k_w if d_w is None else d_w, k_h if d_h is None else d_h, pad_w, pad_h
        )
        self.validate()

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x, windows = self._windows(input)
        if max(empty_windows(windows)) >= 0:
            refuse_empty(self._who(), input, windows, "its maximum as −inf")
        taps = views(source(self, x, windows, -np.inf), windows)
        shape = x.shape[:2] + windows.out
        self.output = reuse(
            self.output, input.shape[: input.ndim - len(windows.out)] + windows.out, x.dtype
        )
        index = self._buffer("index", shape, index_dtype(len(taps)))
        scratch = self._buffer("equal", shape, np.bool_), self._buffer("step", shape, index.dtype)
        first_max(taps, self.output.reshape(shape), index, scratch)
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, windows = self._windows(input)
        shape = x.shape[:2] + windows.out
        index = self._existing_buffer("index")
        if index is None or index.shape != shape:
            raise ValueError(
                f"{self._who()}: backward needs the maxima of a forward on an input of shape "
                f"{input.shape}; call forward first"
            )
        g = grad_output.reshape(shape)
        self.grad_input = reuse(self.grad_input, input.shape, x.dtype)
        image = grad_image(self, self.grad_input.reshape(x.shape), windows)
        mask = self._buffer("equal", shape, np.bool_)
        share = self._buffer("share", shape, x.dtype) if windows.overlapping else None
        for k, target in enumerate(views(image, windows)):
            np.equal(index, k, out=mask)  # the windows whose maximum is at offset k
            if share is None:  # disjoint windows: each target element written once
                np.multiply(g, mask, out=target)
            else:
                np.multiply(g, mask, out=share)
                target += share
        if windows.needs_padding:
            np.copyto(self.grad_input.reshape(x.shape), inside(image, windows))
        return self.grad_input
