"""numerical_jacobian and analytic_jacobian: the two building blocks of the gradient checker."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minitorch_l2 import nn
from minitorch_l2.gradcheck import analytic_jacobian, numerical_jacobian

from .strategies import arrays, batches


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_numerical_jacobian_of_a_linear_map_is_its_transpose(data):
    # f(x) = A x has ∂fⱼ/∂xᵢ = A[j, i]: J = Aᵀ (central differences are exact up to rounding).
    n = data.draw(st.integers(1, 5))
    m = data.draw(st.integers(1, 5))
    a = data.draw(arrays((m, n), np.float64, 3.0))
    x = data.draw(arrays((n,), np.float64, 3.0))
    jacobian = numerical_jacobian(lambda v: a @ v, x, 1e-6)
    assert jacobian.shape == (n, m)
    np.testing.assert_allclose(jacobian, a.T, atol=1e-8)


@settings(max_examples=40, deadline=None)
@given(x=batches(max_n=3, max_d=4, bound=3.0))
def test_numerical_jacobian_of_tanh_is_diagonal_one_minus_tanh_squared(x):
    jacobian = numerical_jacobian(np.tanh, x, 1e-6)
    np.testing.assert_allclose(jacobian, np.diag(1 - np.tanh(x.ravel()) ** 2), atol=1e-8)


@settings(max_examples=40, deadline=None)
@given(x=arrays(st.tuples(st.integers(1, 4), st.integers(1, 3)), np.float64, 10.0))
def test_x_is_restored_bit_for_bit(x):
    before = x.copy()
    numerical_jacobian(lambda v: np.sin(v).sum(), x, 1e-6)
    assert x.tobytes() == before.tobytes()  # signed zeros and subnormals included


def test_x_is_restored_when_fn_raises_midway():
    x = np.array([1.0, -0.0, 3.0])
    before = x.copy()
    calls = []

    def fn(v):
        calls.append(1)
        if len(calls) > 3:
            raise RuntimeError("boom")
        return v * 2

    with pytest.raises(RuntimeError, match="boom"):
        numerical_jacobian(fn, x, 1e-6)
    assert x.tobytes() == before.tobytes()


def test_a_reused_output_buffer_is_copied():
    # Torch modules return the same array every call; an uncopied f(x+h) would be overwritten
    # by f(x−h) and every difference would be 0.
    buffer = np.empty(3)

    def doubled(v):
        np.multiply(v, 2.0, out=buffer)
        return buffer

    jacobian = numerical_jacobian(doubled, np.array([0.5, -1.0, 2.0]), 1e-6)
    np.testing.assert_allclose(jacobian, 2 * np.eye(3), atol=1e-9)


def test_divides_by_the_steps_really_taken():
    # In float32, 1 ± 1e-6 rounds to 1 + 8·2⁻²³ and 1 − 17·2⁻²⁴: a division by 2e-6 would give
    # 3 · (8·2⁻²³ + 17·2⁻²⁴) / 2e-6 ≈ 2.95; the real steps give the exact slope 3.
    x = np.ones(1, dtype=np.float32)
    jacobian = numerical_jacobian(lambda v: 3.0 * v.astype(np.float64), x, 1e-6)
    naive = 3.0 * (8 * 2.0**-23 + 17 * 2.0**-24) / 2e-6
    assert abs(naive - 3.0) > 0.04
    assert jacobian[0, 0] == pytest.approx(3.0, abs=1e-12)


def test_scalar_output_gives_one_column():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    jacobian = numerical_jacobian(lambda v: float(np.sum(v * v)), x, 1e-6)
    np.testing.assert_allclose(jacobian, 2 * x.reshape(-1, 1), atol=1e-8)


def test_bad_arguments_are_clear_errors():
    with pytest.raises(TypeError, match="floating"):
        numerical_jacobian(lambda v: v, np.arange(3), 1e-6)
    with pytest.raises(ValueError, match="eps must be a positive"):
        numerical_jacobian(lambda v: v, np.ones(3), 0.0)
    with pytest.raises(ValueError, match=r"eps=1e-06 does not change x.flat\[1\]"):
        numerical_jacobian(lambda v: v, np.array([1.0, 1e12], dtype=np.float32), 1e-6)
    with pytest.raises(ValueError, match="finite"):
        numerical_jacobian(lambda v: v, np.array([1.0, np.nan]), 1e-6)


def test_analytic_jacobian_of_linear_matches_the_formula():
    # y = W x + b: ∂yⱼ/∂xᵢ = W[j, i]; ∂yⱼ/∂W[a, c] = δⱼₐ x_c; ∂yⱼ/∂b_a = δⱼₐ.
    layer = nn.Linear(3, 2)
    x = np.array([0.5, -1.0, 2.0])
    jacobians = analytic_jacobian(layer, x)
    assert list(jacobians) == ["input", "weight", "bias"]
    np.testing.assert_allclose(jacobians["input"], layer.weight.T, atol=1e-15)
    expected_weight = np.einsum("ja,c->acj", np.eye(2), x).reshape(6, 2)
    np.testing.assert_allclose(jacobians["weight"], expected_weight, atol=1e-15)
    np.testing.assert_allclose(jacobians["bias"], np.eye(2), atol=1e-15)


def test_analytic_jacobian_leaves_parameters_and_accumulated_gradients_alone():
    layer = nn.Linear(3, 2)
    layer.grad_weight[...] = 7.0
    layer.grad_bias[...] = -3.0
    weight, grad_weight = layer.weight.copy(), layer.grad_weight
    analytic_jacobian(layer, np.ones((4, 3)))
    assert layer.grad_weight is grad_weight and np.all(grad_weight == 7.0)
    assert np.all(layer.grad_bias == -3.0)
    assert np.array_equal(layer.weight, weight)


def test_analytic_jacobian_of_an_mlp_matches_torch(torch):
    net = nn.Sequential(nn.Linear(4, 5), nn.Tanh(), nn.Linear(5, 3))
    x = np.random.default_rng(1).normal(size=(2, 4))
    layers = [net.get(0), net.get(2)]
    weights = [torch.tensor(m.weight) for m in layers]
    biases = [torch.tensor(m.bias) for m in layers]

    def torch_net(t):
        hidden = torch.tanh(t @ weights[0].T + biases[0])
        return hidden @ weights[1].T + biases[1]

    expected = torch.autograd.functional.jacobian(torch_net, torch.tensor(x)).numpy()
    got = analytic_jacobian(net, x, params=False)["input"]
    np.testing.assert_allclose(got, expected.reshape(6, 8).T, rtol=1e-12, atol=1e-12)


def test_analytic_jacobian_names_both_shapes_of_a_wrong_gradient():
    class Unsqueezed(nn.Module):
        def update_output(self, input):
            return input * 2

        def update_grad_input(self, input, grad_output):
            return (grad_output * 2)[:, None]

    with pytest.raises(ValueError, match=r"grad_input has shape \(3, 1\).*shape \(3,\)"):
        analytic_jacobian(Unsqueezed(), np.ones(3))
