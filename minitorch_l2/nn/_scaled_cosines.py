"""The cosine of two rows redone at a scale, where the plain formula over- or underflows.

``CosineDistance`` and ``CosineEmbeddingCriterion`` compute c = a / √(s1 s2), a = ⟨x1, x2⟩,
sₖ = |xₖ|² + ε. A row pair whose |xₖ|² is outside :func:`cosine_range` (and is not a zero row)
is redone here. With xₖ = 2^eₖ x̂ₖ (``_row_scaling``) and fₖ = max(eₖ, φ), 2^φ the scale of √ε
(so that neither term of sₖ is lost):

    ŝₖ = sₖ / 4^fₖ = |x̂ₖ|² 4^(eₖ − fₖ) + ε 4^(−fₖ),   â = ⟨x̂1, x̂2⟩,
    c = â / √(ŝ1 ŝ2) · 2^(e1 + e2 − f1 − f2),
    σ ∂c/∂x1 = σ̂ (x̂2 − 4^(e1 − f1) (â / ŝ1) x̂1) / √(ŝ1 ŝ2) · 2^(h + e2 − f1 − f2),

σ = 2^h σ̂ the slope of the loss, and symmetrically for x2: every factor is in range, and one
``ldexp`` puts the power back (±inf only for a gradient truly past the float range).
"""

from __future__ import annotations

import math

import numpy as np

from ._row_scaling import NO_ROWS, in_range, rows_outside, safe_range, scalar_exponent, scaled


def cosine_rows(squares: np.ndarray, x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
    """The rows to redo: |x1|² or |x2|² (``squares``, (2, n), before ε) outside the range and
    not of a zero row."""
    bounds = safe_range(squares.dtype, 0.5)  # then s1 s2 and 1/(s1 s2) are normal numbers
    if in_range(squares, bounds):  # one guard for both: two reductions
        return NO_ROWS
    first = rows_outside(squares[0], bounds, lambda rows: x1[rows].any(axis=1))
    second = rows_outside(squares[1], bounds, lambda rows: x2[rows].any(axis=1))
    return np.union1d(first, second)


class ScaledCosines:
    """The cosines of ``rows`` of (x1, x2), and their gradients, at a scale (see the docstring)."""

    def __init__(self, rows: np.ndarray, x1: np.ndarray, x2: np.ndarray, epsilon: float) -> None:
        self.rows = rows
        (self.x1, e1), (self.x2, e2) = scaled(x1), scaled(x2)
        phi = scalar_exponent(math.sqrt(epsilon))
        f1, f2 = np.maximum(e1, phi), np.maximum(e2, phi)
        self.exponents = (e1, e2, f1, f2)
        epsilon = np.full(rows.size, epsilon, x1.dtype)
        with np.errstate(all="ignore"):  # finite rows are in range; ±inf or NaN ones give NaN
            self.squares = [
                np.ldexp(np.vecdot(x, x), 2 * (e - f)) + np.ldexp(epsilon, -2 * f)
                for x, e, f in ((self.x1, e1, f1), (self.x2, e2, f2))
            ]
            self.dots = np.vecdot(self.x1, self.x2)
            self.root = np.sqrt(self.squares[0] * self.squares[1])
            self.cosines = np.ldexp(self.dots / self.root, e1 + e2 - f1 - f2)

    def gradients(self, slope: np.ndarray, grad1: np.ndarray, grad2: np.ndarray) -> None:
        """Write these rows of σ ∂c/∂x1 into ``grad1`` and of σ ∂c/∂x2 into ``grad2``.

        ``slope`` holds σ for every row (the plain path's), ``grad1``/``grad2`` are (n, d).
        """
        e1, e2, f1, f2 = self.exponents
        mantissa, h = np.frexp(slope[self.rows])
        across = (mantissa / self.root)[:, None]
        with np.errstate(all="ignore"):  # a gradient truly past the range; NaN input's rows
            for grad, mine, other, squares, e, f, e_other in (
                (grad1, self.x1, self.x2, self.squares[0], e1, f1, e2),
                (grad2, self.x2, self.x1, self.squares[1], e2, f2, e1),
            ):
                coefficient = np.ldexp(self.dots / squares, 2 * (e - f))[:, None]
                part = (other - coefficient * mine) * across
                grad[self.rows] = np.ldexp(part, (h + e_other - f1 - f2)[:, None])
