"""The Module contract on tables: lists of tensors in and out, checked once at the entry points."""

from __future__ import annotations

import re

import numpy as np
import pytest

from minitorch_l2 import nn
from minitorch_l2.gradcheck._recipes import RECIPES
from minitorch_l2.nn import _tables
from minitorch_l2.nn import container as container_file
from minitorch_l2.nn import module as module_file
from minitorch_l2.nn._checks import reuse
from minitorch_l2.nn._tables import copy_table, reuse_list


class PairSum(nn.Module):
    """y = [x0 + x1, x0 * x1] for a table [x0, x1]: a table in, a table out."""

    takes_table = True

    def update_output(self, input):
        a, b = input
        self.output = reuse_list(self.output, 2)
        self.output[0] = np.add(a, b, out=reuse(self.output[0], a.shape, a.dtype))
        self.output[1] = np.multiply(a, b, out=reuse(self.output[1], a.shape, a.dtype))
        return self.output

    def update_grad_input(self, input, grad_output):
        a, b = input
        g_sum, g_prod = grad_output
        self.grad_input = [g_sum + g_prod * b, g_sum + g_prod * a]
        return self.grad_input


def table_input():
    rng = np.random.default_rng(0)
    return [rng.normal(size=(2, 3)), rng.normal(size=(2, 3))]


def test_a_table_goes_in_and_a_table_comes_out_with_the_chain_rule():
    x = table_input()
    layer = PairSum()
    y = layer.forward(x)
    np.testing.assert_array_equal(y[0], x[0] + x[1])
    np.testing.assert_array_equal(y[1], x[0] * x[1])
    g = [np.ones((2, 3)), np.full((2, 3), 2.0)]
    gx = layer.backward(x, g)
    np.testing.assert_array_equal(gx[0], 1 + 2 * x[1])
    np.testing.assert_array_equal(gx[1], 1 + 2 * x[0])


def test_a_tuple_is_read_as_a_list():
    x = table_input()
    layer = PairSum()
    y = layer.forward(tuple(x))
    assert isinstance(y, list)
    gx = layer.backward(tuple(x), (np.ones((2, 3)), np.ones((2, 3))))
    assert isinstance(gx, list) and len(gx) == 2


def test_a_table_output_is_the_same_list_holding_the_same_arrays_next_call():
    x = table_input()
    layer = PairSum()
    first = layer.forward(x)
    arrays = list(first)
    second = layer.forward([2 * x[0], 2 * x[1]])
    assert second is first and all(a is b for a, b in zip(second, arrays))
    np.testing.assert_array_equal(second[0], 2 * (x[0] + x[1]))


@pytest.mark.parametrize(
    ("bad", "error", "words"),
    [
        ([np.ones((2, 3)), np.ones((2, 3), dtype=np.int64)], TypeError, r"input\[1\].*int64"),
        ([np.ones((2, 3)), [np.ones(2), "x"]], TypeError, r"input\[1\]\[1\].*str"),
        ([np.ones((2, 3)), np.ones((2, 3), dtype=np.float16)], TypeError, r"input\[1\].*float16"),
        ([], TypeError, r"non-empty table"),
        ([np.ones(2), []], TypeError, r"input\[1\] is an empty table"),
    ],
)
def test_a_bad_leaf_is_named_by_its_path(bad, error, words):
    with pytest.raises(error, match=rf"^nn\.PairSum: .*{words}"):
        PairSum().forward(bad)


def test_grad_output_must_have_the_outputs_structure_and_shapes():
    x = table_input()
    layer = PairSum()
    layer.forward(x)
    with pytest.raises(ValueError, match=r"grad_output to be a table of 2.*got ndarray"):
        layer.backward(x, np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"grad_output\[1\] of the output\[1\]'s shape \(2, 3\)"):
        layer.backward(x, [np.ones((2, 3)), np.ones((3, 2))])
    with pytest.raises(TypeError, match=r"grad_output\[0\] has dtype float32"):
        layer.backward(x, [np.ones((2, 3), np.float32), np.ones((2, 3))])
    with pytest.raises(ValueError, match=r"table of 2 elements"):
        layer.backward(x, [np.ones((2, 3))])


def test_a_tensor_module_refuses_a_table_grad_output_and_scale_must_be_a_number():
    tanh = nn.Tanh()
    x = np.ones((2, 2))
    tanh.forward(x)
    with pytest.raises(TypeError, match=r"nn\.Tanh: expected grad_output to be a numpy\.ndarray"):
        tanh.backward(x, [np.ones((2, 2))])
    for scale in ("x", True, None):
        with pytest.raises(TypeError, match=r"nn\.Tanh: backward's scale must be a real number"):
            tanh.backward(x, np.ones((2, 2)), scale)


def test_tables_flow_through_a_sequential_and_errors_carry_the_place():
    net = nn.Sequential(PairSum(), PairSum())
    x = table_input()
    y = net.forward(x)
    assert isinstance(y, list) and y[0].shape == (2, 3)
    gx = net.backward(x, [np.ones((2, 3)), np.zeros((2, 3))])
    # y0 = (a + b) + (a·b): ∂y0/∂a = 1 + b, through both layers.
    np.testing.assert_allclose(gx[0], 1 + x[1])
    with pytest.raises(
        TypeError, match=r"^In module \(0\) of nn\.Sequential: nn\.PairSum: .*input\[0\]"
    ):
        net.forward([np.ones((2, 3), dtype=np.int32), np.ones((2, 3))])


def test_update_output_called_directly_is_unchecked_as_in_torch():
    # The entry points check; the layer's own method does not (Lua's updateOutput does not either).
    with pytest.raises(AttributeError):  # NumPy's own error from inside: no check ran
        nn.Tanh().update_output([np.ones(2)])


# ---------------------------------------------------------------- a table where a tensor goes
def tensor_recipes() -> list:
    """The recipes of modules and criteria that take a tensor (not ``takes_table``)."""
    found = []
    for name, item in sorted(RECIPES.items()):
        subject = item.make()
        if not getattr(subject, "takes_table", False):
            found.append(pytest.param(item, id=name))
    return found


@pytest.mark.parametrize("recipe", tensor_recipes())
def test_a_tensor_module_or_criterion_given_a_table_says_it_takes_a_tensor(recipe):
    subject = recipe.make()
    args = [draw(np.random.default_rng(0)) for draw in recipe.arguments]
    assert isinstance(args[0], np.ndarray), "a recipe of a tensor module draws a tensor"
    who = subject._who()  # nn.Linear(4 -> 3), as the module names itself in every message
    pair, one = [args[0], args[0]], [args[0]]
    message = rf"^{re.escape(who)} takes a tensor \(a numpy\.ndarray\), not a table"
    if isinstance(subject, nn.Criterion):
        with pytest.raises(TypeError, match=message + r": got a list of 2"):
            subject.forward(pair, args[1])
        with pytest.raises(TypeError, match=message):
            subject.backward(pair, args[1])
        return
    with pytest.raises(TypeError, match=message + r": got a list of 2"):
        subject.forward(pair)
    with pytest.raises(TypeError, match=r"pass the tensor itself \(input\[0\]\).*SelectTable"):
        subject(one)
    output = subject.forward(args[0])
    grad = copy_table(output)
    with pytest.raises(TypeError, match=message):
        subject.backward(pair, grad)


def test_the_table_modules_say_so():
    for module in (
        nn.Identity(),
        nn.Sequential(),
        nn.CAddTable(),
        nn.Index(0),
        nn.MM(),
        nn.SpatialFullConvolution(2, 2, 3, 3),
        nn.Concat(0),
    ):
        assert module.takes_table, module
    for criterion in (nn.MarginRankingCriterion(), nn.ParallelCriterion(), nn.MultiCriterion()):
        assert criterion.takes_table, criterion


def test_a_custom_module_is_told_how_to_take_a_table():
    class Halves(nn.Module):
        def update_output(self, input):
            return input[0] + input[1]

    with pytest.raises(TypeError, match=r"a module whose input is a table sets takes_table = True"):
        Halves().forward([np.ones(2), np.ones(2)])
    with pytest.raises(TypeError, match=r"^nn\.Linear\(3 -> 3\) takes a tensor") as caught:
        nn.Linear(3, 3).forward([np.ones(3), np.ones(3)])
    assert "takes_table" not in str(caught.value)  # a built-in's user is not told to edit it
    with pytest.raises(TypeError, match=r"^nn\.LookupTable takes a tensor"):
        nn.LookupTable(5, 2).forward([np.array([1]), np.array([2])])


def test_a_list_of_numbers_gets_the_modules_own_message():
    with pytest.raises(TypeError, match=r"nn\.Tanh: expected input\[0\] to be a numpy\.ndarray"):
        nn.Tanh().forward([1.0, 2.0])


# ---------------------------------------------------------------- each leaf checked once
class CountedCAdd(nn.CAddTable):
    """A CAddTable counting its input checks."""

    checks = 0

    def check_input(self, input):
        type(self).checks += 1
        super().check_input(input)


def test_backward_at_the_forwards_table_does_not_check_it_again():
    CountedCAdd.checks = 0
    net = nn.Sequential(nn.Sequential(CountedCAdd()), nn.Tanh())
    x = table_input()
    net.forward(x)
    assert CountedCAdd.checks == 1  # by the module that computes on it, not by the containers
    net.backward(x, np.ones((2, 3)))
    assert CountedCAdd.checks == 1
    other = [x[0].copy(), x[1].copy()]
    net.backward(other, np.ones((2, 3)))  # another table: checked, as forward checks it
    assert CountedCAdd.checks == 2
    with pytest.raises(TypeError, match=r"In module \(0\) of nn\.Sequential: .*input\[1\]"):
        net.backward([x[0], "no"], np.ones((2, 3)))


def test_a_grad_output_leaf_is_compared_once_through_nested_containers(monkeypatch):
    compared = []
    real = _tables.check_like

    def spy(who, value, template, path, template_name, deep=True):
        if isinstance(template, np.ndarray):
            compared.append(id(value))
        return real(who, value, template, path, template_name, deep)

    for namespace in (_tables, module_file, container_file):
        monkeypatch.setattr(namespace, "check_like", spy)
    inner = nn.ConcatTable(nn.Identity(), nn.Tanh())
    net = nn.Sequential(nn.Sequential(inner), nn.ParallelTable(nn.Identity(), nn.Identity()))
    x = np.ones((2, 3))
    net.forward(x)
    grads = [np.ones((2, 3)), np.zeros((2, 3))]
    net.backward(x, grads)
    # No container compares a leaf: each leaf module does, on its hot path (attribute tests).
    assert compared == []
    with pytest.raises(ValueError, match=r"\(1\) of nn\.ParallelTable: nn\.Identity: .*\(2, 3\)"):
        net.backward(x, [np.ones((2, 3)), np.zeros((2, 4))])
    with pytest.raises(TypeError, match=r"nn\.Identity: expected grad_output to be a numpy"):
        net.backward(x, (np.ones((2, 3)), [np.zeros((2, 3))]))  # a table where a tensor goes


def test_a_table_modules_errors_are_as_before():
    add = nn.CAddTable()
    cases = [
        (np.ones(2), TypeError, r"^nn\.CAddTable: expected a table \(a list\) of tensors"),
        ([np.ones(2), [np.ones(2)]], TypeError, r"input\[1\] to be a tensor.*FlattenTable"),
        ([np.ones(2), np.ones(2, np.float32)], TypeError, r"input\[1\] has dtype float32 but"),
        ([np.ones(2), np.ones(2, np.int64)], TypeError, r"input\[1\] of a floating dtype"),
        ([np.ones(2), np.ones(3)], ValueError, r"input\[1\] of input\[0\]'s shape \(2,\)"),
        ([], ValueError, r"a table of at least 1 tensors, got 0"),
    ]
    for bad, error, message in cases:
        with pytest.raises(error, match=message):
            add.forward(bad)
    with pytest.raises(ValueError, match=r"^nn\.MM: expected a table of 2 tensors, got 3"):
        nn.MM().forward([np.ones((2, 2))] * 3)
    bilinear = nn.Bilinear(2, 2, 1).float()
    with pytest.raises(TypeError, match=r"input\[0\] has dtype float64 but the module's .*float()"):
        bilinear.forward([np.ones((1, 2)), np.ones((1, 2))])
