"""Which arrays are parameters: overridden ``parameters()``, ``parameter_names``, sharing."""

from __future__ import annotations

import numpy as np
import pytest

from minitorch_l2 import nn, optim


class Shift(nn.Module):
    """y = x + shift; its parameter is reported by an overridden parameters() only."""

    def __init__(self, size):
        super().__init__()
        self.shift = np.zeros(size)
        self.grad_shift = np.zeros(size)

    def update_output(self, input):
        self.output = input + self.shift
        return self.output

    def update_grad_input(self, input, grad_output):
        self.grad_input = grad_output.copy()
        return self.grad_input

    def acc_grad_parameters(self, input, grad_output, scale=1.0):
        self.grad_shift += scale * grad_output.reshape(-1, self.shift.size).sum(0)

    def parameters(self):
        return [self.shift], [self.grad_shift]


class DeclaredShift(Shift):
    """The same layer, with its parameter declared the way get_parameters can use."""

    parameter_names = (("shift", "grad_shift"),)


def test_containers_concatenate_a_childs_overridden_parameters():
    lin, shift = nn.Linear(2, 2), Shift(2)
    params, grads = nn.Sequential(lin, shift).parameters()
    assert [id(p) for p in params] == [id(lin.weight), id(lin.bias), id(shift.shift)]
    assert [id(g) for g in grads] == [id(lin.grad_weight), id(lin.grad_bias), id(shift.grad_shift)]


def test_zero_grad_parameters_zeroes_what_parameters_returns():
    shift = Shift(3)
    net = nn.Sequential(nn.Linear(3, 3), shift)
    shift.grad_shift[...] = 1.0
    net.zero_grad_parameters()
    assert not shift.grad_shift.any()


@pytest.mark.parametrize("action", ["get_parameters", "float"])
def test_undeclared_parameters_are_a_type_error_naming_the_fix(action):
    net = nn.Sequential(nn.Linear(2, 2), Shift(2))
    pattern = r"nn.Shift.*parameter_names = \(\('shift', 'grad_shift'\),\)"
    with pytest.raises(TypeError, match=pattern):
        getattr(net, action)()


def test_declared_parameters_are_flattened_and_converted():
    shift = DeclaredShift(2)
    net = nn.Sequential(nn.Linear(2, 2), shift)
    flat, flat_grad = net.get_parameters()
    assert flat.size == 4 + 2 + 2
    assert np.shares_memory(shift.shift, flat) and np.shares_memory(shift.grad_shift, flat_grad)
    net.float()
    assert shift.shift.dtype == shift.grad_shift.dtype == np.float32


def test_a_module_used_twice_is_flattened_once():
    s = nn.Linear(2, 2)
    net = nn.Sequential(s, s)
    params, _ = net.parameters()
    assert [id(p) for p in params] == [id(s.weight), id(s.bias)]
    assert [name for name, _, _ in net.named_parameters()] == ["0.weight", "0.bias"]
    flat, flat_grad = net.get_parameters()
    assert flat.size == flat_grad.size == 2 * 2 + 2
    again = net.get_parameters()
    assert again[0] is flat and again[1] is flat_grad
    # One SGD step on the flat vector: w ← w − η g, applied once to the one shared weight.
    s.grad_weight[...] = [[1.0, 2.0], [3.0, 4.0]]
    s.grad_bias[...] = [5.0, 6.0]
    w, b = s.weight.copy(), s.bias.copy()
    optim.sgd(lambda _: (0.0, flat_grad), flat, {"learning_rate": 0.1})
    np.testing.assert_allclose(s.weight, w - 0.1 * np.array([[1.0, 2.0], [3.0, 4.0]]))
    np.testing.assert_allclose(s.bias, b - 0.1 * np.array([5.0, 6.0]))


def test_update_parameters_moves_a_shared_module_once():
    s = nn.Linear(2, 2)
    net = nn.Sequential(s, s)
    s.grad_weight[...] = 1.0
    w = s.weight.copy()
    net.update_parameters(0.5)
    np.testing.assert_allclose(s.weight, w - 0.5)


def test_tied_weights_take_one_place_and_accumulate_both_uses():
    a, b = nn.Linear(2, 2), nn.Linear(2, 2)
    b.weight, b.grad_weight = a.weight, a.grad_weight  # tie W (and its gradient), not the bias
    net = nn.Sequential(a, b)
    flat, flat_grad = net.get_parameters()
    assert flat.size == 4 + 2 + 2
    assert a.weight is b.weight and a.grad_weight is b.grad_weight
    rng = np.random.default_rng(0)
    x, g = rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
    net.forward(x)
    net.backward(x, g)
    # h = x Wᵀ + b₁, y = h Wᵀ + b₂:  ∂L/∂W = Gᵀ h + (G W)ᵀ x  (one term per use of W).
    W = a.weight
    h = x @ W.T + a.bias
    np.testing.assert_allclose(a.grad_weight, g.T @ h + (g @ W).T @ x, rtol=1e-12)
    net.float()
    assert a.weight is b.weight and a.grad_weight is b.grad_weight


def test_sharing_a_parameter_without_its_gradient_is_refused():
    a, b = nn.Linear(2, 2), nn.Linear(2, 2)
    b.weight = a.weight  # its gradient array stays b's own
    with pytest.raises(ValueError, match="1.weight shares"):
        nn.Sequential(a, b).get_parameters()


def test_parameters_and_update_parameters_refuse_a_weight_shared_without_its_gradient():
    # Listing the shared weight once would keep only one of its two gradients, and
    # update_parameters would then silently drop the other module's contribution.
    a, b = nn.Linear(2, 2), nn.Linear(2, 2)
    b.weight = a.weight
    net = nn.Sequential(a, b)
    x = np.ones((3, 2))
    net.forward(x)
    net.backward(x, np.ones((3, 2)))
    for call in (net.parameters, lambda: net.update_parameters(0.1)):
        with pytest.raises(ValueError, match="are not shared together"):
            call()


def test_parameters_refuse_two_weights_sharing_one_gradient_array():
    a, b = nn.Linear(2, 2), nn.Linear(2, 2)
    b.grad_weight = a.grad_weight  # two weights, one gradient: each would see the other's
    with pytest.raises(ValueError, match="are not shared together"):
        nn.Sequential(a, b).parameters()
