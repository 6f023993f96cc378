"""``nn.SpatialCrossMapLRN(size, alpha, beta, k)``: local response normalisation across planes.

Each pixel is divided by a power of the sum of squares over the ``size`` neighbouring planes
centred on its own (AlexNet's normalisation). With r = (size − 1)/2 and the window
Wc = [c − r, c + r] ∩ [0, C):

    s[c] = k + (α / size) · Σ_{c' ∈ Wc} x[c']²,     y[c] = x[c] · s[c]^(−β),
    ∂L/∂x[c] = g[c] · s[c]^(−β) − (2αβ / size) · x[c] · Σ_{c' ∈ Wc} g[c'] · y[c'] / s[c'],

per pixel (the window is symmetric, so c ∈ Wc' exactly when c' ∈ Wc). Sums over the window are
a loop over its ``size`` plane offsets, each one vectorised over the whole batch.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._settings import integer, real
from ..module import Module
from ._shapes import as_batch


class SpatialCrossMapLRN(Module):
    """Normalise each pixel by the squares of the same pixel in ``size`` neighbouring planes.

    y = x · s^(−β), s = k + (α/size) Σ_window x² (see the module docstring for ∂L/∂x).
    Input (C, H, W) or (N, C, H, W).

    Parameters
    ----------
    size : int
        Planes in the window, odd (the window is centred on the plane).
    alpha : float, default 1e-4
        α, the scale of the sum of squares.
    beta : float, default 0.75
        β, the power.
    k : float, default 1
        The constant added to the scaled sum.
    """

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> None:
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k
        self.validate()

    def validate(self) -> None:
        """Check the settings: an odd size ≥ 1 (Lua indexes planes by fractions for even ones)."""
        who = "nn.SpatialCrossMapLRN"
        self.size = integer(who, "size", self.size, 1)
        if self.size % 2 == 0:
            raise ValueError(
                f"{who}: size must be odd (a window centred on each plane), got {self.size}"
            )
        self.alpha = real(who, "alpha", self.alpha)
        self.beta = real(who, "beta", self.beta)
        self.k = real(who, "k", self.k)
        super().validate()

    def _window_sum(self, values: np.ndarray, name: str) -> np.ndarray:
        """Σ over each plane's window of ``values`` (N, C, H, W), into a reused buffer."""
        r = (self.size - 1) // 2
        n, planes = values.shape[:2]
        padded = self._buffer(
            f"{name}_padded", (n, planes + 2 * r) + values.shape[2:], values.dtype
        )
        padded[:, :r] = 0
        padded[:, planes + r :] = 0
        np.copyto(padded[:, r : planes + r], values)
        total = self._buffer(f"{name}_sum", values.shape, values.dtype)
        np.copyto(total, padded[:, :planes])
        for offset in range(1, self.size):
            total += padded[:, offset : offset + planes]
        return total

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x = as_batch(self._who(), input, 2)
        squares = self._buffer("squares", x.shape, x.dtype)
        np.multiply(x, x, out=squares)
        scale = self._buffer("scale", x.shape, x.dtype)
        np.multiply(self._window_sum(squares, "square"), self.alpha / self.size, out=scale)
        scale += self.k  # s = k + (α/size) Σ x²
        self.output = reuse(self.output, input.shape, x.dtype)
        out = self.output.reshape(x.shape)
        np.power(scale, -self.beta, out=out)
        out *= x
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x = as_batch(self._who(), input, 2)
        scale = self.__dict__.get("_buffers", {}).get("scale")
        if scale is None or scale.shape != x.shape:
            raise ValueError(
                f"{self._who()}: backward needs the scale of a forward on an input of shape "
                f"{input.shape}; call forward first"
            )
        g = grad_output.reshape(x.shape)
        ratio = self._buffer("ratio", x.shape, x.dtype)
        np.multiply(g, self.output.reshape(x.shape), out=ratio)
        ratio /= scale  # g · y / s
        total = self._window_sum(ratio, "ratio")
        self.grad_input = reuse(self.grad_input, input.shape, x.dtype)
        grad = self.grad_input.reshape(x.shape)
        np.multiply(total, x, out=grad)
        grad *= -2 * self.alpha * self.beta / self.size
        power = self._buffer("power", x.shape, x.dtype)
        np.power(scale, -self.beta, out=power)
        power *= g
        grad += power
        return self.grad_input

    def _who(self) -> str:
        return f"nn.SpatialCrossMapLRN({self.size}, {self.alpha:g}, {self.beta:g}, {self.k:g})"
