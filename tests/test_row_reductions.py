"""Row maxima and sums over the last axis: both formulations agree with np.max / np.sum."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minitorch_l2 import nn
from minitorch_l2.nn._row_reductions import row_max, row_sum

from .strategies import arrays, float_dtypes

# (rows, columns): the first two fold the columns, the others reduce row by row
FOLDED = [(300, 3), (32, 2), (16, 1)]
REDUCED = [(4, 5), (300, 17), (15, 1), (5,)]


@pytest.mark.parametrize("shape", FOLDED + REDUCED)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_row_max_and_row_sum_agree_with_numpy(shape, dtype):
    x = np.random.default_rng(1).normal(size=shape).astype(dtype) * 100
    out = np.empty(shape[:-1] + (1,), dtype)
    np.testing.assert_array_equal(row_max(x, out), np.max(x, axis=-1, keepdims=True))
    tolerance = 1e-5 if dtype == np.float32 else 1e-13
    np.testing.assert_allclose(
        row_sum(x, out), np.sum(x, axis=-1, keepdims=True), rtol=tolerance, atol=tolerance * 100
    )


@pytest.mark.parametrize("shape", FOLDED + REDUCED[:3])
def test_row_max_propagates_nan_and_keeps_infinities_in_their_rows(shape):
    x = np.random.default_rng(2).normal(size=shape)
    x[0, -1] = np.nan
    x[1, 0] = -np.inf
    x[-1, 0] = np.inf
    out = np.empty((shape[0], 1))
    np.testing.assert_array_equal(row_max(x, out), np.max(x, axis=-1, keepdims=True))
    assert np.isnan(out[0, 0]) and out[-1, 0] == np.inf and not np.isnan(out[1:]).any()


def test_strided_and_transposed_inputs():
    x = np.random.default_rng(3).normal(size=(3, 400))
    for view in (x.T, x.T[::2], np.asfortranarray(x.T)):
        out = np.empty((view.shape[0], 1))
        np.testing.assert_array_equal(row_max(view, out), view.max(axis=1, keepdims=True))
        np.testing.assert_allclose(row_sum(view, out), view.sum(axis=1, keepdims=True))


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    dtype=float_dtypes(),
    rows=st.integers(1, 400),
    columns=st.integers(1, 20),
)
def test_row_max_is_exact_for_any_shape(data, dtype, rows, columns):
    x = data.draw(arrays((rows, columns), dtype, bound=1e6))
    out = np.empty((rows, 1), dtype)
    np.testing.assert_array_equal(row_max(x, out), x.max(axis=1, keepdims=True))


@pytest.mark.parametrize("layer_class", [nn.SoftMax, nn.LogSoftMax])
def test_rowwise_layers_on_a_folded_batch_match_the_definition(layer_class):
    # (300, 3): the spiral's class scores, on the folding path of row_max
    x = np.random.default_rng(4).normal(size=(300, 3)) * 30
    shifted = x - x.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    expected = log_p if layer_class is nn.LogSoftMax else np.exp(log_p)
    np.testing.assert_allclose(layer_class().forward(x), expected, rtol=1e-13, atol=1e-300)
