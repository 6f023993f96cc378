"""nn.Sequential: container API, chain rule, printing."""

from __future__ import annotations

import numpy as np
import pytest

from minitorch_l2 import nn


def test_container_api():
    a, b, c = nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1)
    net = nn.Sequential()
    assert net.add(a) is net
    net.add(c).insert(b, 1)
    assert net.modules == [a, b, c]
    assert net.size() == len(net) == 3
    assert net.get(0) is a and net[1] is b and net[-1] is c
    assert list(net) == [a, b, c]
    assert net.remove(1) is net and net.modules == [a, c]
    net.remove()
    assert net.modules == [a]
    with pytest.raises(IndexError, match="out of range"):
        net.get(5)
    with pytest.raises(TypeError, match="nn.Module"):
        net.add("Linear")


def test_insert_and_remove_with_negative_and_out_of_range_indices():
    a, b, c, d = nn.Linear(2, 2), nn.Tanh(), nn.Linear(2, 2), nn.Tanh()
    net = nn.Sequential(a, b)
    net.insert(c, -1)  # before the last, as list.insert
    assert net.modules == [a, c, b]
    net.insert(d, -3)  # before the first
    assert net.modules == [d, a, c, b]
    for index in (5, -5):
        with pytest.raises(IndexError, match=rf"insert: index {index} out of range for 4"):
            net.insert(nn.Tanh(), index)
    assert net.remove(-1) is net and net.modules == [d, a, c]
    net.remove(-3)
    assert net.modules == [a, c]
    for index in (2, -3):
        with pytest.raises(IndexError, match=rf"index {index} out of range for 2"):
            net.remove(index)
    assert net.modules == [a, c]
    with pytest.raises(IndexError, match="out of range for 0"):
        nn.Sequential().remove()


def test_slicing_gives_a_sequential_of_the_same_modules():
    a, b, c = nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1)
    net = nn.Sequential(a, b, c)
    head = net[0:2]
    assert isinstance(head, nn.Sequential) and head is not net
    assert head.modules == [a, b] and head[0] is a and head[1] is b
    assert net[::-1].modules == [c, b, a] and net[-1:].modules == [c] and len(net[5:]) == 0
    head.add(nn.Tanh())  # a new container: the original chain is unchanged
    assert net.modules == [a, b, c]
    x = np.ones((4, 2))
    np.testing.assert_allclose(net[:2].forward(x), np.tanh(x @ a.weight.T + a.bias))


def test_forward_is_the_composition():
    net = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 2))
    x = np.random.default_rng(0).normal(size=(5, 4))
    l0, l2 = net[0], net[2]
    expected = np.tanh(x @ l0.weight.T + l0.bias) @ l2.weight.T + l2.bias
    np.testing.assert_allclose(net.forward(x), expected, rtol=1e-12)


def test_backward_is_the_chain_rule_by_hand():
    net = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 2))
    rng = np.random.default_rng(1)
    x, g = rng.normal(size=(5, 4)), rng.normal(size=(5, 2))
    net.forward(x)
    gi = net.backward(x, g, scale=0.5)
    l0, l2 = net[0], net[2]
    # hand derivation: h = x W0ᵀ + b0, a = tanh h, y = a W2ᵀ + b2
    h = x @ l0.weight.T + l0.bias
    a = np.tanh(h)
    ga = g @ l2.weight
    gh = ga * (1 - a**2)
    np.testing.assert_allclose(gi, gh @ l0.weight, rtol=1e-12)
    np.testing.assert_allclose(l2.grad_weight, 0.5 * g.T @ a, rtol=1e-12)
    np.testing.assert_allclose(l0.grad_weight, 0.5 * gh.T @ x, rtol=1e-12)
    np.testing.assert_allclose(l0.grad_bias, 0.5 * gh.sum(0), rtol=1e-12)


def test_update_grad_input_then_acc_grad_parameters_equals_backward():
    net = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 2))
    twin = net.clone()
    rng = np.random.default_rng(2)
    x, g = rng.normal(size=(3, 4)), rng.normal(size=(3, 2))
    net.forward(x)
    expected = net.backward(x, g, 2.0).copy()
    twin.forward(x)
    got = twin.update_grad_input(x, g)
    twin.acc_grad_parameters(x, g, 2.0)
    np.testing.assert_allclose(got, expected)
    for p, q in zip(net.parameters()[1], twin.parameters()[1]):
        np.testing.assert_allclose(p, q)


def test_empty_sequential_is_the_identity():
    x = np.ones((2, 3))
    net = nn.Sequential()
    assert net.forward(x) is x
    assert net.backward(x, x) is x


def test_repr_matches_torch_layout_with_zero_based_indices():
    net = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 2))
    assert repr(net) == (
        "nn.Sequential {\n"
        "  [input -> (0) -> (1) -> (2) -> output]\n"
        "  (0): nn.Linear(4 -> 6)\n"
        "  (1): nn.Tanh\n"
        "  (2): nn.Linear(6 -> 2)\n"
        "}"
    )


def test_nested_repr_is_indented():
    net = nn.Sequential(nn.Sequential(nn.Tanh()), nn.Linear(2, 1, bias=False))
    assert repr(net) == (
        "nn.Sequential {\n"
        "  [input -> (0) -> (1) -> output]\n"
        "  (0): nn.Sequential {\n"
        "    [input -> (0) -> output]\n"
        "    (0): nn.Tanh\n"
        "  }\n"
        "  (1): nn.Linear(2 -> 1) without bias\n"
        "}"
    )


def test_shape_error_inside_a_chain_names_the_layer():
    net = nn.Sequential(nn.Linear(4, 6), nn.Linear(5, 2))
    with pytest.raises(ValueError, match=r"nn.Linear\(5 -> 2\).*\(5,\) or \(n, 5\).*\(3, 6\)"):
        net.forward(np.ones((3, 4)))


def test_torch_oracle_for_a_small_mlp(torch):
    net = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 2))
    rng = np.random.default_rng(3)
    x, g = rng.normal(size=(5, 4)), rng.normal(size=(5, 2))
    tnet = torch.nn.Sequential(
        torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 2)
    ).double()
    with torch.no_grad():
        for ours, theirs in ((net[0], tnet[0]), (net[2], tnet[2])):
            theirs.weight.copy_(torch.from_numpy(ours.weight))
            theirs.bias.copy_(torch.from_numpy(ours.bias))
    tx = torch.from_numpy(x).requires_grad_()
    ty = tnet(tx)
    ty.backward(torch.from_numpy(g))
    np.testing.assert_allclose(net.forward(x), ty.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(net.backward(x, g), tx.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(net[0].grad_weight, tnet[0].weight.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(net[2].grad_bias, tnet[2].bias.grad.numpy(), rtol=1e-10)
