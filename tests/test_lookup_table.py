"""nn.LookupTable: rows by 0-based index, scatter-added gradients, padding, max_norm, errors.

The gradient checker refuses integer input, so the weight gradient is checked here by central
differences of our own; the sums over repeated indices against a plain Python loop; max_norm
and the gradients against PyTorch's embedding.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minitorch_l2 import nn

from .strategies import lookup_problems


def table(n_index=7, n_output=3, **options) -> nn.LookupTable:
    layer = nn.LookupTable(n_index, n_output, **options)
    layer.weight[...] = np.random.default_rng(0).normal(size=layer.weight.shape)
    return layer


def loop_gradient(n_index, index, grad_output, scale=1.0, padding=None):
    """∂L/∂W by a Python loop over positions, one row added at a time (Lua's axpy loop)."""
    expected = np.zeros((n_index, grad_output.shape[-1]))
    for k, row in zip(index.reshape(-1), grad_output.reshape(-1, grad_output.shape[-1])):
        if k != padding:
            expected[k] += scale * row
    return expected


def test_forward_picks_rows_for_a_vector_and_a_batch():
    layer = table()
    np.testing.assert_array_equal(layer.forward(np.array([3, 0, 3])), layer.weight[[3, 0, 3]])
    batch = np.array([[1, 2], [6, 1]])
    out = layer.forward(batch)
    assert out.shape == (2, 2, 3)
    np.testing.assert_array_equal(out[1, 0], layer.weight[6])


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8])
def test_repeated_indices_add_every_gradient_row(dtype):
    rng = np.random.default_rng(1)
    layer = table()
    index = np.array([[2, 2, 5], [2, 0, 5]], dtype=dtype)
    g = rng.normal(size=(2, 3, 3))
    layer.forward(index)
    layer.zero_grad_parameters()
    grad_input = layer.backward(index, g, 0.5)
    np.testing.assert_array_equal(grad_input, np.zeros((2, 3), dtype))  # no gradient for indices
    assert grad_input.dtype == dtype
    np.testing.assert_allclose(layer.grad_weight, loop_gradient(7, index, g, 0.5), rtol=1e-15)
    layer.backward(index, g)  # gradients accumulate until zero_grad_parameters
    np.testing.assert_allclose(layer.grad_weight, loop_gradient(7, index, g, 1.5), rtol=1e-14)
    layer.zero_grad_parameters()
    assert not layer.grad_weight.any()


def test_weight_gradient_matches_central_differences():
    # L = Σ y ⊙ G for a fixed G, so ∂L/∂W is what backward(input, G) accumulates.
    rng = np.random.default_rng(2)
    layer = table()
    index = np.array([[1, 4, 1, 1], [6, 4, 0, 2]])
    G = rng.normal(size=(2, 4, 3))
    layer.forward(index)
    layer.backward(index, G)
    numeric = np.zeros_like(layer.weight)
    eps = 1e-6
    for k in range(layer.weight.shape[0]):
        for j in range(layer.weight.shape[1]):
            saved = layer.weight[k, j]
            layer.weight[k, j] = saved + eps
            up = float(np.sum(layer.forward(index) * G))
            layer.weight[k, j] = saved - eps
            down = float(np.sum(layer.forward(index) * G))
            layer.weight[k, j] = saved
            numeric[k, j] = (up - down) / (2 * eps)
    np.testing.assert_allclose(layer.grad_weight, numeric, atol=1e-8)
    assert not numeric[[3, 5]].any()  # rows never read get no gradient


def test_padding_positions_add_nothing_and_the_padding_row_is_read_as_is():
    layer = table(padding_value=0)
    index = np.array([0, 3, 0, 2])
    g = np.ones((4, 3))
    np.testing.assert_array_equal(layer.forward(index)[0], layer.weight[0])  # not zeroed (Lua)
    layer.backward(index, g)
    np.testing.assert_array_equal(layer.grad_weight, loop_gradient(7, index, g, padding=0))
    assert not layer.grad_weight[0].any()
    assert layer.set_padding(None) is layer and layer.paddingValue is None
    assert layer.set_padding(-1).padding_value == 6  # from the end, as every index setting


def test_scale_grad_by_freq_divides_by_the_count_in_the_batch():
    layer = table().scale_grad_by_freq()
    index = np.array([4, 4, 1, 4])
    g = np.arange(12.0).reshape(4, 3)
    layer.forward(index)
    layer.backward(index, g, 2.0)
    np.testing.assert_allclose(layer.grad_weight[4], 2.0 * (g[0] + g[1] + g[3]) / 3)
    np.testing.assert_allclose(layer.grad_weight[1], 2.0 * g[2])


@pytest.mark.parametrize("norm_type", [1, 2, 3.5])
def test_max_norm_renormalises_the_rows_read_as_pytorch_does(torch, norm_type):
    layer = table(n_index=6, n_output=4, max_norm=1.2, norm_type=norm_type)
    layer.weight *= 2
    theirs = torch.tensor(layer.weight.copy())
    index = np.array([[0, 2, 2], [5, 0, 1]])
    out = layer.forward(index)
    expected = torch.nn.functional.embedding(
        torch.tensor(index), theirs, max_norm=1.2, norm_type=norm_type
    )
    np.testing.assert_allclose(out, expected.numpy(), rtol=1e-13)
    np.testing.assert_allclose(layer.weight, theirs.numpy(), rtol=1e-13)  # rows 3, 4 untouched
    norms = np.linalg.norm(layer.weight[[0, 1, 2, 5]], ord=norm_type, axis=1)
    assert np.all(norms <= 1.2)


def test_gradients_match_pytorch_embedding(torch):
    rng = np.random.default_rng(3)
    layer = table(n_index=50, n_output=8, padding_value=7)
    index = rng.integers(0, 50, (16, 12))
    index[:, -3:] = 7
    g = rng.normal(size=(16, 12, 8))
    weight = torch.tensor(layer.weight.copy(), requires_grad=True)
    y = torch.nn.functional.embedding(torch.tensor(index), weight, padding_idx=7)
    y.backward(torch.tensor(g))
    layer.forward(index)
    layer.backward(index, g)
    np.testing.assert_allclose(layer.grad_weight, weight.grad.numpy(), rtol=1e-12, atol=1e-14)


def test_float32_and_a_non_contiguous_gradient_buffer():
    layer = table().float()
    index = np.array([1, 1, 3])
    g = np.ones((3, 3), np.float32)
    assert layer.forward(index).dtype == np.float32
    layer.backward(index, g)
    assert layer.grad_weight.dtype == np.float32
    np.testing.assert_array_equal(layer.grad_weight[1], [2, 2, 2])
    double = table()
    double.grad_weight = np.zeros((3, 7)).T  # a transposed view: the row-wise scatter-add
    double.forward(index)
    double.backward(index, g.astype(np.float64))
    np.testing.assert_array_equal(double.grad_weight[1], [2, 2, 2])


def test_inside_a_sequential_integer_input_reaches_the_table():
    net = nn.Sequential(table(), nn.Tanh())
    index = np.array([[0, 6], [5, 5]])
    out = net.forward(index)
    assert out.shape == (2, 2, 3)
    net.backward(index, np.ones_like(out))
    assert net.get(0).grad_weight[5].any() and not net.get(0).grad_weight[1].any()
    with pytest.raises(ValueError, match=r"In module \(0\) of nn.Sequential: nn.LookupTable"):
        net.forward(np.array([0, 7]))


@pytest.mark.parametrize(
    ("bad", "error", "words"),
    [
        (np.array([0.0, 1.0]), TypeError, ["integer indices", "float64"]),
        (np.array([True, False]), TypeError, ["integer indices", "bool"]),
        (np.zeros((1, 2, 2), np.int64), ValueError, ["(L,) or (n, L)", "(1, 2, 2)"]),
        ([0, 1], TypeError, ["integer indices", "list"]),
    ],
)
def test_bad_input_is_named(bad, error, words):
    with pytest.raises(error) as info:
        table().forward(bad)
    message = str(info.value)
    assert message.startswith("nn.LookupTable: ")
    for word in words:
        assert word in message


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        (np.array([0, 7]), ["index 7 at input[1]", "table of 7 rows"]),
        (np.array([[0, 1], [-1, 2]]), ["index -1 at input[1, 0]", "0 .. 6"]),
    ],
)
@pytest.mark.parametrize("entry", ["forward", "update_output", "updateOutput"])
def test_an_index_out_of_range_is_named_at_every_entry(bad, words, entry):
    with pytest.raises(ValueError) as info:
        getattr(table(), entry)(bad)
    message = str(info.value)
    assert message.startswith("nn.LookupTable: ")
    for word in words:
        assert word in message


def test_an_index_out_of_range_is_named_by_backward_and_its_steps_too():
    layer = table()
    layer.forward(np.array([0, 1]))
    for step in (layer.backward, layer.acc_grad_parameters, layer.accGradParameters):
        with pytest.raises(ValueError, match=r"nn\.LookupTable: index -2 at input\[1\]"):
            step(np.array([0, -2]), np.ones((2, 3)))
    assert not layer.grad_weight.any()


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"padding_value": 7}, ValueError),
        ({"padding_value": -8}, ValueError),
        ({"padding_value": 1.0}, TypeError),
        ({"max_norm": 0.0}, ValueError),
        ({"norm_type": -1}, ValueError),
        ({"n_output": 0}, ValueError),
    ],
)
def test_bad_settings_are_named(options, error):
    with pytest.raises(error, match=r"nn\.LookupTable: "):
        table(**options)


def test_lua_names_and_printing():
    layer = table()
    assert layer.setMaxNorm(2.0) is layer and layer.maxNorm == 2.0
    assert layer.setNormType(1).normType == 1.0
    assert repr(layer) == "nn.LookupTable"
    assert layer.gradWeight is layer.grad_weight
    flat, _ = nn.Sequential(layer).get_parameters()
    assert flat.size == 7 * 3
    assert np.shares_memory(flat, layer.weight)


@settings(max_examples=60, deadline=None)
@given(problem=lookup_problems(), padding=st.booleans())
def test_every_gradient_row_lands_on_its_index_once(problem, padding):
    # Each position's g goes to row index[p], repeats added, padding positions nowhere.
    n_index, index, g = problem
    pad = int(index.flat[0]) if padding else None
    layer = nn.LookupTable(n_index, 3, padding_value=pad)
    layer.forward(index)
    layer.backward(index, g)
    expected = loop_gradient(n_index, index, g, padding=pad)
    np.testing.assert_allclose(layer.grad_weight, expected, rtol=1e-12, atol=1e-12)
    kept = index.reshape(-1) != pad
    np.testing.assert_allclose(
        layer.grad_weight.sum(axis=0), g.reshape(-1, 3)[kept].sum(axis=0), atol=1e-11
    )
