"""``nn.SpatialLPPooling(n, p, kW, kH, dW, dH)``: the p-norm of each kH×kW window.

    y[n, c, i, j] = (Σ_{u < kH, v < kW} x[n, c, i·dH + u, j·dW + v]^p)^(1/p),

Lua's Power(p) (Square for p = 2), SpatialAveragePooling, MulConstant(kW·kH), Power(1/p) (Sqrt)
in one layer. Gradient: ∂y/∂x = (x / y)^(p − 1) for each element of the window, summed over the
windows an element belongs to; a window whose norm is 0 passes no gradient (Lua's Sqrt does the
same for p = 2; for other p Lua's Power gives NaN there). As Lua, x^p of a negative x is taken
as it comes (real for an integer p, NaN otherwise).
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._lua_names import attribute_alias
from .._settings import integer, real
from ..module import Module
from ._windows import Windows, grad_image, pooling, views


class SpatialLPPooling(Module):
    """p-norm pooling over kH×kW windows: ``y = (Σ_window x^p)^(1/p)``.

    ∂L/∂x = Σ over windows of ∂L/∂y · (x/y)^(p − 1). Input (C, H, W) or (N, C, H, W).

    Parameters
    ----------
    n_input_plane : int
        Planes of the input (kept for Lua's signature; any number of planes is accepted).
    pnorm : float
        p > 0 (2 gives the Euclidean norm of each window).
    k_w, k_h : int
        Window width and height.
    d_w, d_h : int, optional
        Strides; default the window's size, as in Lua.
    """

    def __init__(
        self,
        n_input_plane: int,
        pnorm: float,
        k_w: int,
        k_h: int,
        d_w: int | None = None,
        d_h: int | None = None,
    ) -> None:
        super().__init__()
        self.n_input_plane, self.pnorm = n_input_plane, pnorm
        self.k_w, self.k_h = k_w, k_h
        self.d_w = k_w if d_w is None else d_w
        self.d_h = k_h if d_h is None else d_h
        self.validate()

    def validate(self) -> None:
        """Check the settings: sizes ints ≥ 1, p a finite number > 0."""
        who = "nn.SpatialLPPooling"
        for name in ("n_input_plane", "k_w", "k_h", "d_w", "d_h"):
            setattr(self, name, integer(who, name, getattr(self, name), 1))
        self.pnorm = real(who, "pnorm", self.pnorm, 0.0, low_open=True)
        super().validate()

    def _windows(self, input: np.ndarray) -> tuple[np.ndarray, Windows]:
        kernel, stride = (self.k_h, self.k_w), (self.d_h, self.d_w)
        return pooling(self._who(), input, kernel, stride, (0, 0))

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x, windows = self._windows(input)
        powers = self._buffer("powers", x.shape, x.dtype)
        np.power(x, self.pnorm, out=powers) if self.pnorm != 2 else np.multiply(x, x, out=powers)
        taps = views(powers, windows)
        self.output = reuse(self.output, input.shape[:-2] + windows.out, x.dtype)
        out = self.output.reshape(x.shape[:2] + windows.out)
        np.copyto(out, taps[0])
        for tap in taps[1:]:
            out += tap
        np.power(out, 1 / self.pnorm, out=out) if self.pnorm != 2 else np.sqrt(out, out=out)
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, windows = self._windows(input)
        y = self.output.reshape(x.shape[:2] + windows.out)
        share = self._buffer("share", y.shape, x.dtype)
        np.power(y, self.pnorm - 1, out=share)
        with np.errstate(divide="ignore", invalid="ignore"):
            np.divide(grad_output.reshape(y.shape), share, out=share)  # g / y^(p−1)
        share[y == 0] = 0  # a zero norm passes no gradient
        self.grad_input = reuse(self.grad_input, input.shape, x.dtype)
        image = grad_image(self, self.grad_input.reshape(x.shape), windows)
        for target in views(image, windows):
            target += share
        factor = self._buffer("factor", x.shape, x.dtype)
        np.power(x, self.pnorm - 1, out=factor)  # x^(p−1), the same for every window
        image *= factor
        return self.grad_input

    def __tostring__(self) -> str:
        return f"nn.SpatialLPPooling({self.pnorm:g}, {self.k_w}x{self.k_h}, {self.d_w},{self.d_h})"

    nInputPlane = attribute_alias("n_input_plane")
    kW = attribute_alias("k_w")
    kH = attribute_alias("k_h")
    dW = attribute_alias("d_w")
    dH = attribute_alias("d_h")
