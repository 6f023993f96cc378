"""``nn.CosineDistance``: the cosine of the angle between each pair of rows.

With a = ⟨x1, x2⟩, s1 = |x1|² + ε, s2 = |x2|² + ε (ε = 1e-12, Lua's guard) and w = 1/√(s1 s2):
yₙ = aₙ wₙ;  ∂L/∂x1 = g w (x2 − (a / s1) x1),  ∂L/∂x2 = g w (x1 − (a / s2) x2).
Despite the name it is a similarity (1 for parallel rows), as in Lua. Rows whose |x|²
over- or underflows are redone at a power-of-two scale (``nn/_scaled_cosines.py``): finite
input gets the formula's value, not NaN or a spurious 0 or ±inf.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._scaled_cosines import ScaledCosines, cosine_rows
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

    per_call_attributes = ("_scaled",)  # the forward's rows redone at a scale, or None

    def update_output(self, input: list[np.ndarray]) -> np.ndarray:
        rows1, rows2 = pair_rows(self._who(), input)
        n = rows1.shape[0]
        # dots a, then 1/s1, 1/s2 and w = √(1/s1 · 1/s2): Lua's order of operations.
        stats = self._buffer("stats", (4, n), rows1.dtype)
        dots, inverse1, inverse2, w = stats
        self.output = reuse(self.output, (n,), rows1.dtype)
        with np.errstate(over="ignore", invalid="ignore"):  # such rows are redone below
            np.einsum("ij,ij->i", rows1, rows2, out=dots)
            np.einsum("ij,ij->i", rows1, rows1, out=inverse1)
            np.einsum("ij,ij->i", rows2, rows2, out=inverse2)
            rows = cosine_rows(stats[1:3], rows1, rows2)  # |x1|², |x2|²
            for inverse in (inverse1, inverse2):
                inverse += EPSILON
                np.divide(1.0, inverse, out=inverse)
            np.multiply(inverse1, inverse2, out=w)
            np.sqrt(w, out=w)
            np.multiply(dots, w, out=self.output)
        self._scaled = None
        if rows.size:
            self._scaled = ScaledCosines(rows, rows1[rows], rows2[rows], EPSILON)
            self.output[rows] = self._scaled.cosines
        return self.output

    def update_grad_input(self, input: list[np.ndarray], grad_output: np.ndarray) -> list:
        rows1, rows2 = pair_rows(self._who(), input)
        # The forward's statistics, found by the output's shape (which grad_output has).
        dots, inverse1, inverse2, w = self._buffer("stats", (4,) + self.output.shape, rows1.dtype)
        grads = self.grad_input = reuse_list(self.grad_input, 2)
        coefficient = self._buffer("coefficient", dots.shape, dots.dtype)
        pairs = ((0, rows1, rows2, inverse1), (1, rows2, rows1, inverse2))
        with np.errstate(over="ignore", invalid="ignore"):  # such rows are redone below
            for index, mine, other, inverse in pairs:
                grads[index] = reuse(grads[index], input[index].shape, grad_output.dtype)
                grad = grads[index].reshape(mine.shape)
                np.multiply(dots, inverse, out=coefficient)  # a / s
                np.multiply(mine, coefficient[:, None], out=grad)
                np.subtract(other, grad, out=grad)  # x_other − (a / s) x_mine
                grad *= w[:, None]
                grad *= grad_output[:, None]
        if self.__dict__.get("_scaled") is not None:
            self._scaled.gradients(
                grad_output, grads[0].reshape(rows1.shape), grads[1].reshape(rows1.shape)
            )
        return grads
