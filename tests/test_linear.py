"""nn.Linear: initialisation, shapes, gradients, errors, printing."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minitorch_l2 import nn

from .strategies import arrays


def test_shapes_and_init_range():
    lin = nn.Linear(16, 5)
    assert lin.weight.shape == (5, 16) and lin.bias.shape == (5,)
    assert lin.weight.dtype == np.float64
    bound = 1 / math.sqrt(16)
    assert np.abs(lin.weight).max() <= bound and np.abs(lin.bias).max() <= bound
    # not degenerate: the draws spread over the interval
    assert lin.weight.std() > bound / 4
    assert not lin.grad_weight.any() and not lin.grad_bias.any()


def test_reset_with_stdv_writes_in_place():
    lin = nn.Linear(3, 4)
    w = lin.weight
    assert lin.reset(0.01) is lin
    assert lin.weight is w and np.abs(w).max() <= 0.01 * math.sqrt(3)


def test_reset_stdv_is_the_standard_deviation_as_in_lua():
    # Lua's Linear:reset(stdv) draws from U(-stdv·√3, stdv·√3), whose standard deviation is stdv.
    lin = nn.Linear(400, 500)
    lin.reset(0.01)
    assert abs(lin.weight.std() - 0.01) < 0.0002
    assert 0.01 < np.abs(lin.weight).max() <= 0.01 * math.sqrt(3)


@pytest.mark.parametrize("stdv", [-0.1, math.inf, -math.inf, math.nan, "0.1", True])
def test_reset_refuses_a_bad_stdv(stdv):
    lin = nn.Linear(3, 4)
    w = lin.weight.copy()
    with pytest.raises(ValueError, match=r"nn.Linear\(3 -> 4\).*stdv"):
        lin.reset(stdv)
    np.testing.assert_array_equal(lin.weight, w)


def test_vector_and_batch_agree():
    lin = nn.Linear(3, 2)
    x = np.array([1.0, -2.0, 0.5])
    y = lin.forward(x).copy()
    assert y.shape == (2,)
    np.testing.assert_allclose(y, lin.weight @ x + lin.bias)
    np.testing.assert_allclose(lin.forward(x[None, :])[0], y)
    g = np.array([1.0, 2.0])
    lin.zero_grad_parameters()
    lin.forward(x)
    gi = lin.backward(x, g)
    assert gi.shape == (3,)
    np.testing.assert_allclose(gi, g @ lin.weight)
    np.testing.assert_allclose(lin.grad_weight, np.outer(g, x))
    np.testing.assert_allclose(lin.grad_bias, g)


def test_vector_path_accumulates_with_scale_in_a_reused_buffer():
    lin = nn.Linear(3, 2)
    x, g = np.array([1.0, -2.0, 0.5]), np.array([3.0, -1.0])
    lin.forward(x)
    lin.backward(x, g, scale=0.5)
    # By hand: ∂L/∂W = scale · g xᵀ, ∂L/∂b = scale · g.
    np.testing.assert_allclose(lin.grad_weight, 0.5 * np.outer(g, x))
    np.testing.assert_allclose(lin.grad_bias, 0.5 * g)
    step = lin._buffers["weight_step"]
    lin.backward(x, g, scale=-2.0)
    assert lin._buffers["weight_step"] is step
    np.testing.assert_allclose(lin.grad_weight, (0.5 - 2.0) * np.outer(g, x))
    np.testing.assert_allclose(lin.grad_bias, (0.5 - 2.0) * g)


@settings(max_examples=40, deadline=None)
@given(data=st.data(), n=st.integers(1, 6), d_in=st.integers(1, 6), d_out=st.integers(1, 6))
def test_gradients_match_the_formulas(data, n, d_in, d_out):
    lin = nn.Linear(d_in, d_out)
    x = data.draw(arrays((n, d_in)))
    g = data.draw(arrays((n, d_out)))
    scale = data.draw(st.sampled_from([1.0, 0.5, -2.0]))
    # y_ij = Σ_k x_ik W_jk + b_j, computed element by element as the definition says
    expected = np.einsum("ik,jk->ij", x, lin.weight) + lin.bias
    np.testing.assert_allclose(lin.forward(x), expected, rtol=1e-12, atol=1e-12)
    gi = lin.backward(x, g, scale)
    np.testing.assert_allclose(gi, np.einsum("ij,jk->ik", g, lin.weight), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(
        lin.grad_weight, scale * np.einsum("ij,ik->jk", g, x), rtol=1e-12, atol=1e-12
    )
    np.testing.assert_allclose(lin.grad_bias, scale * g.sum(0), rtol=1e-12, atol=1e-12)


def test_no_bias():
    lin = nn.Linear(3, 2, bias=False)
    assert lin.bias is None and lin.grad_bias is None
    assert repr(lin) == "nn.Linear(3 -> 2) without bias"
    x = np.ones((2, 3))
    np.testing.assert_allclose(lin.forward(x), x @ lin.weight.T)
    lin.backward(x, np.ones((2, 2)))
    assert len(lin.parameters()[0]) == 1
    lin2 = nn.Linear(3, 2)
    assert lin2.no_bias() is lin2 and lin2.bias is None
    assert lin2.noBias() is lin2


def test_repr():
    assert repr(nn.Linear(4, 3)) == "nn.Linear(4 -> 3)"


@pytest.mark.parametrize("shape", [(3,), (2, 3), (2, 4, 5), ()])
def test_wrong_input_shape_is_a_value_error_naming_the_module(shape):
    with pytest.raises(ValueError, match=r"nn.Linear\(5 -> 2\).*\(5,\) or \(n, 5\)"):
        nn.Linear(5, 2).forward(np.ones(shape))


@pytest.mark.parametrize("size", [0, -1, 2.5, True])
def test_bad_sizes(size):
    with pytest.raises((ValueError, TypeError), match="nn.Linear: input_size must be"):
        nn.Linear(size, 2)


def test_float32_end_to_end():
    lin = nn.Linear(3, 2).float()
    x = np.ones((4, 3), dtype=np.float32)
    y = lin.forward(x)
    gi = lin.backward(x, np.ones((4, 2), dtype=np.float32))
    assert y.dtype == gi.dtype == lin.grad_weight.dtype == np.float32


def test_torch_oracle(torch):
    lin = nn.Linear(7, 3)
    rng = np.random.default_rng(0)
    x, g = rng.normal(size=(4, 7)), rng.normal(size=(4, 3))
    t = torch.nn.Linear(7, 3).double()
    with torch.no_grad():
        t.weight.copy_(torch.from_numpy(lin.weight))
        t.bias.copy_(torch.from_numpy(lin.bias))
    tx = torch.from_numpy(x).requires_grad_()
    ty = t(tx)
    ty.backward(torch.from_numpy(g))
    np.testing.assert_allclose(lin.forward(x), ty.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(lin.backward(x, g), tx.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(lin.grad_weight, t.weight.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(lin.grad_bias, t.bias.grad.numpy(), rtol=1e-12)
