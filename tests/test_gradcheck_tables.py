"""Tables in the checker: nested list inputs and outputs, checked and named block by block.

The layers here are small table layers written for the test (the library's own table modules
have their recipes); each block's Jacobian is known in closed form.
"""

from __future__ import annotations

import numpy as np
import pytest

from minitorch_l2 import nn
from minitorch_l2.gradcheck import (
    analytic_jacobian,
    check_criterion,
    check_module,
    numerical_jacobian,
)

from .gain_layers import LuaGain

RNG = np.random.default_rng(11)
X = RNG.uniform(-2, 2, (3, 2))
Y = RNG.uniform(-2, 2, (3, 2))
Z = RNG.uniform(-2, 2, (3,))


class Sum(nn.Module):
    """y = x₀ + x₁ (a CAddTable): ∂y/∂x₀ = ∂y/∂x₁ = I."""

    takes_table = True

    def update_output(self, input):
        self.output = input[0] + input[1]
        return self.output

    def update_grad_input(self, input, grad_output):
        self.grad_input = [grad_output.copy(), grad_output.copy()]
        return self.grad_input


class Fork(nn.Module):
    """x ↦ [x ⊙ w, [x, x²]], a learnt scale w per column: a nested table output."""

    def __init__(self, size):
        super().__init__()
        self.weight = np.linspace(0.5, 1.5, size)
        self.grad_weight = np.zeros(size)
        self.bias = None

    def update_output(self, input):
        self.output = [input * self.weight, [input.copy(), input**2]]
        return self.output

    def update_grad_input(self, input, grad_output):
        scaled, (same, square) = grad_output
        self.grad_input = scaled * self.weight + same + 2 * input * square
        return self.grad_input

    def acc_grad_parameters(self, input, grad_output, scale=1.0):
        self.grad_weight += scale * np.sum(grad_output[0] * input, axis=0)


class Mix(nn.Module):
    """[x, [y, z]] ↦ [x ⊙ y, z]: a nested table in, a table out (z of shape (n,))."""

    takes_table = True

    def update_output(self, input):
        x, (y, z) = input
        self.output = [x * y, 3 * z]
        return self.output

    def update_grad_input(self, input, grad_output):
        x, (y, _) = input
        product, scaled = grad_output
        self.grad_input = [product * y, [product * x, 3 * scaled]]
        return self.grad_input


# ---------------------------------------------------------------- planted table bugs
class SumDoublingSecond(Sum):
    def update_grad_input(self, input, grad_output):
        return [grad_output.copy(), 2 * grad_output]


class ForkHalfSquare(Fork):
    """Forgets the 2 of ∂(x²)/∂x: only the block input → output[1][1] is wrong."""

    def update_grad_input(self, input, grad_output):
        scaled, (same, square) = grad_output
        return scaled * self.weight + same + input * square


class ForkWrongWeight(Fork):
    def acc_grad_parameters(self, input, grad_output, scale=1.0):
        self.grad_weight -= scale * np.sum(grad_output[0] * input, axis=0)


class MixSwapped(Mix):
    """Multiplies by the wrong factor for y: x ⊙ g must be the gradient of y, not y ⊙ g."""

    def update_grad_input(self, input, grad_output):
        x, (y, _) = input
        product, scaled = grad_output
        return [product * y, [product * y, 3 * scaled]]


class SumReturningOneTensor(Sum):
    def update_grad_input(self, input, grad_output):
        return grad_output.copy()  # a tensor where a table of two is due


class SumForgettingOne(Sum):
    def update_grad_input(self, input, grad_output):
        return [grad_output.copy(), None]


def test_a_table_input_is_checked_per_leaf():
    report = check_module(Sum(), [X, Y])
    assert report.ok, str(report)
    assert list(report.entries) == ["input[0]", "input[1]"]
    np.testing.assert_allclose(report["input[1]"].analytic, np.eye(6), atol=0)
    np.testing.assert_allclose(report["input[1]"].numeric, np.eye(6), atol=1e-9)


def test_a_tuple_input_is_read_as_a_table():
    report = check_module(Sum(), (X, Y))
    assert report.ok and list(report.entries) == ["input[0]", "input[1]"], str(report)


def test_a_nested_table_output_is_checked_block_by_block():
    report = check_module(Fork(2), X)
    assert report.ok, str(report)
    assert list(report.entries) == [
        "input → output[0]",
        "input → output[1][0]",
        "input → output[1][1]",
        "weight → output[0]",
        "weight → output[1][0]",
        "weight → output[1][1]",
    ]
    block = report["input → output[1][1]"]
    assert block.output == "output[1][1]" and block.tensor == "input"
    assert block.output_shape == (3, 2)
    np.testing.assert_allclose(block.numeric, np.diag(2 * X.ravel()), atol=1e-8)
    assert np.all(report["weight → output[1][0]"].analytic == 0)  # x does not depend on w
    assert "block" in str(report).splitlines()[2]  # the table's header says what a row is


def test_nested_tables_in_and_out():
    report = check_module(Mix(), [X, [Y, Z]])
    assert report.ok, str(report)
    assert list(report.entries) == [
        f"{tensor} → {out}"
        for tensor in ("input[0]", "input[1][0]", "input[1][1]")
        for out in ("output[0]", "output[1]")
    ]
    np.testing.assert_allclose(report["input[1][0] → output[0]"].numeric, np.diag(X.ravel()), 1e-7)
    np.testing.assert_allclose(report["input[1][1] → output[1]"].analytic, 3 * np.eye(3))


PLANTED_TABLES = [
    # (id, module factory, input, failing block, expected diagnosis text)
    ("second input doubled", SumDoublingSecond, [X, Y], "input[1]", "off by a constant factor 2 "),
    ("one block of a nested output", lambda: ForkHalfSquare(2), X, "input → output[1][1]",
     "off by a constant factor 0.5 "),
    ("parameter of a table output", lambda: ForkWrongWeight(2), X, "weight → output[0]",
     "sign flipped"),
    ("wrong factor in a nested input", MixSwapped, [X, [Y, Z]], "input[1][0] → output[0]", ""),
]  # fmt: skip


@pytest.mark.parametrize(
    "make, input, block, diagnosis",
    [p[1:] for p in PLANTED_TABLES],
    ids=[p[0] for p in PLANTED_TABLES],
)
def test_a_planted_table_bug_is_found_in_its_block(make, input, block, diagnosis):
    report = check_module(make(), input)
    assert [entry.name for entry in report.failures] == [block], str(report)
    assert diagnosis in f"{report[block].diagnosis} "
    assert f"{block}: " in str(report)


def test_the_worst_elements_of_a_block_name_its_output_tensor():
    report = check_module(ForkHalfSquare(2), X)
    text = str(report)
    assert "input index  output[1][1] index  input value" in text
    worst = report["input → output[1][1]"].worst[0]
    assert worst.tensor_index == worst.output_index
    assert worst.value == X[worst.tensor_index]
    assert worst.numeric == pytest.approx(2 * worst.value, abs=1e-8)


def test_a_gradient_of_the_wrong_structure_is_named():
    report = check_module(SumReturningOneTensor(), [X, Y])
    problem = report["input[0]"].problem
    assert problem == (
        "backward returned grad_input ndarray (3, 2), expected a table of the input's "
        "structure [(3, 2), (3, 2)]"
    )
    assert report["input[1]"].problem == problem


def test_a_none_leaf_of_grad_input_is_named():
    report = check_module(SumForgettingOne(), [X, Y])
    assert report["input[0]"].ok
    assert report["input[1]"].problem.startswith("backward returned None for grad_input[1]")


def test_building_blocks_take_and_give_tables():
    layer = Fork(2)
    analytic = analytic_jacobian(layer, X)
    numeric = numerical_jacobian(lambda v: layer.forward(v), X)
    assert list(analytic) == ["input", "weight"]
    assert len(numeric) == 2 and len(numeric[1]) == 2  # the output's structure
    for got, want in [(analytic["input"][1][1], numeric[1][1]), (analytic["input"][0], numeric[0])]:
        np.testing.assert_allclose(got, want, atol=1e-8)
    # A table x: the outer structure is x's, each block (x leaf size, output size).
    blocks = numerical_jacobian(lambda v: Sum().forward(v), [X, Y])
    assert [b.shape for b in blocks] == [(6, 6), (6, 6)]
    np.testing.assert_allclose(blocks[1], np.eye(6), atol=1e-9)
    jacobians = analytic_jacobian(Mix(), [X, [Y, Z]])
    assert list(jacobians) == ["input[0]", "input[1][0]", "input[1][1]"]
    assert [b.shape for b in jacobians["input[1][1]"]] == [(3, 6), (3, 3)]


class PairLoss(nn.Criterion):
    """A table input [a, [b]]: L = Σ a ⊙ b − Σ a t; ∂L/∂a = b − t, ∂L/∂b = a."""

    takes_table = True

    def update_output(self, input, target):
        a, (b,) = input
        return float(np.sum(a * b) - np.sum(a * target))

    def update_grad_input(self, input, target):
        a, (b,) = input
        return [b - target, [a.copy()]]


def test_a_criterion_of_a_nested_table():
    report = check_criterion(PairLoss(), [X, [Y]], Z[:, None] * np.ones(2))
    assert report.ok, str(report)
    assert list(report.entries) == ["input[0]", "input[1][0]"]


# ---------------------------------------------------------------- parameters, the Lua way
def test_parameters_declared_the_lua_way_are_checked():
    assert check_module(LuaGain(2), X).ok
    report = check_module(LuaGain(2, factor=3.0), X)
    assert [entry.name for entry in report.failures] == ["gain"], str(report)
    assert report["gain"].diagnosis.startswith("off by a constant factor 3 ")
    assert not report.unchecked  # declared: it is checked, not "weight-like"


def test_a_lua_way_child_in_a_container_is_checked_under_its_path():
    net = nn.Sequential(nn.Linear(2, 2), LuaGain(2, factor=0.5))
    report = check_module(net, X)
    assert [entry.name for entry in report.failures] == ["1.gain"], str(report)
    gain = net.get(1).grad_gain
    assert np.all(gain == 0)  # restored
