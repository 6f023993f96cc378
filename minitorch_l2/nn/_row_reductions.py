"""Row maxima and row sums over the last axis, fast for the narrow arrays of class scores.

NumPy reduces along the last axis row by row, paying a fixed cost for every row: for a batch of
class scores of shape (300, 3), ``np.max(x, axis=-1)`` takes ~10 µs and ``np.sum`` ~5 µs, more
than the ``exp`` and ``log`` around them (benchmarks/bench_mlp.py, spiral model). Two cheaper
formulations of the same quantities:

- a row sum is a matrix–vector product with a vector of ones, ``x @ 1``, which BLAS computes in
  one pass for any width (0.8 µs at (300, 3), 3 µs instead of 11 at (300, 100));
- a row maximum, when the columns are few and the rows many, is ``C − 1`` element-wise
  ``np.maximum`` passes over the columns, each one vectorised across all rows (1.2 µs at
  (300, 3)). Each pass costs ~0.7 µs whatever the row count while the row-wise reduction costs
  ~35 ns a row, so folding wins when rows ≥ 16 · columns; past 16 columns the reduction is kept.

Both give the maximum exactly (NaN propagates, as in ``np.max``) and the sum up to rounding.
"""

from __future__ import annotations

import numpy as np

from .._blas import ones_column

# Fold the columns with np.maximum only when they are at most this many ...
_FOLD_MAX_COLUMNS = 16
# ... and the rows outnumber them by at least this factor (see the module docstring).
_FOLD_ROWS_PER_COLUMN = 16


def row_max(x: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``out = max over the last axis of x``, kept as a trailing axis of length 1."""
    columns = x.shape[-1]
    rows = x.size // columns if columns else 0
    if columns > _FOLD_MAX_COLUMNS or rows < _FOLD_ROWS_PER_COLUMN * columns:
        return np.max(x, axis=-1, keepdims=True, out=out)
    np.copyto(out, x[..., 0:1])
    for j in range(1, columns):  # a loop over the few columns, never over the rows
        np.maximum(out, x[..., j : j + 1], out=out)
    return out


def row_sum(x: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``out = sum over the last axis of x``, kept as a trailing axis of length 1: ``x @ 1``."""
    return np.matmul(x, ones_column(x.shape[-1], x.dtype), out=out)
