"""The settings the pooling layers share: Lua's constructor arguments, their checks, the modes.

``Pooling`` is SpatialMaxPooling's and SpatialAveragePooling's (window, stride, padding, ceil
or floor mode, the windows of an input, Lua's printing); ``AdaptivePooling`` the adaptive
poolings' (the output size). Each layer keeps its own formula.
"""

from __future__ import annotations

import numpy as np

from .._lua_names import attribute_alias
from .._settings import boolean, integer
from ..module import Module
from ._windows import Windows, check_pooling, pooling


class Pooling(Module):
    """kH×kW windows with stride (dH, dW) and padding (padH, padW) over (N, C, H, W) (internal).

    Parameters
    ----------
    k_w, k_h : int
        Window width and height (width first, as in Lua).
    d_w, d_h : int
        Strides.
    pad_w, pad_h : int, default 0
        Padding on each side, at most half the window (⌊k/2⌋).
    """

    def __init__(
        self, k_w: int, k_h: int, d_w: int, d_h: int, pad_w: int = 0, pad_h: int = 0
    ) -> None:
        super().__init__()
        self.k_w, self.k_h = k_w, k_h
        self.d_w, self.d_h = d_w, d_h
        self.pad_w, self.pad_h = pad_w, pad_h
        self.ceil_mode = False

    def validate(self) -> None:
        """Check the shared settings (sizes ≥ 1, pads in [0, ⌊k/2⌋], ``ceil_mode`` a bool)."""
        who = f"nn.{type(self).__name__}"
        for name, least in (("k_w", 1), ("k_h", 1), ("d_w", 1), ("d_h", 1)):
            setattr(self, name, integer(who, name, getattr(self, name), least))
        self.pad_w = integer(who, "pad_w", self.pad_w, 0)
        self.pad_h = integer(who, "pad_h", self.pad_h, 0)
        self.ceil_mode = boolean(who, "ceil_mode", self.ceil_mode)
        check_pooling(who, (self.k_h, self.k_w), (self.pad_h, self.pad_w))
        super().validate()

    def ceil(self) -> Pooling:
        """Round the output size up, as Lua: a last, partial window covers the input's end.

        Returns
        -------
        Pooling
            ``self``.
        """
        self.ceil_mode = True
        return self

    def floor(self) -> Pooling:
        """Round the output size down (the default): only whole windows.

        Returns
        -------
        Pooling
            ``self``.
        """
        self.ceil_mode = False
        return self

    def _windows(self, input: np.ndarray) -> tuple[np.ndarray, Windows]:
        kernel, stride, pad = (self.k_h, self.k_w), (self.d_h, self.d_w), (self.pad_h, self.pad_w)
        return pooling(self._who(), input, kernel, stride, pad, self.ceil_mode)

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


class AdaptivePooling(Module):
    """Pooling to a fixed H×W output whatever the input's size (internal).

    Parameters
    ----------
    w : int
        Output width (Lua's ``W``).
    h : int
        Output height (``H``).
    """

    def __init__(self, w: int, h: int) -> None:
        super().__init__()
        self.w, self.h = w, h
        self.validate()

    def validate(self) -> None:
        """Check the output size: two ints ≥ 1."""
        self.w = integer(f"nn.{type(self).__name__}", "w", self.w, 1)
        self.h = integer(f"nn.{type(self).__name__}", "h", self.h, 1)
        super().validate()

    def __tostring__(self) -> str:
        return f"nn.{type(self).__name__}"

    def _who(self) -> str:
        return f"nn.{type(self).__name__}({self.w}x{self.h})"

    W = attribute_alias("w")
    H = attribute_alias("h")
