"""``nn.VolumetricMaxPooling``: the maximum of each kT×kH×kW window of (C, T, H, W) volumes.

    y[n, c, t, i, j] = max_{s, u, v} x̃[n, c, t·dT + s, i·dH + u, j·dW + v],   x̃ padded with −∞,

with Lua's output sizes (floor, or ceil after ``ceil()``) and tie rule (the first maximum in
row-major order gets the gradient), as ``nn.SpatialMaxPooling`` with a third dimension.
"""

from __future__ import annotations

import numpy as np

from .._lua_names import attribute_alias
from .._settings import integer
from ._windows import Windows, check_pooling, pooling
from .spatial_max_pooling import SpatialMaxPooling


class VolumetricMaxPooling(SpatialMaxPooling):
    """Max over kT×kH×kW windows: ``y = max over each window of x``; input (C, T, H, W) or batch.

    ∂L/∂x gets ∂L/∂y at the first maximum of each window (row-major, as Lua).

    Parameters
    ----------
    k_t, k_w, k_h : int
        Window depth, width and height, in Lua's order.
    d_t, d_w, d_h : int, optional
        Strides; default the window's size, as in Lua.
    pad_t, pad_w, pad_h : int, default 0
        −∞ padding on each side, at most half the window.
    """

    def __init__(
        self,
        k_t: int,
        k_w: int,
        k_h: int,
        d_t: int | None = None,
        d_w: int | None = None,
        d_h: int | None = None,
        pad_t: int = 0,
        pad_w: int = 0,
        pad_h: int = 0,
    ) -> None:
        self.k_t = k_t
        self.d_t = k_t if d_t is None else d_t
        self.pad_t = pad_t
        super().__init__(k_w, k_h, d_w, d_h, pad_w, pad_h)

    def validate(self) -> None:
        """Check every setting (sizes ≥ 1, pads in [0, ⌊k/2⌋], ``ceil_mode`` a bool)."""
        who = "nn.VolumetricMaxPooling"
        self.k_t = integer(who, "k_t", self.k_t, 1)
        self.d_t = integer(who, "d_t", self.d_t, 1)
        self.pad_t = integer(who, "pad_t", self.pad_t, 0)
        super().validate()
        check_pooling(who, (self.k_t,), (self.pad_t,))

    def _windows(self, input: np.ndarray) -> tuple[np.ndarray, Windows]:
        kernel = (self.k_t, self.k_h, self.k_w)
        stride, pad = (self.d_t, self.d_h, self.d_w), (self.pad_t, self.pad_h, self.pad_w)
        return pooling(self._who(), input, kernel, stride, pad, self.ceil_mode)

    def __tostring__(self) -> str:
        text = (
            f"nn.VolumetricMaxPooling({self.k_t}x{self.k_w}x{self.k_h}, "
            f"{self.d_t},{self.d_w},{self.d_h}"
        )
        if (self.pad_t, self.pad_w, self.pad_h) != (0, 0, 0):
            text += f", {self.pad_t},{self.pad_w},{self.pad_h}"
        return text + ")"

    kT = attribute_alias("k_t")
    dT = attribute_alias("d_t")
    padT = attribute_alias("pad_t")
