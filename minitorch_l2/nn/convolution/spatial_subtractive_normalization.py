"""``nn.SpatialSubtractiveNormalization(n, kernel)``: subtract the local weighted mean.

With K the normalised kernel (``_smoothing.normalised_kernel``) and S(v) = K ⋆ v ('same' size,
zero-padded), over the n planes of x:

    m = S(Σ_c x[c]),   coef = S(Σ_c 1),   y[c] = x[c] − m / coef,

coef correcting the borders, where part of the window falls in the zero padding (1 inside the
image for a kernel normalised as Lua does). Gradient, S being linear with adjoint Sᵀ:

    ∂L/∂x[c] = g[c] − Sᵀ(Σ_c' g[c'] / coef).
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._lua_names import attribute_alias
from .._settings import integer
from ..module import Module
from ._shapes import as_batch
from ._smoothing import checked_kernel, normalised_kernel, smooth, smooth_transpose


class SpatialSubtractiveNormalization(Module):
    """Subtract from each pixel the weighted mean of its neighbourhood over all planes.

    y[c] = x[c] − S(Σ x) / S(Σ 1); ∂L/∂x[c] = g[c] − Sᵀ(Σ g / coef). Input (n, H, W) or
    (N, n, H, W).

    Parameters
    ----------
    n_input_plane : int, default 1
        n, the planes averaged together.
    kernel : numpy.ndarray, optional
        The averaging weights, 1-D (applied along rows and columns) or 2-D, odd sizes; default
        ``np.ones((9, 9))``, as in Lua. It is normalised (a copy).
    """

    def __init__(self, n_input_plane: int = 1, kernel: np.ndarray | None = None) -> None:
        super().__init__()
        self.n_input_plane = n_input_plane
        self.kernel = np.ones((9, 9)) if kernel is None else kernel  # validate() copies it
        self.validate()

    def validate(self) -> None:
        """Check the plane count (an int ≥ 1) and the kernel (1-D or 2-D, odd sizes, finite,
        a non-zero sum), copied to float64."""
        who = f"nn.{type(self).__name__}"
        self.n_input_plane = integer(who, "n_input_plane", self.n_input_plane, 1)
        self.kernel = checked_kernel(who, self.kernel)
        super().validate()

    def _weights(self) -> np.ndarray:
        return normalised_kernel(self.kernel, self.n_input_plane, root=False)

    def _coef(self, x: np.ndarray) -> np.ndarray:
        # S applied to the plane-summed ones: the share of each window inside the image. It
        # depends on the size only, so it is computed again only when the size changes.
        coef = self._buffer("coef", (1, 1) + x.shape[2:], x.dtype)
        if self.__dict__.get("_coef_size") != x.shape[2:]:
            ones = np.full(coef.shape, float(self.n_input_plane), dtype=x.dtype)
            smooth(self, ones, self._weights(), coef)
            self._coef_size = x.shape[2:]
        return coef

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x = as_batch(self._who(), input, 2, self.n_input_plane)
        coef = self._coef(x)
        total = self._buffer("total", (x.shape[0], 1) + x.shape[2:], x.dtype)
        np.sum(x, axis=1, keepdims=True, out=total)
        mean = smooth(self, total, self._weights(), self._buffer("mean", total.shape, x.dtype))
        mean /= coef
        self.output = reuse(self.output, input.shape, x.dtype)
        np.subtract(x, mean, out=self.output.reshape(x.shape))
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x = as_batch(self._who(), input, 2, self.n_input_plane)
        g = grad_output.reshape(x.shape)
        total = self._buffer("grad_total", (x.shape[0], 1) + x.shape[2:], x.dtype)
        np.sum(g, axis=1, keepdims=True, out=total)
        total /= self._coef(x)
        spread = smooth_transpose(self, total, self._weights())  # Sᵀ(Σ g / coef)
        self.grad_input = reuse(self.grad_input, input.shape, x.dtype)
        np.subtract(g, spread, out=self.grad_input.reshape(x.shape))
        return self.grad_input

    # The input size ``coef`` was computed for (dropped with the buffers by clear_state).
    per_call_attributes = ("_coef_size",)

    def _who(self) -> str:
        shape = getattr(self.kernel, "shape", "?")
        return f"nn.{type(self).__name__}({self.n_input_plane}, kernel {shape})"

    nInputPlane = attribute_alias("n_input_plane")
