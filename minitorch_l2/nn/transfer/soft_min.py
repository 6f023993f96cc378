"""``nn.SoftMin``: y = SoftMax(−x) over the classes (THNN's, as ``nn.SoftMax``), as Lua does.

yᵢ = e^(−xᵢ) / Σⱼ e^(−xⱼ) (stable: the row's extreme is subtracted first). Gradient, with
SoftMax's rule applied to −x: ∂L/∂xᵢ = −yᵢ (gᵢ − Σⱼ gⱼ yⱼ).
"""

from __future__ import annotations

import numpy as np

from .softmax import SoftMax


class SoftMin(SoftMax):
    """Softmax of −x over the classes of (C,), (n, C), (C, H, W) or (N, C, H, W), as SoftMax.

    yᵢ = e^(−xᵢ) / Σⱼ e^(−xⱼ); ∂L/∂xᵢ = −yᵢ (gᵢ − Σⱼ gⱼ yⱼ). As Lua's ``SoftMin``, it negates
    the input and runs SoftMax forward and backward, then negates the gradient.
    """

    def update_output(self, input: np.ndarray) -> np.ndarray:
        negated = self._buffer("negated", input.shape, input.dtype)
        np.negative(input, out=negated)
        return super().update_output(negated)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        super().update_grad_input(input, grad_output)
        np.negative(self.grad_input, out=self.grad_input)
        return self.grad_input
