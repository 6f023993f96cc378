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
def linear_cases(draw, max_size: int = 4, max_n: int = 4, bound: float = 2.0):
    """(input, weight, bias, grad_weight, grad_bias) for a Linear layer with arbitrary state.

    Values include signed zeros and subnormals; the gradients stand for what a user has
    accumulated before a check (they must survive it bit for bit).
    """
    input_size = draw(st.integers(1, max_size))
    output_size = draw(st.integers(1, max_size))
    n = draw(st.integers(1, max_n))
    input = draw(arrays((n, input_size), np.float64, bound))
    weight = draw(arrays((output_size, input_size), np.float64, bound))
    bias = draw(arrays((output_size,), np.float64, bound))
    grad_weight = draw(arrays((output_size, input_size), np.float64, 100.0))
    grad_bias = draw(arrays((output_size,), np.float64, 100.0))
    return input, weight, bias, grad_weight, grad_bias
