"""``nn.CosineEmbeddingCriterion(margin)``: pull pairs together (y = 1) or push them apart (y = −1).

Input: a pair (x1, x2) of ``(n, d)`` arrays (or of ``(d,)`` vectors); target yᵢ ∈ {+1, −1}.
With cᵢ = ⟨x1ᵢ, x2ᵢ⟩ / √((|x1ᵢ|² + ε)(|x2ᵢ|² + ε)), ε = 1e-12 (Torch's guard against 0/0):

    ℓᵢ = 1 − cᵢ              if yᵢ = 1,
    ℓᵢ = max(0, cᵢ − margin)  if yᵢ = −1,        L = Σᵢ ℓᵢ / n (or the sum without averaging).

Gradient, with D = √((|x1|² + ε)(|x2|² + ε)) and ∂ℓ/∂c = −1, +1 or 0 by the cases above:
∂c/∂x1 = x2 / D − c x1 / (|x1|² + ε), and symmetrically for x2. ``grad_input`` is a pair.
"""

from __future__ import annotations

import numpy as np

from .._checks import check_float_array, reuse
from .._scaled_cosines import ScaledCosines, cosine_rows
from .._settings import real
from ._target_checks import check_sign_targets
from .criterion import Criterion

EPSILON = 1e-12  # added to each squared norm, as Torch 7 and PyTorch do


class CosineEmbeddingCriterion(Criterion):
    """Cosine embedding loss on a pair of batches: pull similar pairs together, push others apart.

    For the input pair (x1, x2) of ``(n, d)`` arrays (or ``(d,)`` vectors) and targets
    yᵢ ∈ {+1, −1}, with cᵢ = ⟨x1ᵢ, x2ᵢ⟩ / √((|x1ᵢ|² + ε)(|x2ᵢ|² + ε)) and ε = 1e-12:
    ℓᵢ = 1 − cᵢ if yᵢ = 1, ℓᵢ = max(0, cᵢ − margin) if yᵢ = −1, and L = Σᵢ ℓᵢ / n (or the sum).
    ``backward`` returns the pair (∂L/∂x1, ∂L/∂x2).

    Parameters
    ----------
    margin : float, default 0
        In [−1, 1]: dissimilar pairs (y = −1) cost nothing once their cosine is at most this.
    size_average : bool, default True
        Average over the n pairs (True) or sum.
    """

    takes_table = True

    per_call_attributes = ("_stats", "_scratch", "_scaled")  # reused work buffers

    def __init__(self, margin: float = 0.0, size_average: bool = True) -> None:
        super().__init__(size_average)
        self.margin = margin
        self.validate()

    def validate(self) -> None:
        """Check ``margin`` (a real in [−1, 1]) and ``size_average`` (a bool)."""
        self.margin = real(self._who(), "margin", self.margin, -1.0, 1.0)
        super().validate()

    def _inputs_to_scan(self, input: object, target: object) -> list[tuple[str, object]]:
        return [("input[0]", input[0]), ("input[1]", input[1])]

    def _cosines(self, input: object, target: object) -> tuple:
        """Validate; return rows of x1, x2, targets, cosines c, D, |x1|² + ε and |x2|² + ε."""
        who = self._who()
        if not isinstance(input, tuple | list) or len(input) != 2:
            raise TypeError(
                f"{who}: expected input to be a pair (x1, x2) of arrays, got {type(input).__name__}"
            )
        x1 = check_float_array(who, "input[0]", input[0])
        x2 = check_float_array(who, "input[1]", input[1])
        if x1.shape != x2.shape or x1.ndim not in (1, 2) or x1.shape[-1] < 1:
            raise ValueError(
                f"{who}: expected x1 and x2 of one shape (d,) or (n, d), got {x1.shape} and "
                f"{x2.shape}"
            )
        if x1.dtype != x2.dtype:
            raise TypeError(f"{who}: x1 has dtype {x1.dtype} but x2 has {x2.dtype}")
        rows1, rows2 = x1.reshape(-1, x1.shape[-1]), x2.reshape(-1, x2.shape[-1])
        n = rows1.shape[0]
        target = check_sign_targets(who, n, x1.ndim == 1, target)
        stats = self._stats = reuse(self.__dict__.get("_stats"), (4, n), x1.dtype)
        dots, squares1, squares2, norms = stats
        # A NaN or ±inf element makes c NaN (inf/inf); forward then raises, naming it, so
        # NumPy's warnings about it would only repeat the error. A finite row whose squares
        # over- or underflow is redone at another scale below (nn/_scaled_cosines.py).
        with np.errstate(invalid="ignore", over="ignore"):
            np.einsum("ij,ij->i", rows1, rows2, out=dots)
            np.einsum("ij,ij->i", rows1, rows1, out=squares1)
            np.einsum("ij,ij->i", rows2, rows2, out=squares2)
            rows = cosine_rows(stats[1:3], rows1, rows2)
            squares1 += EPSILON
            squares2 += EPSILON
            np.multiply(squares1, squares2, out=norms)
            np.sqrt(norms, out=norms)
            dots /= norms  # now the cosines
        self._scaled = None
        if rows.size:
            self._scaled = ScaledCosines(rows, rows1[rows], rows2[rows], EPSILON)
            dots[rows] = self._scaled.cosines
        return rows1, rows2, target, dots, norms, squares1, squares2

    def update_output(self, input: tuple[np.ndarray, np.ndarray], target: np.ndarray) -> float:
        _, _, target, cosines, _, _, _ = self._cosines(input, target)
        similar = target == 1
        losses = np.where(similar, 1 - cosines, np.maximum(cosines - self.margin, 0))
        self.output = float(losses.sum())
        if self.size_average and losses.size:
            self.output /= losses.size
        return self.output

    def update_grad_input(
        self, input: tuple[np.ndarray, np.ndarray], target: np.ndarray
    ) -> list[np.ndarray]:
        rows1, rows2, target, cosines, norms, squares1, squares2 = self._cosines(input, target)
        n = rows1.shape[0]
        # ∂ℓ/∂c: −1 for similar pairs, +1 for dissimilar pairs still inside the margin, else 0.
        slope = np.where(target == 1, -1.0, (cosines > self.margin).astype(np.float64))
        if self.size_average and n:
            slope /= n
        shape, dtype = input[0].shape, rows1.dtype
        previous = self.grad_input if isinstance(self.grad_input, list) else (None, None)
        grad1 = reuse(previous[0], shape, dtype)
        grad2 = reuse(previous[1], shape, dtype)
        scratch = self._scratch = reuse(self.__dict__.get("_scratch"), rows1.shape, dtype)
        across = (slope / norms)[:, None]  # ∂ℓ/∂c / D
        # ∂ℓ/∂x1 = ∂ℓ/∂c · (x2 / D − c x1 / (|x1|² + ε)), and the same with 1 and 2 swapped.
        with np.errstate(invalid="ignore", over="ignore"):  # such rows are redone below
            for grad, mine, other, squares in (
                (grad1, rows1, rows2, squares1),
                (grad2, rows2, rows1, squares2),
            ):
                flat = grad.reshape(rows1.shape)
                np.multiply(other, across, out=flat)
                np.multiply(mine, (slope * cosines / squares)[:, None], out=scratch)
                flat -= scratch
        if self._scaled is not None:
            self._scaled.gradients(slope, grad1.reshape(rows1.shape), grad2.reshape(rows1.shape))
        self.grad_input = [grad1, grad2]
        return self.grad_input
