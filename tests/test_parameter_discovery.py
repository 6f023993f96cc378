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


def test_parameters_declared_the_lua_way_are_flattened_and_converted():
    # Lua's way: parameters() returns the arrays; get_parameters re-points the attributes.
    shift = Shift(2)
    net = nn.Sequential(nn.Linear(2, 2), shift)
    flat, flat_grad = net.get_parameters()
    assert flat.size == 4 + 2 + 2
    assert np.shares_memory(shift.shift, flat) and np.shares_memory(shift.grad_shift, flat_grad)
    flat[-2:] = [3.0, 4.0]
    np.testing.assert_array_equal(shift.shift, [3.0, 4.0])
    net.float()
    assert shift.shift.dtype == shift.grad_shift.dtype == np.float32
    # Views of one vector stay views of one (converted) vector: no copy on the next call.
    flat32, _ = net.get_parameters()
    assert flat32.dtype == np.float32 and np.shares_memory(shift.shift, flat32)


class Computed(Shift):
    """parameters() returns a computed array no attribute holds: cannot be re-pointed."""

    def parameters(self):
        return [self.shift[::-1]], [self.grad_shift[::-1]]


def test_a_parameter_no_attribute_holds_is_a_type_error():
    with pytest.raises(TypeError, match="no attribute of the module holds"):
        nn.Sequential(nn.Linear(2, 2), Computed(2)).get_parameters()


def test_declared_parameters_are_flattened_and_converted():
    shift = DeclaredShift(2)
    net = nn.Sequential(nn.Linear(2, 2), shift)
    flat, flat_grad = net.get_parameters()
    assert flat.size == 4 + 2 + 2
    assert np.shares_memory(shift.shift, flat) and np.shares_memory(shift.grad_shift, flat_grad)
    net.float()
    assert shift.shift.dtype == shift.grad_shift.dtype == np.float32


def test_a_module_used_twice_is_refused_with_the_sharing_recipe():
    s = nn.Linear(2, 2)
    with pytest.raises(ValueError, match=r"appears twice.*clone\('weight', 'bias'"):
        nn.Sequential(s, s)
    net = nn.Sequential(s)
    with pytest.raises(ValueError, match="appears twice"):
        net.add(s)
    assert len(net) == 1  # the refused add left the container as it was


def test_clones_sharing_weights_take_one_place_and_move_once():
    s = nn.Linear(2, 2)
    net = nn.Sequential(s, s.clone("weight", "bias", "grad_weight", "grad_bias"))
    params, _ = net.parameters()
    assert [id(p) for p in params] == [id(s.weight), id(s.bias)]
    assert [name for name, _, _ in net.named_parameters()] == ["0.weight", "0.bias"]
    flat, flat_grad = net.get_parameters()
    assert flat.size == flat_grad.size == 2 * 2 + 2
    assert net.get(1).weight is s.weight and np.shares_memory(s.weight, flat)
    again = net.get_parameters()
    assert again[0] is flat and again[1] is flat_grad
    # One SGD step on the flat vector: w ← w − η g, applied once to the one shared weight.
    s.grad_weight[...] = [[1.0, 2.0], [3.0, 4.0]]
    s.grad_bias[...] = [5.0, 6.0]
    w, b = s.weight.copy(), s.bias.copy()
    optim.sgd(lambda _: (0.0, flat_grad), flat, {"learning_rate": 0.1})
    np.testing.assert_allclose(s.weight, w - 0.1 * np.array([[1.0, 2.0], [3.0, 4.0]]))
    np.testing.assert_allclose(s.bias, b - 0.1 * np.array([5.0, 6.0]))
    s.grad_weight[...] = 1.0
    w = s.weight.copy()
    net.update_parameters(0.5)
    np.testing.assert_allclose(s.weight, w - 0.5)


def test_get_parameters_of_one_tied_module_re_points_its_partner():
    # Lua breaks the tie here (getParameters re-points only its own tree); we keep it.
    a = nn.Linear(2, 2)
    b = a.clone("weight", "grad_weight")
    flat, _ = a.get_parameters()
    assert b.weight is a.weight and np.shares_memory(b.weight, flat)


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
    with pytest.raises(ValueError, match="are not shared together"):
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
