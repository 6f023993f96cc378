"""``nn.SpatialDivisiveNormalization(n, kernel, threshold, thresval)``: divide by the local std.

With K the normalised kernel (for a 1-D kernel Lua scales by √n; ``_smoothing``) and
S(v) = K ⋆ v ('same' size, zero-padded), over the n planes of x:

    σ = √S(Σ_c x[c]²),   coef = S(Σ_c 1),   a = σ / coef,
    t = a where a > threshold, else thresval,   y[c] = x[c] / t.

Gradient, with g = ∂L/∂y, per pixel r = Σ_c g[c] x[c] / t² (the same for every plane):

    ∂L/∂x[c] = g[c] / t + 2 x[c] · Sᵀ(−r · [a > threshold] / (2σ · coef)),

a zero σ passing no gradient (Lua's Sqrt).
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._lua_names import attribute_alias
from .._settings import integer, real
from ..module import Module
from ._shapes import as_batch
from ._smoothing import checked_kernel, normalised_kernel, smooth, smooth_transpose


class SpatialDivisiveNormalization(Module):
    """Divide each pixel by the local standard deviation over all planes (thresholded).

    y[c] = x[c] / t, t = max-like threshold of √S(Σ x²) / S(Σ 1); see the module docstring.
    Input (n, H, W) or (N, n, H, W).

    Parameters
    ----------
    n_input_plane : int, default 1
        n, the planes normalised together.
    kernel : numpy.ndarray, optional
        The weights, 1-D (rows and columns) or 2-D, odd sizes; default ``np.ones((9, 9))``.
    threshold : float, default 1e-4
        Standard deviations at or below it are replaced by ``thresval``.
    thresval : float, optional
        The replacement; default ``threshold``, as in Lua.
    """

    # The input size ``coef`` was computed for (dropped with the buffers by clear_state).
    per_call_attributes = ("_coef_size",)

    def __init__(
        self,
        n_input_plane: int = 1,
        kernel: np.ndarray | None = None,
        threshold: float = 1e-4,
        thresval: float | None = None,
    ) -> None:
        super().__init__()
        self.n_input_plane = n_input_plane
        self.kernel = np.ones((9, 9)) if kernel is None else kernel  # validate() copies it
        self.threshold = threshold
        self.thresval = threshold if thresval is None else thresval
        self.validate()

    def validate(self) -> None:
        """Check the plane count, the kernel and the two thresholds."""
        who = f"nn.{type(self).__name__}"
        self.n_input_plane = integer(who, "n_input_plane", self.n_input_plane, 1)
        self.threshold = real(who, "threshold", self.threshold)
        self.thresval = real(who, "thresval", self.thresval)
        self.kernel = checked_kernel(who, self.kernel)
        super().validate()

    def _weights(self) -> np.ndarray:
        return normalised_kernel(self.kernel, self.n_input_plane, root=True)

    def _coef(self, x: np.ndarray) -> np.ndarray:
        coef = self._buffer("coef", (1, 1) + x.shape[2:], x.dtype)
        if self.__dict__.get("_coef_size") != x.shape[2:]:
            ones = np.full(coef.shape, float(self.n_input_plane), dtype=x.dtype)
            smooth(self, ones, self._weights(), coef)
            self._coef_size = x.shape[2:]
        return coef

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x = as_batch(self._who(), input, 2, self.n_input_plane)
        pixel = (x.shape[0], 1) + x.shape[2:]
        squares = self._buffer("squares", pixel, x.dtype)
        np.sum(np.square(x), axis=1, keepdims=True, out=squares)
        std = smooth(self, squares, self._weights(), self._buffer("std", pixel, x.dtype))
        np.sqrt(std, out=std)  # σ
        adjusted = self._buffer("adjusted", pixel, x.dtype)
        np.divide(std, self._coef(x), out=adjusted)  # a = σ / coef
        kept = self._buffer("kept", pixel, np.bool_)
        np.greater(adjusted, self.threshold, out=kept)
        divisor = self._buffer("divisor", pixel, x.dtype)
        np.copyto(divisor, self.thresval)
        np.copyto(divisor, adjusted, where=kept)  # t
        self.output = reuse(self.output, input.shape, x.dtype)
        np.divide(x, divisor, out=self.output.reshape(x.shape))
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x = as_batch(self._who(), input, 2, self.n_input_plane)
        divisor = self._existing_buffer("divisor")
        if divisor is None or divisor.shape[0] != x.shape[0]:
            raise ValueError(
                f"{self._who()}: backward needs a forward on an input of shape {input.shape}; "
                f"call forward first"
            )
        g = grad_output.reshape(x.shape)
        std, kept = self._existing_buffer("std"), self._existing_buffer("kept")
        pixel = divisor.shape
        r = self._buffer("r", pixel, x.dtype)
        np.sum(g * x, axis=1, keepdims=True, out=r)
        r /= divisor
        r /= divisor  # r = Σ g x / t²
        r *= kept
        with np.errstate(divide="ignore", invalid="ignore"):
            r /= std
        r[std == 0] = 0  # Lua's Sqrt: no gradient through σ = 0
        r /= self._coef(x)
        r *= -0.5  # ∂L/∂q, q = S(Σ x²)
        spread = smooth_transpose(self, r, self._weights())
        self.grad_input = reuse(self.grad_input, input.shape, x.dtype)
        grad = self.grad_input.reshape(x.shape)
        np.multiply(x, spread, out=grad)
        grad *= 2
        grad += g / divisor
        return self.grad_input

    def _who(self) -> str:
        shape = getattr(self.kernel, "shape", "?")
        return f"nn.{type(self).__name__}({self.n_input_plane}, kernel {shape})"

    nInputPlane = attribute_alias("n_input_plane")
