"""Cosine's rows and columns redone at a power-of-two scale, where ‖x‖², ‖w‖² or ‖g‖² misbehave.

A row m (of x or of W) gives the unit-ish vector v = m / (‖m‖ + ε). With m = 2ᵉ m̂
(``_row_scaling``) and f = max(e, φ), 2^φ the scale of ε (neither term of the norm lost):

    ‖m‖ + ε = N̂ 2ᶠ,  N̂ = ‖m̂‖ 2^(e−f) + ε 2^(−f),   v = v̂ 2ˢ,  v̂ = m̂ / N̂,  s = e − f ≤ 0,

so y_nj = ⟨v̂_n, û_j⟩ 2^(s_n + r_j) (u_j = û_j 2^(r_j) for the weight rows). The gradient of a
row, ∂L/∂x_n = Σⱼ g_nj (u_j − y_nj v_n) / (‖x_n‖ + ε), is taken with g_nj 2^(r_j) = c_nj 2^(T_n),
T_n the largest exponent of the row's nonzero terms (so c_nj ≤ 1, a small one lost only below
the largest's rounding):

    ∂L/∂x_n = (Σⱼ c_nj û_j − 4^(s_n) (Σⱼ c_nj ŷ_nj) v̂_n) / N̂_n · 2^(T_n − f_n),

and ∂L/∂w_j is the same with the roles of x and W (and of n and j) swapped. Every factor is in
range; one ``ldexp`` puts the power back (±inf only where the answer is past the float range).
"""

from __future__ import annotations

import numpy as np

from .._row_scaling import rows_outside, safe_range, scalar_exponent, scaled

NO_TERM = -(1 << 20)  # the exponent given to a zero g entry: never a row's largest


def rows_to_redo(matrix: np.ndarray, squares: np.ndarray) -> np.ndarray:
    """The rows of ``matrix`` whose sum of ``squares`` is outside the safe range (not zero rows)."""
    bounds = safe_range(squares.dtype, 0.5)  # then no product of two norms leaves the range
    return rows_outside(squares, bounds, lambda rows: matrix[rows].any(axis=1))


class Units:
    """v̂, s, N̂ and f of some rows (see the docstring): v = m / (‖m‖ + ε) = v̂ 2ˢ."""

    def __init__(self, rows: np.ndarray, epsilon: float) -> None:
        hat, e = scaled(rows)
        f = np.maximum(e, scalar_exponent(epsilon))
        with np.errstate(all="ignore"):  # ±inf or NaN rows give NaN, as the plain formula does
            norm = np.ldexp(np.sqrt(np.vecdot(hat, hat)), e - f)
            norm += np.ldexp(np.asarray(epsilon, rows.dtype), -f)
            self.hat = hat / norm[:, None]
        self.norm, self.exponent, self.shift = norm, e - f, f


def cosines(first: Units, second: Units) -> np.ndarray:
    """y = ⟨v, u⟩ for every pair of rows of ``first`` and ``second``."""
    with np.errstate(all="ignore"):
        products = np.matmul(first.hat, second.hat.T)
        return np.ldexp(products, first.exponent[:, None] + second.exponent)


def gradient(g: np.ndarray, mine: Units, other: Units) -> np.ndarray:
    """∂L/∂m for the rows of ``mine``, g (len(mine), len(other)) the slopes of their cosines."""
    mantissa, exponent = np.frexp(g)
    exponent = np.where(mantissa != 0, exponent + other.exponent, NO_TERM)
    top = exponent.max(axis=1, initial=NO_TERM)
    with np.errstate(all="ignore"):  # a gradient truly past the range; NaN input's rows
        c = np.ldexp(mantissa, exponent - top[:, None])
        agreement = np.vecdot(c, np.matmul(mine.hat, other.hat.T))  # Σⱼ c ŷ
        part = np.matmul(c, other.hat) - np.ldexp(agreement, 2 * mine.exponent)[:, None] * mine.hat
        part /= mine.norm[:, None]
        return np.ldexp(part, (top - mine.shift)[:, None])
