"""``nn.DotProduct``: the dot product of each pair of rows.

yₙ = ⟨x1ₙ, x2ₙ⟩; ∂L/∂x1ₙ = gₙ x2ₙ, ∂L/∂x2ₙ = gₙ x1ₙ. A pair of vectors (d,) gives y of shape
(1,), as Lua's does.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._tables import reuse_list
from ._inputs import TensorTable
from ._rows import pair_rows


class DotProduct(TensorTable):
    """Row-wise dot product of a pair [x1, x2] of (n, d) batches: yₙ = ⟨x1ₙ, x2ₙ⟩.

    ∂L/∂x1 = g ⊙ x2 and ∂L/∂x2 = g ⊙ x1 (g broadcast along each row). Vectors (d,) are one row:
    y has shape (1,).
    """

    table_size = 2

    def update_output(self, input: list[np.ndarray]) -> np.ndarray:
        rows1, rows2 = pair_rows(self._who(), input)
        self.output = reuse(self.output, (rows1.shape[0],), rows1.dtype)
        np.einsum("ij,ij->i", rows1, rows2, out=self.output)
        return self.output

    def update_grad_input(self, input: list[np.ndarray], grad_output: np.ndarray) -> list:
        rows1, rows2 = pair_rows(self._who(), input)
        grads = self.grad_input = reuse_list(self.grad_input, 2)
        column = grad_output[:, None]
        for index, other in ((0, rows2), (1, rows1)):
            grads[index] = reuse(grads[index], input[index].shape, grad_output.dtype)
            np.multiply(other, column, out=grads[index].reshape(other.shape))
        return grads
