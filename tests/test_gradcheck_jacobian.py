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


# ---------------------------------------------------------------- nothing written, then refused
def test_an_integer_input_is_refused_untouched():
    for call in (
        lambda x: nn.Jacobian.testJacobian(nn.Tanh(), x),
        lambda x: nn.Jacobian.testJacobianParameters(
            nn.Linear(3, 2), x, *nn.Linear(3, 2).parameters()
        ),
    ):
        x = np.zeros((4, 3), dtype=np.int64)
        with pytest.raises((TypeError, ValueError)):
            call(x)
        assert not x.any()


def test_an_input_the_module_refuses_is_left_as_it_was():
    x = np.zeros((4, 5))  # Linear(3, 2) wants 3 features
    with pytest.raises(ValueError, match=r"nn.Linear\(3 -> 2\): expected input"):
        nn.Jacobian.testJacobian(nn.Linear(3, 2), x)
    assert not x.any()
    layer = nn.Linear(3, 2)
    weight = layer.weight.copy()
    with pytest.raises(ValueError, match="expected input"):
        nn.Jacobian.testJacobianParameters(layer, x, layer.weight, layer.grad_weight)
    assert np.array_equal(layer.weight, weight) and not x.any()


def test_a_wrong_param_is_refused_before_anything_is_drawn():
    layer = nn.Linear(3, 2)
    x = np.zeros(3)
    before = layer.weight.copy()
    with pytest.raises(ValueError, match="dparam is not the gradient array of weight"):
        nn.Jacobian.testJacobianParameters(layer, x, layer.weight, layer.grad_bias)
    assert not x.any() and np.array_equal(layer.weight, before)


def test_test_jacobian_fills_every_leaf_of_a_table():
    class Product(nn.Module):
        takes_table = True

        def update_output(self, input):
            return input[0] * input[1]

        def update_grad_input(self, input, grad_output):
            return [grad_output * input[1], grad_output * input[0]]

    table = [np.zeros(3), np.zeros(3)]
    assert nn.Jacobian.testJacobian(Product(), table) < 1e-8
    assert all(np.all((leaf >= -2) & (leaf <= 2)) and np.all(leaf != 0) for leaf in table)
    assert nn.Jacobian.forward(Product(), table).shape == (6, 3)  # rows: both leaves


# ---------------------------------------------------------------- the direct update
class WrongDirectUpdateLinear(nn.Linear):
    """acc_update_grad_parameters adds the step instead of subtracting it."""

    def acc_update_grad_parameters(self, input, grad_output, lr):
        g, x = np.atleast_2d(grad_output), np.atleast_2d(input)
        self.weight += lr * g.T @ x
        self.bias += lr * g.sum(0)


def test_backward_update_is_the_parameter_minus_its_jacobian():
    layer = nn.Linear(3, 2)
    x = np.array([0.5, -1.0, 2.0])
    weight = layer.weight.copy()
    columns = nn.Jacobian.backwardUpdate(layer, x, layer.weight)
    expected = weight.reshape(-1, 1) - nn.Jacobian.backward(layer, x, layer.weight)
    np.testing.assert_allclose(columns, expected, atol=1e-15)
    np.testing.assert_allclose(nn.Jacobian.forwardUpdate(layer, x, layer.weight), expected, 1e-8)
    assert np.array_equal(layer.weight, weight)  # restored


def test_test_jacobian_update_parameters_finds_a_wrong_direct_update():
    layer = nn.Linear(3, 2)
    assert nn.Jacobian.testJacobianUpdateParameters(layer, np.zeros(3), layer.weight) < 1e-8
    bad = WrongDirectUpdateLinear(3, 2)
    error = nn.Jacobian.testJacobianUpdateParameters(bad, np.zeros(3), bad.weight)
    # θ + J where θ − J is due: off by 2·max|∂y/∂W| = 2·max|x| over the draw.
    assert error > 0.5


def test_test_all_update_agrees_for_a_right_layer_and_not_for_a_wrong_one():
    keys = [
        "accGradParameters",
        "accUpdateGradParameters",
        "accGradParameters [shared]",
        "accUpdateGradParameters [shared]",
    ]
    x = np.random.default_rng(0).uniform(-2, 2, (4, 3))
    errors = nn.Jacobian.testAllUpdate(nn.Linear(3, 2), x, "weight", "gradWeight")
    assert list(errors) == keys and max(errors.values()) < 1e-12
    wrong = nn.Jacobian.testAllUpdate(WrongDirectUpdateLinear(3, 2), x, "weight", "grad_weight")
    assert wrong["accGradParameters"] < 1e-12 and wrong["accUpdateGradParameters"] > 0.1
    assert wrong["accUpdateGradParameters [shared]"] > 0.1
    with pytest.raises(ValueError, match="not an array field"):
        nn.Jacobian.testAllUpdate(nn.Linear(3, 2), x, "weights", "gradWeight")


# ---------------------------------------------------------------- save and load
class HalfTanh(nn.Tanh):
    """y = tanh(x) · scale, with scale declared per-call state: save drops it (a bug of the
    layer, which testIO is there to catch); the reloaded copy falls back to 1."""

    per_call_attributes = ("scale",)
    scale = 1.0

    def __init__(self):
        super().__init__()
        self.scale = 0.5

    def update_output(self, input):
        self.output = np.tanh(input) * (self.scale or 1.0)
        return self.output

    def update_grad_input(self, input, grad_output):
        self.grad_input = grad_output * (self.scale or 1.0) * (1 - np.tanh(input) ** 2)
        return self.grad_input


def test_test_io_round_trips_through_our_format():
    x = np.random.default_rng(0).uniform(-2, 2, (4, 3))
    before = x.copy()
    assert nn.Jacobian.testIO(nn.Linear(3, 2), x) == (0.0, 0.0)
    assert nn.Jacobian.testIO(nn.Sequential(nn.Linear(3, 4), nn.Tanh()), x) == (0.0, 0.0)
    assert np.array_equal(x, before)  # Lua's testIO does not draw the input
    forward_error, backward_error = nn.Jacobian.testIO(HalfTanh(), x)
    assert forward_error > 0.1 and backward_error > 0.01


class ForgetfulClear(nn.Tanh):
    """clear_state also drops a setting (scale): Lua's testIO saves the cleared module, so the
    copy read back computes another function."""

    def __init__(self):
        super().__init__()
        self.scale = 0.5

    def update_output(self, input):
        self.output = np.tanh(input) * self.scale
        return self.output

    def update_grad_input(self, input, grad_output):
        self.grad_input = grad_output * self.scale * (1 - np.tanh(input) ** 2)
        return self.grad_input

    def clear_state(self):
        super().clear_state()
        self.scale = 1.0
        return self


class ClearReturnsNothing(nn.Tanh):
    def clear_state(self):
        super().clear_state()


def test_test_io_clears_the_state_before_saving_as_lua_does():
    x = np.random.default_rng(1).uniform(-2, 2, (4, 3))
    forward_error, backward_error = nn.Jacobian.testIO(ForgetfulClear(), x)
    assert forward_error > 0.1 and backward_error > 0.01
    layer = nn.Linear(3, 2)
    assert nn.Jacobian.testIO(layer, x) == (0.0, 0.0)
    assert layer.output is None and layer.grad_input is None  # left cleared, as in Lua
    with pytest.raises(AssertionError, match="clear_state.. of ClearReturnsNothing did not"):
        nn.Jacobian.testIO(ClearReturnsNothing(), x)


def test_test_io_gets_its_files_from_serialization_through_the_registry(monkeypatch):
    from minitorch_l2 import serialization
    from minitorch_l2.nn.jacobian import _io

    assert _io._files == {"save": serialization.save, "load": serialization.load}
    monkeypatch.setattr(_io, "_files", {})
    with pytest.raises(RuntimeError, match="testIO needs minitorch_l2.serialization"):
        nn.Jacobian.testIO(nn.Linear(3, 2), np.ones(3))
    seen = []
    nn.jacobian.register_files(
        lambda path, m: seen.append(("save", type(m).__name__)) or serialization.save(path, m),
        serialization.load,
    )
    assert nn.Jacobian.testIO(nn.Linear(3, 2), np.ones(3)) == (0.0, 0.0)
    assert seen == [("save", "Linear")]
    with pytest.raises(TypeError, match="must be callable"):
        nn.jacobian.register_files(None, serialization.load)
