"""Rows divided by a power of two: the exact way round a per-row sum that over- or underflows.

A row x is written 2ᵉ x̂, e the binary exponent of max|xᵢ| less one, so max|x̂ᵢ| ∈ [1, 2). A
power of two only moves exponents (an entry made subnormal is below the largest's rounding
error), so a homogeneous formula run on x̂, its power of two put back by one ``ldexp``, rounds as
the formula would in a float with no exponent limit: ±inf only where the exact answer is past the
range. The layers run their plain (Lua's) arithmetic on every row, check one number per row
against :func:`safe_range`, and redo only the rows outside it this way (``L2Normalize``,
``CosineDistance``, ``CosineEmbeddingCriterion``, ``PairwiseDistance``), so ordinary rows keep
their numbers bit for bit.
"""

from __future__ import annotations

from functools import cache

import numpy as np

#: No row: what a guard hands on when every row was in range.
NO_ROWS = np.empty(0, dtype=np.intp)


@cache
def safe_range(dtype: np.dtype, share: float) -> tuple[float, float]:
    """[2⁻ᵏ, 2ᵏ], k = ⌊share · maxexp⌋ − 2: a per-row sum inside leaves every later step normal."""
    k = int(share * np.finfo(dtype).maxexp) - 2
    return float(2.0**-k), float(2.0**k)


def in_range(values: np.ndarray, bounds: tuple[float, float]) -> bool:
    """The guard: every value inside ``bounds`` (False for NaN); two reductions."""
    return values.size == 0 or bool(bounds[0] <= values.min() and values.max() <= bounds[1])


def outside(values: np.ndarray, bounds: tuple[float, float]) -> np.ndarray:
    """The indices of the values outside ``bounds``, NaN included."""
    return np.flatnonzero(~((bounds[0] <= values) & (values <= bounds[1])))


def rows_outside(sums: np.ndarray, bounds: tuple[float, float], nonzero) -> np.ndarray:
    """The rows whose ``sums`` are outside ``bounds``, less those that are 0 for a zero row.

    ``nonzero(rows)`` says which of those rows (whose sum is 0) hold a nonzero entry: a sum
    that underflowed to 0 must be redone, an exact zero row keeps the plain path.
    """
    if in_range(sums, bounds):
        return NO_ROWS
    rows = outside(sums, bounds)
    zero = sums[rows] == 0
    if zero.any():
        keep = ~zero
        keep[zero] = nonzero(rows[zero])
        rows = rows[keep]
    return rows


def range_exponent(rows: np.ndarray) -> np.ndarray:
    """Per row, e = (binary exponent of max|xᵢ|) − 1, so that max|xᵢ| / 2ᵉ ∈ [1, 2).

    0 for a zero row and for a row holding ±inf or NaN, which have no scale to bring into range.
    """
    peak = np.max(np.abs(rows), axis=1, initial=0)
    exponent = np.frexp(peak)[1].astype(np.int64) - 1
    exponent[~(np.isfinite(peak) & (peak > 0))] = 0
    return exponent


def scaled(rows: np.ndarray, exponent: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A copy of the rows, each divided by 2ᵉ (exact), and e (:func:`range_exponent` if None)."""
    exponent = range_exponent(rows) if exponent is None else exponent
    with np.errstate(under="ignore"):
        return np.ldexp(rows, -exponent[:, None]), exponent


def scalar_exponent(value: float) -> int:
    """e with |value| / 2ᵉ ∈ [1, 2) (a positive finite ``value``): the scale of a constant."""
    return int(np.frexp(value)[1]) - 1
