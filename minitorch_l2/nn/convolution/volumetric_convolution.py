"""``nn.VolumetricConvolution``: a 3-D convolution over (C, T, H, W) volumes (video, scans).

For input x (N, C, T, H, W), weight W (O, C, kT, kH, kW), bias b and strides (dT, dH, dW):

    y[n, o, t, i, j] = b[o] + Σ_{c,s,u,v} W[o, c, s, u, v] · x̃[n, c, t·dT + s, i·dH + u, j·dW + v]

with x̃ zero-padded by (padT, padH, padW). The same product as ``nn.SpatialConvolution`` with a
third kernel dimension in the columns: Y = W X̂ + b; ∂L/∂X̂ = Wᵀ G, ∂L/∂W += scale · G X̂ᵀ.
"""

from __future__ import annotations

from .._lua_names import attribute_alias
from .spatial_convolution import SpatialConvolution


class VolumetricConvolution(SpatialConvolution):
    """3-D convolution ``y = W ⋆ x + b`` over (C, T, H, W) volumes (``nn.VolumetricConvolution``).

    Per sample Y = W X̂ + b; ∂L/∂X̂ = Wᵀ G, ∂L/∂W += scale · G X̂ᵀ, ∂L/∂b += scale · Σ G.
    Input (C, T, H, W) or (N, C, T, H, W).

    Parameters
    ----------
    n_input_plane, n_output_plane : int
        Channels in and out.
    k_t, k_w, k_h : int
        Kernel depth (time), width and height, in Lua's order.
    d_t, d_w, d_h : int, default 1
        Strides.
    pad_t : int, default 0
        Zeros before and after along time.
    pad_w : int, optional
        Zeros on the left and right; default ``pad_t``, as in Lua.
    pad_h : int, optional
        Zeros on top and bottom; default ``pad_w``.

    Attributes
    ----------
    weight, grad_weight : numpy.ndarray, shape (n_output_plane, n_input_plane, k_t, k_h, k_w)
    bias, grad_bias : numpy.ndarray, shape (n_output_plane,), or None after ``no_bias``
        Drawn from U(−1/√(k_t·k_w·k_h·n_input_plane), +1/√(…)) by ``reset``.
    """

    def __init__(
        self,
        n_input_plane: int,
        n_output_plane: int,
        k_t: int,
        k_w: int,
        k_h: int,
        d_t: int = 1,
        d_w: int = 1,
        d_h: int = 1,
        pad_t: int = 0,
        pad_w: int | None = None,
        pad_h: int | None = None,
    ) -> None:
        self.k_t, self.d_t, self.pad_t = k_t, d_t, pad_t
        pad_w = pad_t if pad_w is None else pad_w
        super().__init__(n_input_plane, n_output_plane, k_w, k_h, d_w, d_h, pad_w, pad_h)

    def _integer_settings(self) -> dict[str, int]:
        # In Lua's argument order: a bad pad_t is named before the pad_w copied from it.
        least = {"n_input_plane": 1, "n_output_plane": 1, "k_t": 1, "k_w": 1, "k_h": 1}
        return {**least, "d_t": 1, "d_w": 1, "d_h": 1, "pad_t": 0, "pad_w": 0, "pad_h": 0}

    def _weight_shape(self) -> tuple[int, ...]:
        return (self.n_output_plane, self.n_input_plane, self.k_t, self.k_h, self.k_w)

    def _fan_in(self) -> int:
        return self.k_t * super()._fan_in()

    def _geometry(self) -> tuple[tuple[int, ...], ...]:
        kernel, stride, pad, dilation = super()._geometry()
        return (self.k_t, *kernel), (self.d_t, *stride), (self.pad_t, *pad), (1, *dilation)

    def __tostring__(self) -> str:
        text = (
            f"nn.VolumetricConvolution({self.n_input_plane} -> {self.n_output_plane}, "
            f"{self.k_t}x{self.k_w}x{self.k_h}"
        )
        pads = (self.pad_t, self.pad_w, self.pad_h)
        if (self.d_t, self.d_w, self.d_h) != (1, 1, 1) or pads != (0, 0, 0):
            text += f", {self.d_t},{self.d_w},{self.d_h}"
        if pads != (0, 0, 0):
            text += ", {},{},{}".format(*pads)
        return text + ")"

    kT = attribute_alias("k_t")
    dT = attribute_alias("d_t")
    padT = attribute_alias("pad_t")
