"""The Module contract on tables: lists of tensors in and out, checked once at the entry points."""

from __future__ import annotations

import numpy as np
import pytest

from minitorch_l2 import nn
from minitorch_l2.nn._checks import reuse
from minitorch_l2.nn._tables import reuse_list


class PairSum(nn.Module):
    """y = [x0 + x1, x0 * x1] for a table [x0, x1]: a table in, a table out."""

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
