"""``nn.SoftMax``: yᵢ = exp(xᵢ − m) / Σⱼ exp(xⱼ − m) over the classes, m = maxⱼ xⱼ.

The classes are THNN's: the last dimension of (C,) and (n, C), the planes C of (C, H, W) and
(N, C, H, W) at every pixel (``_softmax_axis``). Subtracting the maximum m changes nothing
mathematically and keeps every exp ≤ 1, so logits of ±1000 give exact probabilities instead of
inf/inf. Gradient (Jacobian-vector product, read from the stored output y as Torch does):
∂L/∂xᵢ = yᵢ (gᵢ − Σⱼ gⱼ yⱼ).
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from ..module import Module
from ._softmax_axis import axis_max, axis_sum, forward_axis, kept_shape, softmax_axis


class SoftMax(Module):
    """Softmax over the classes: of a vector (C,) or a batch (n, C), or per pixel over the planes
    of an image (C, H, W) or a batch (N, C, H, W), as Lua's THNN.

    yᵢ = exp(xᵢ − m) / Σⱼ exp(xⱼ − m) with m = maxⱼ xⱼ (the same value as exp xᵢ / Σⱼ exp xⱼ,
    without overflow); backward: ∂L/∂xᵢ = yᵢ (gᵢ − Σⱼ gⱼ yⱼ).

    Notes
    -----
    A row holding NaN or +inf, or only −inf, gives NaN in that row only, without a warning; a
    −inf in an otherwise finite row gets probability exactly 0.
    """

    def update_output(self, input: np.ndarray) -> np.ndarray:
        axis = softmax_axis(self._who(), input)
        self.output = reuse(self.output, input.shape, input.dtype)
        row = self._buffer("row", kept_shape(input.shape, axis), input.dtype)
        axis_max(input, axis, out=row)
        # The one step that can warn: inf − inf (a row holding +inf, or only −inf) is NaN, and
        # a finite spread beyond the largest float overflows to −inf (probability 0). Both are
        # the IEEE result (see the class Notes), so NumPy's warnings are silenced here.
        with np.errstate(invalid="ignore", over="ignore"):
            np.subtract(input, row, out=self.output)
        np.exp(self.output, out=self.output)
        axis_sum(self.output, axis, out=row)
        self.output /= row
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        axis = forward_axis(input)
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        row = self._buffer("row", kept_shape(input.shape, axis), input.dtype)
        try:  # Σⱼ gⱼ yⱼ per row, then yᵢ (gᵢ − that sum), all in the buffer
            with np.errstate(over="raise", invalid="raise"):
                self._product(grad_output, row, axis)
        except FloatingPointError:
            # Σⱼ gⱼ yⱼ is a mean of the gⱼ, so only gᵢ − Σ can pass the float range (then ±inf,
            # or NaN times a yᵢ of 0); with g halved it cannot, and 2·yᵢ(gᵢ/2 − Σ/2) is the
            # exact answer, which is always representable (|yᵢ(gᵢ − Σ)| ≤ max|g| / 2).
            with np.errstate(over="ignore", invalid="ignore"):
                self._product(grad_output * 0.5, row, axis)
                self.grad_input *= 2.0
        return self.grad_input

    def _product(self, g: np.ndarray, row: np.ndarray, axis: int) -> None:
        """grad_input = y (g − Σⱼ gⱼ yⱼ), the sum in ``row``."""
        np.multiply(g, self.output, out=self.grad_input)
        axis_sum(self.grad_input, axis, out=row)
        np.subtract(g, row, out=self.grad_input)
        self.grad_input *= self.output
