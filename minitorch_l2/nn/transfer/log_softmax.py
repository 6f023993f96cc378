"""``nn.LogSoftMax``: yᵢ = xᵢ − m − log Σⱼ exp(xⱼ − m) over the classes, m = maxⱼ xⱼ.

The classes are THNN's: the last dimension of (C,) and (n, C), the planes C of (C, H, W) and
(N, C, H, W) at every pixel (``_softmax_axis``).

The log-sum-exp form never exponentiates a positive number, so logits of ±1000 give finite,
exact log-probabilities. Gradient, read from the stored output y (exp(y) is the softmax):
∂L/∂xᵢ = gᵢ − exp(yᵢ) Σⱼ gⱼ.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from ..module import Module
from ._softmax_axis import axis_max, axis_sum, forward_axis, kept_shape, softmax_axis


class LogSoftMax(Module):
    """Log of the softmax over the classes: of a vector (C,) or a batch (n, C), or per pixel over
    the planes of an image (C, H, W) or a batch (N, C, H, W), as Lua's THNN.

    yᵢ = xᵢ − m − log Σⱼ exp(xⱼ − m) with m = maxⱼ xⱼ (log-sum-exp: finite and exact for logits
    of ±1000); backward: ∂L/∂xᵢ = gᵢ − exp(yᵢ) Σⱼ gⱼ.

    Notes
    -----
    A row holding NaN or +inf, or only −inf, gives NaN in that row only, without a warning; a
    −inf in an otherwise finite row gets log-probability −inf (probability 0).
    """

    def update_output(self, input: np.ndarray) -> np.ndarray:
        axis = softmax_axis(self._who(), input)
        self.output = reuse(self.output, input.shape, input.dtype)
        row = self._buffer("row", kept_shape(input.shape, axis), input.dtype)
        exps = self._buffer("exps", input.shape, input.dtype)
        axis_max(input, axis, out=row)
        # The one step that can warn: inf − inf (a row holding +inf, or only −inf) is NaN, and
        # a finite spread beyond the largest float overflows to −inf. Both are the IEEE result
        # (see the class Notes), so NumPy's warnings are silenced here.
        with np.errstate(invalid="ignore", over="ignore"):
            np.subtract(input, row, out=self.output)  # x − m ≤ 0
        np.exp(self.output, out=exps)
        axis_sum(exps, axis, out=row)  # Σ exp(x − m) ∈ [1, C]
        np.log(row, out=row)
        self.output -= row
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        axis = forward_axis(input)
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        row = self._buffer("row", kept_shape(input.shape, axis), input.dtype)
        try:
            with np.errstate(over="raise", invalid="raise"):
                np.exp(self.output, out=self.grad_input)
                axis_sum(grad_output, axis, out=row)
                self.grad_input *= row
                np.subtract(grad_output, self.grad_input, out=self.grad_input)
        except FloatingPointError:  # Σⱼ gⱼ past the float range: see _scaled_grad_input
            self._scaled_grad_input(grad_output, row, axis)
        return self.grad_input

    def _scaled_grad_input(self, grad_output: np.ndarray, row: np.ndarray, axis: int) -> None:
        # With 2ᵏ > d, S = Σⱼ gⱼ 2⁻ᵏ cannot overflow. gᵢ − pᵢ S 2ᵏ is taken as it is where pᵢ S 2ᵏ
        # is finite, else as (gᵢ 2⁻ᵏ − pᵢ S) 2ᵏ: the exact answer wherever it is representable,
        # ±inf only where the gradient itself is past the range; the IEEE result for ±inf or NaN.
        k = grad_output.shape[axis].bit_length()
        with np.errstate(over="ignore", invalid="ignore"):
            scaled = np.ldexp(grad_output, -k)
            axis_sum(scaled, axis, out=row)
            share = np.exp(self.output) * row  # pᵢ S
            product = np.ldexp(share, k)  # pᵢ Σⱼ gⱼ, ±inf where past the range
            direct = grad_output - product
            rescaled = np.ldexp(scaled - share, k)
            np.copyto(self.grad_input, np.where(np.isfinite(product), direct, rescaled))
