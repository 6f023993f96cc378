"""L2Normalize's rows outside the safe range, recomputed exactly after a power-of-two rescaling.

``l2normalize.py`` runs its recipe on every row and then checks, once per call, one number per
row: in the forward ‖x‖² against :func:`x_range` (float64 2⁻⁵¹²…2⁵¹², float32 2⁻⁶⁴…2⁶⁴); in the
backward |y·g| (direct path) or ‖g‖² (Jacobian path) against :func:`g_range` (float64
2⁻⁹⁷⁰…2⁹⁶⁹, float32 2⁻¹⁰³…2¹⁰²). Inside those ranges no step of the recipe over- or underflows
enough to matter, so its rounding is the only error. The rows outside them (a zero row, squares
that over- or underflow, a g too large or too small for the products) come here, the forward's
rows again in the backward.

Such a row is divided by 2ᵉ, e the binary exponent of its largest entry less one, so that entry
lands in [1, 2). A power of two only moves exponents (an entry that becomes subnormal is below
tiny times the largest, too small to matter), and the layer is homogeneous:

    y(x) = y(x/2ᵉ),        J(x) g = 2^(e_g − e) · J(x/2ᵉ) (g/2^e_g),

so the row is normalised, and its gradient (g − y (y·g)) / ‖x‖ computed — by that direct formula
on either path —, with x and g in range, and the factor put back by one ``ldexp``: a gradient
truly past the float range rounds to ±inf, one below it to a subnormal or 0. A zero row's norm is
taken to be eps: y = 0, ∂L/∂x = g / eps. A row holding ±inf or NaN gives NaN. Where ‖g‖/‖x‖ is
itself past the range, the formula's rounding error ε‖g‖/‖x‖ is too (x = [5e-324, 5e-324],
g = [8, 8] has J g = 0 exactly): those rows are computed in exact rational arithmetic from the
floats and rounded once.
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import cache

import numpy as np

from .._row_scaling import outside, scaled


@cache
def x_range(dtype: np.dtype) -> tuple[float, float]:
    """[2⁻ᵏ, 2ᵏ], k = maxexp // 2, for ‖x‖²: then ‖x‖³ and 1/‖x‖³ are normal numbers too."""
    k = np.finfo(dtype).maxexp // 2
    return float(2.0**-k), float(2.0**k)


@cache
def g_range(dtype: np.dtype) -> tuple[float, float]:
    """[tiny/ε, ulp(max)/4], for |y·g| or ‖g‖²: no product overflows, no underflow matters."""
    info = np.finfo(dtype)
    return float(info.tiny / info.eps), float(2.0 ** (info.maxexp - 1 - info.nmant) / 4)


def normalize_rows(x: np.ndarray, rows: np.ndarray, y: np.ndarray) -> None:
    """y[rows] = x[rows] / ‖x[rows]‖, from the rows divided by 2ᵉ (0 for a zero row)."""
    x_hat, _, norm = _in_range(x[rows])
    y[rows] = np.divide(x_hat, norm[:, None], out=x_hat)


def rows_to_redo(size: np.ndarray, g: np.ndarray, x_rows: np.ndarray) -> np.ndarray:
    """The forward's ``x_rows`` and the rows whose ``size`` (|y·g| or ‖g‖²) is outside g_range.

    A row of g that is all zero is left out (J·0 = 0 exactly): a loss that ignores part of the
    batch keeps the plain path. Few suspects are looked at alone; many (an all-zero g) in one pass.
    """
    suspects = outside(size, g_range(size.dtype))
    if suspects.size * 8 <= g.shape[0]:
        nonzero = g[suspects].any(axis=1)
    else:
        nonzero = g.any(axis=1)[suspects]
    return np.union1d(x_rows, suspects[nonzero])


def gradient_rows(x: np.ndarray, g: np.ndarray, rows: np.ndarray, eps: float, grad: np.ndarray):
    """grad[rows] = J(x) g of those rows, exactly: see the module docstring."""
    scaled_x, x_exponent, norm = _in_range(x[rows])
    scaled_g, g_exponent = scaled(g[rows])
    shift = g_exponent - x_exponent
    with np.errstate(all="ignore"):  # rows of ±inf or NaN give NaN; the rest is in range
        out = np.divide(scaled_x, norm[:, None])  # y
        out *= np.vecdot(out, scaled_g)[:, None]  # y (y·g)
        np.subtract(scaled_g, out, out=out)  # g − y (y·g)
        out /= norm[:, None]  # / ‖x‖
        np.ldexp(out, shift[:, None], out=out)  # the factor 2^(e_g − e) back
        scale = shift + np.log2(np.sqrt(np.vecdot(scaled_g, scaled_g)) / norm)  # log₂ ‖g‖/‖x‖
    zero = ~scaled_x.any(axis=1)
    past = np.flatnonzero(np.isfinite(scale) & (scale >= np.finfo(x.dtype).maxexp - 1) & ~zero)
    if past.size:
        out[past] = _exact(scaled_x[past], scaled_g[past], shift[past])
    if zero.any():  # an eps too small for the dtype counts as its smallest subnormal, not 0
        eps_here = max(np.asarray(eps, x.dtype), np.finfo(x.dtype).smallest_subnormal)
        with np.errstate(over="ignore"):
            out[zero] = g[rows[zero]] / eps_here
    grad[rows] = out


def _in_range(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`scaled`, and the scaled rows' norms (1 for a zero row, NaN for ±inf or NaN)."""
    x_hat, exponent = scaled(rows)
    with np.errstate(over="ignore", invalid="ignore"):
        norm = np.sqrt(np.vecdot(x_hat, x_hat))
    norm[norm == 0] = 1
    norm[~np.isfinite(norm)] = np.nan
    return x_hat, exponent, norm


def _exact(x: np.ndarray, g: np.ndarray, shift: np.ndarray) -> np.ndarray:
    """2^shift · J(x) g per row, J(x) g = (‖x‖² g − x (x·g)) / ‖x‖³: the numerator exact, √‖x‖²
    rounded once, then the quotient rounded once (±inf past the range)."""
    out = np.empty(g.shape)
    for row, (xs, gs, s) in enumerate(zip(x.tolist(), g.tolist(), shift.tolist())):
        xs, gs = [Fraction(v) for v in xs], [Fraction(v) for v in gs]
        sum_sq = sum(v * v for v in xs)
        x_dot_g = sum(u * v for u, v in zip(xs, gs))
        cube = sum_sq * Fraction(math.sqrt(sum_sq)) / Fraction(2) ** s
        out[row] = [_rounded((v * sum_sq - u * x_dot_g) / cube) for u, v in zip(xs, gs)]
    with np.errstate(over="ignore"):  # past float32's range: inf, as the result should be
        return out.astype(g.dtype)


def _rounded(value: Fraction) -> float:
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf
