"""``nn.SoftMax``: yᵢ = exp(xᵢ − m) / Σⱼ exp(xⱼ − m) over the last dimension, m = maxⱼ xⱼ.

Subtracting the row maximum m changes nothing mathematically and keeps every exp ≤ 1, so
logits of ±1000 give exact probabilities instead of inf/inf. Gradient (Jacobian-vector product,
read from the stored output y as Torch does):  ∂L/∂xᵢ = yᵢ (gᵢ − Σⱼ gⱼ yⱼ).
"""

from __future__ import annotations

import numpy as np

from .._checks import check_class_scores, reuse
from .._row_reductions import row_max, row_sum
from ..module import Module


class SoftMax(Module):
    """Softmax over the last dimension of a vector ``(d,)`` or a batch ``(n, d)``.

    yᵢ = exp(xᵢ − m) / Σⱼ exp(xⱼ − m) with m = maxⱼ xⱼ (the same value as exp xᵢ / Σⱼ exp xⱼ,
    without overflow); backward: ∂L/∂xᵢ = yᵢ (gᵢ − Σⱼ gⱼ yⱼ).

    Notes
    -----
    A row holding NaN or +inf, or only −inf, gives NaN in that row only, without a warning; a
    −inf in an otherwise finite row gets probability exactly 0.
    """

    def update_output(self, input: np.ndarray) -> np.ndarray:
        check_class_scores(self._who(), input)
        self.output = reuse(self.output, input.shape, input.dtype)
        row = self._buffer("row", input.shape[:-1] + (1,), input.dtype)
        row_max(input, out=row)
        # The one step that can warn: inf − inf (a row holding +inf, or only −inf) is NaN, and
        # a finite spread beyond the largest float overflows to −inf (probability 0). Both are
        # the IEEE result (see the class Notes), so NumPy's warnings are silenced here.
        with np.errstate(invalid="ignore", over="ignore"):
            np.subtract(input, row, out=self.output)
        np.exp(self.output, out=self.output)
        row_sum(self.output, out=row)
        self.output /= row
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        row = self._buffer("row", input.shape[:-1] + (1,), input.dtype)
        # Σⱼ gⱼ yⱼ per row, then yᵢ (gᵢ − that sum), all in the buffer.
        np.multiply(grad_output, self.output, out=self.grad_input)
        row_sum(self.grad_input, out=row)
        np.subtract(grad_output, row, out=self.grad_input)
        self.grad_input *= self.output
        return self.grad_input
