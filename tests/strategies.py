"""Hypothesis strategies shared by every test file (one place, reused everywhere)."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

FLOAT_DTYPES = (np.float32, np.float64)


def float_dtypes() -> st.SearchStrategy[np.dtype]:
    """float32 or float64."""
    return st.sampled_from([np.dtype(np.float32), np.dtype(np.float64)])


def batch_shapes(max_n: int = 8, max_d: int = 8, min_d: int = 1) -> st.SearchStrategy:
    """Shapes of a vector (d,) or a batch (n, d)."""
    vector = st.tuples(st.integers(min_d, max_d))
    batch = st.tuples(st.integers(1, max_n), st.integers(min_d, max_d))
    return st.one_of(vector, batch)


def arrays(
    shape: tuple[int, ...] | st.SearchStrategy,
    dtype: np.dtype | type = np.float64,
    bound: float = 10.0,
) -> st.SearchStrategy[np.ndarray]:
    """Finite arrays with elements in [-bound, bound], exactly representable in ``dtype``."""
    width = 32 if np.dtype(dtype) == np.float32 else 64
    elements = st.floats(-bound, bound, allow_nan=False, allow_infinity=False, width=width)
    return hnp.arrays(dtype, shape, elements=elements)


def batches(
    max_n: int = 8, max_d: int = 8, dtype: np.dtype | type = np.float64, bound: float = 10.0
) -> st.SearchStrategy[np.ndarray]:
    """A vector or a batch of finite values."""
    return arrays(batch_shapes(max_n, max_d), dtype, bound)


@st.composite
def class_problems(
    draw: st.DrawFn,
    max_n: int = 8,
    max_classes: int = 6,
    dtype: np.dtype | type = np.float64,
    bound: float = 10.0,
) -> tuple[np.ndarray, np.ndarray]:
    """(scores, targets): scores of shape (n, C) or (C,), one 0-based int64 class per row."""
    classes = draw(st.integers(1, max_classes))
    shape = draw(st.one_of(st.just((classes,)), st.tuples(st.integers(1, max_n), st.just(classes))))
    scores = draw(arrays(shape, dtype, bound))
    rows = 1 if len(shape) == 1 else shape[0]
    targets = draw(hnp.arrays(np.int64, (rows,), elements=st.integers(0, classes - 1)))
    return scores, targets


def sign_targets(n: int) -> st.SearchStrategy[np.ndarray]:
    """An int64 array of n values, each +1 or -1 (targets of CosineEmbeddingCriterion)."""
    return hnp.arrays(np.int64, (n,), elements=st.sampled_from([-1, 1]))
