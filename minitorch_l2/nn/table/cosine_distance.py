"""``nn.CosineDistance``: the cosine of the angle between each pair of rows.

With a = ⟨x1, x2⟩, s1 = |x1|² + ε, s2 = |x2|² + ε (ε = 1e-12, Lua's guard) and w = 1/√(s1 s2):
yₙ = aₙ wₙ;  ∂L/∂x1 = g w (x2 − (a / s1) x1),  ∂L/∂x2 = g w (x1 − (a / s2) x2).
Despite the name it is a similarity (1 for parallel rows), as in Lua.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._tables import reuse_list
from ._inputs import TensorTable
from ._rows import pair_rows

EPSILON = 1e-12  # added to each squared norm, as Lua's CosineDistance does


class CosineDistance(TensorTable):
    """Row-wise cosine similarity of a pair [x1, x2]: yₙ = ⟨x1ₙ, x2ₙ⟩ / √(s1ₙ s2ₙ).

    sᵢ = |xᵢ|² + 1e-12. ∂L/∂x1 = g w (x2 − (y/w) x1 / s1) and symmetrically, w = 1/√(s1 s2).
    Vectors (d,) are one row: y has shape (1,).
    """

    table_size = 2

    def update_output(self, input: list[np.ndarray]) -> np.ndarray:
        rows1, rows2 = pair_rows(self._who(), input)
        n = rows1.shape[0]
        # dots a, then 1/s1, 1/s2 and w = √(1/s1 · 1/s2): Lua's order of operations.
        dots, inverse1, inverse2, w = self._buffer("stats", (4, n), rows1.dtype)
        np.einsum("ij,ij->i", rows1, rows2, out=dots)
        for inverse, rows in ((inverse1, rows1), (inverse2, rows2)):
            np.einsum("ij,ij->i", rows, rows, out=inverse)
            inverse += EPSILON
            np.divide(1.0, inverse, out=inverse)
        np.multiply(inverse1, inverse2, out=w)
        np.sqrt(w, out=w)
        self.output = reuse(self.output, (n,), rows1.dtype)
        np.multiply(dots, w, out=self.output)
        return self.output

    def update_grad_input(self, input: list[np.ndarray], grad_output: np.ndarray) -> list:
        rows1, rows2 = pair_rows(self._who(), input)
        # The forward's statistics, found by the output's shape (which grad_output has).
        dots, inverse1, inverse2, w = self._buffer("stats", (4,) + self.output.shape, rows1.dtype)
        grads = self.grad_input = reuse_list(self.grad_input, 2)
        coefficient = self._buffer("coefficient", dots.shape, dots.dtype)
        pairs = ((0, rows1, rows2, inverse1), (1, rows2, rows1, inverse2))
        for index, mine, other, inverse in pairs:
            grads[index] = reuse(grads[index], input[index].shape, grad_output.dtype)
            grad = grads[index].reshape(mine.shape)
            np.multiply(dots, inverse, out=coefficient)  # a / s
            np.multiply(mine, coefficient[:, None], out=grad)
            np.subtract(other, grad, out=grad)  # x_other − (a / s) x_mine
            grad *= w[:, None]
            grad *= grad_output[:, None]
        return grads
