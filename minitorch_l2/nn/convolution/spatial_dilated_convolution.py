"""``nn.SpatialDilatedConvolution``: a convolution whose kernel taps are ``dilation`` apart.

With dilation (dilH, dilW) the kernel tap (u, v) reads x̃[i·dH + u·dilH, j·dW + v·dilW]:

    y[n, o, i, j] = b[o] + Σ_{c, u, v} W[o, c, u, v] · x̃[n, c, i·dH + u·dilH, j·dW + v·dilW],

H_out = ⌊(H + 2·padH − dilH·(kH − 1) − 1)/dH⌋ + 1. The columns X̂ hold those taps, and the
product and gradients are ``nn.SpatialConvolution``'s (Lua's class is its subclass too).
"""

from __future__ import annotations

from .._lua_names import attribute_alias
from .spatial_convolution import SpatialConvolution


class SpatialDilatedConvolution(SpatialConvolution):
    """2-D convolution with dilated kernels (an *à trous* convolution); see the module docstring.

    Y = W X̂ + b per sample, X̂ the dilated columns; ∂L/∂X̂ = Wᵀ G, ∂L/∂W += scale · G X̂ᵀ.

    Parameters
    ----------
    n_input_plane, n_output_plane : int
        Channels in and out.
    k_w, k_h : int
        Kernel width and height (width first, as in Lua).
    d_w, d_h : int, default 1
        Strides.
    pad_w : int, default 0
        Zeros on the left and right.
    pad_h : int, optional
        Zeros on top and bottom; default ``pad_w``.
    dilation_w, dilation_h : int, default 1
        Distance between two kernel taps along the width and the height (Lua's ``dilationW``).
    """

    def __init__(
        self,
        n_input_plane: int,
        n_output_plane: int,
        k_w: int,
        k_h: int,
        d_w: int = 1,
        d_h: int = 1,
        pad_w: int = 0,
        pad_h: int | None = None,
        dilation_w: int = 1,
        dilation_h: int = 1,
    ) -> None:
        self.dilation_w, self.dilation_h = dilation_w, dilation_h
        super().__init__(n_input_plane, n_output_plane, k_w, k_h, d_w, d_h, pad_w, pad_h)

    def _integer_settings(self) -> dict[str, int]:
        return {**super()._integer_settings(), "dilation_w": 1, "dilation_h": 1}

    def _geometry(self) -> tuple[tuple[int, ...], ...]:
        kernel, stride, pad, _ = super()._geometry()
        return kernel, stride, pad, (self.dilation_h, self.dilation_w)

    def __tostring__(self) -> str:
        text = super().__tostring__()
        head, _, tail = text.rpartition(")")
        return f"{head}, {self.dilation_w},{self.dilation_h}){tail}"

    dilationW = attribute_alias("dilation_w")
    dilationH = attribute_alias("dilation_h")
