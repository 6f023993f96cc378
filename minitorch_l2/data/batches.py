"""``batches``: walk a data set in mini-batches, optionally in a fresh random order.

With ``shuffle`` the rows are visited in one random permutation (each row exactly once per pass)
and every batch is a copy; without it, batches are consecutive slices (views, no copy). The
last batch holds the remaining ``n mod batch_size`` rows when that is not zero.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ._checks import check_count, check_flag
from ._random import rng_for


def batches(
    X: np.ndarray,
    y: np.ndarray,
    batch_size: int,
    shuffle: bool = True,
    seed: int | None = None,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(X_batch, y_batch)`` pairs covering every row once.

    Parameters
    ----------
    X, y : numpy.ndarray
        Inputs and targets with the same number of rows (first dimension).
    batch_size : int
        Rows per batch (≥ 1); the last batch may be smaller.
    shuffle : bool
        Visit the rows in a random order (default) or in order.
    seed : int or None
        Seed of the order; None draws from the generator set by ``minitorch_l2.manual_seed``,
        so successive epochs get different orders.

    Returns
    -------
    Iterator of (numpy.ndarray, numpy.ndarray)
    """
    who = "data.batches"
    for name, array in (("X", X), ("y", y)):
        if not isinstance(array, np.ndarray) or array.ndim == 0:
            raise TypeError(
                f"{who}: expected {name} to be a numpy.ndarray with rows, got {array!r:.60}"
            )
    if len(X) != len(y):
        raise ValueError(f"{who}: X has {len(X)} rows but y has {len(y)}")
    size = check_count(who, "batch_size", batch_size)
    shuffle = check_flag(who, "shuffle", shuffle)
    # Checked and drawn now, not at the first next(): errors surface where batches() is called.
    order = rng_for(who, seed).permutation(len(X)) if shuffle else None
    return _walk(X, y, size, order)


def _walk(
    X: np.ndarray, y: np.ndarray, size: int, order: np.ndarray | None
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    for start in range(0, len(X), size):
        if order is None:
            yield X[start : start + size], y[start : start + size]
        else:
            rows = order[start : start + size]
            yield X[rows], y[rows]
