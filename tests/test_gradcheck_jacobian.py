"""``nn.Jacobian``: Lua Torch's testJacobian / testJacobianParameters."""

from __future__ import annotations

import numpy as np
import pytest

import minitorch_l2
from minitorch_l2 import nn


class SignFlippedLinear(nn.Linear):
    def update_grad_input(self, input, grad_output):
        return -(grad_output @ self.weight)


def test_test_jacobian_fills_the_input_like_lua_and_returns_a_small_error():
    input = np.zeros((3, 4))
    error = nn.Jacobian.testJacobian(nn.Tanh(), input)
    assert error < 1e-8
    assert np.all((input >= -2) & (input <= 2)) and np.unique(input).size == input.size
    minitorch_l2.manual_seed(1234)  # the conftest seed: the same draw again
    again = np.zeros((3, 4))
    nn.Jacobian.testJacobian(nn.Tanh(), again, minval=-2, maxval=2)
    assert np.array_equal(again, input)


def test_test_jacobian_respects_the_range():
    input = np.zeros(50)
    nn.Jacobian.testJacobian(nn.Tanh(), input, minval=3.0, maxval=4.0)
    assert input.min() >= 3.0 and input.max() <= 4.0


def test_test_jacobian_measures_a_planted_bug():
    # J_input = Wᵀ; the flipped backward gives −Wᵀ, so the largest error is 2·max|W|.
    layer = SignFlippedLinear(3, 2)
    error = nn.Jacobian.testJacobian(layer, np.zeros(3))
    assert error == pytest.approx(2 * np.max(np.abs(layer.weight)), rel=1e-6)


def test_test_jacobian_parameters_fills_param_and_checks_it():
    layer = nn.Linear(3, 2)
    weight = layer.weight
    error = nn.Jacobian.testJacobianParameters(
        layer, np.zeros((4, 3)), layer.weight, layer.grad_weight
    )
    assert error < 1e-8
    assert layer.weight is weight and np.all(np.abs(weight) <= 2)
    assert np.max(np.abs(weight)) > 1 / np.sqrt(3)  # beyond the init range: really refilled
    assert (
        nn.Jacobian.testJacobianParameters(layer, np.zeros(3), layer.bias, layer.grad_bias) < 1e-8
    )


def test_test_jacobian_parameters_measures_a_missing_bias_gradient():
    class NoBiasGrad(nn.Linear):
        def acc_grad_parameters(self, input, grad_output, scale=1.0):
            self.grad_weight += scale * np.outer(grad_output, input)

    layer = NoBiasGrad(3, 2)
    # ∂yⱼ/∂bₐ = δⱼₐ: an all-zero analytic Jacobian is off by exactly 1.
    error = nn.Jacobian.testJacobianParameters(layer, np.zeros(3), layer.bias, layer.grad_bias)
    assert error == pytest.approx(1.0, abs=1e-8)


def test_forward_and_backward_give_the_jacobian_layout_of_lua():
    layer = nn.Linear(3, 2)
    x = np.array([0.5, -1.0, 2.0])
    np.testing.assert_allclose(nn.Jacobian.forward(layer, x), layer.weight.T, atol=1e-8)
    np.testing.assert_allclose(nn.Jacobian.backward(layer, x), layer.weight.T, atol=1e-15)
    bias_jacobian = nn.Jacobian.backward(layer, x, layer.bias, layer.grad_bias)
    np.testing.assert_allclose(bias_jacobian, np.eye(2), atol=1e-15)


def test_param_must_be_the_modules_own_array():
    layer = nn.Linear(3, 2)
    with pytest.raises(ValueError, match="not a parameter array"):
        nn.Jacobian.backward(layer, np.ones(3), layer.weight.copy(), layer.grad_weight)
    with pytest.raises(ValueError, match="dparam is not the gradient array of weight"):
        nn.Jacobian.backward(layer, np.ones(3), layer.weight, layer.grad_bias)
