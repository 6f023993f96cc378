"""The Torch 7 Module contract: dispatch, accumulation, flat parameters, dtypes, Lua names."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import minitorch_l2
from minitorch_l2 import nn


def small_net() -> nn.Sequential:
    return nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 2))


class Square(nn.Module):
    """y = x², written in Python spelling; dy/dx = 2x."""

    def update_output(self, input):
        self.output = input * input
        return self.output

    def update_grad_input(self, input, grad_output):
        self.grad_input = 2 * input * grad_output
        return self.grad_input


class LuaScale(nn.Module):
    """A parametrised layer ported line by line from Lua: y = w ⊙ x, camelCase only."""

    def __init__(self, size):
        super().__init__()
        self.weight = np.full(size, 3.0)
        self.gradWeight = np.zeros(size)

    def updateOutput(self, input):
        self.output = input * self.weight
        return self.output

    def updateGradInput(self, input, gradOutput):
        self.gradInput = gradOutput * self.weight
        return self.gradInput

    def accGradParameters(self, input, gradOutput, scale=1.0):
        self.gradWeight += scale * (gradOutput * input).sum(0)


def test_forward_and_call_dispatch_to_update_output():
    x = np.arange(6.0).reshape(2, 3)
    m = Square()
    assert np.array_equal(m.forward(x), x**2)
    assert np.array_equal(m(x), x**2)
    assert m.output is not None and np.array_equal(m.output, x**2)


def test_call_reaches_a_subclass_forward_override():
    class Logged(Square):
        def forward(self, input):
            self.calls = getattr(self, "calls", 0) + 1
            return super().forward(input)

    m = Logged()
    x = np.arange(3.0)
    assert np.array_equal(m(x), x**2)
    assert m.calls == 1


def test_backward_returns_grad_input():
    x = np.arange(6.0).reshape(2, 3)
    m = Square()
    m.forward(x)
    g = np.ones_like(x)
    assert np.array_equal(m.backward(x, g), 2 * x)
    assert m.grad_input is m.gradInput


def test_fresh_module_state():
    m = nn.Tanh()
    assert m.output is None and m.grad_input is None and m.train is True


def test_camelcase_subclass_works_through_forward_and_backward():
    m = LuaScale(3)
    x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert np.array_equal(m.forward(x), 3 * x)
    g = np.ones_like(x)
    assert np.array_equal(m.backward(x, g, scale=0.5), 3 * g)
    assert np.array_equal(m.grad_weight, 0.5 * x.sum(0))
    assert m.parameters()[0][0] is m.weight
    # snake_case names reach the camelCase code and vice versa
    assert np.array_equal(m.update_output(x), 3 * x)
    assert np.array_equal(Square().updateOutput(x), x**2)


def test_gradients_accumulate_with_scale_until_zeroed():
    lin = nn.Linear(3, 2)
    x = np.random.default_rng(0).normal(size=(4, 3))
    g = np.random.default_rng(1).normal(size=(4, 2))
    lin.forward(x)
    lin.backward(x, g)
    once = lin.grad_weight.copy()
    lin.backward(x, g, scale=2.0)
    np.testing.assert_allclose(lin.grad_weight, 3 * once)
    np.testing.assert_allclose(lin.grad_bias, 3 * g.sum(0))
    assert lin.zero_grad_parameters() is lin
    assert not lin.grad_weight.any() and not lin.grad_bias.any()


def test_update_parameters_is_a_gradient_step():
    lin = nn.Linear(3, 2)
    w, b = lin.weight.copy(), lin.bias.copy()
    lin.grad_weight[...] = 1.0
    lin.grad_bias[...] = 2.0
    assert lin.update_parameters(0.1) is lin
    np.testing.assert_allclose(lin.weight, w - 0.1)
    np.testing.assert_allclose(lin.bias, b - 0.2)


def test_parameters_are_the_actual_arrays_and_containers_concatenate():
    net = small_net()
    params, grads = net.parameters()
    assert all(
        p is q for p, q in zip(params, [net[0].weight, net[0].bias, net[2].weight, net[2].bias])
    )
    assert all(
        g is q
        for g, q in zip(
            grads, [net[0].grad_weight, net[0].grad_bias, net[2].grad_weight, net[2].grad_bias]
        )
    )
    names = [name for name, _, _ in net.named_parameters()]
    assert names == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_get_parameters_makes_every_array_a_view_of_two_flat_vectors():
    net = small_net()
    before = [p.copy() for p in net.parameters()[0]]
    flat, flat_grad = net.get_parameters()
    assert flat.ndim == 1 and flat.size == 4 * 6 + 6 + 6 * 2 + 2 == flat_grad.size
    params, grads = net.parameters()
    for p, old in zip(params, before):
        assert np.shares_memory(p, flat)
        np.testing.assert_array_equal(p, old)
    for g in grads:
        assert np.shares_memory(g, flat_grad)
    # Writing the flat vector moves the module's weights (the optimiser's contract).
    flat[:] = 0.5
    assert (net[0].weight == 0.5).all() and (net[2].bias == 0.5).all()
    # Backward writes into the flat gradient.
    x = np.ones((3, 4))
    net.forward(x)
    net.backward(x, np.ones((3, 2)))
    assert flat_grad.any()
    net.zero_grad_parameters()
    assert not flat_grad.any()
    again = net.get_parameters()
    assert again[0] is flat and again[1] is flat_grad


def test_get_parameters_rebuilds_after_type_change():
    net = small_net()
    flat, _ = net.get_parameters()
    net.float()
    flat32, grad32 = net.get_parameters()
    assert flat32.dtype == np.float32 and not np.shares_memory(flat, flat32)
    np.testing.assert_allclose(flat32, flat, rtol=1e-6)
    params, grads = net.parameters()
    assert all(p.dtype == np.float32 and np.shares_memory(p, flat32) for p in params)
    assert all(g.dtype == np.float32 and np.shares_memory(g, grad32) for g in grads)


def test_type_to_the_same_dtype_keeps_the_flat_views_and_drops_buffers():
    net = small_net()
    flat, flat_grad = net.get_parameters()
    net.forward(np.ones((2, 4)))
    assert net.double() is net
    assert all(m.output is None for m in net.list_modules())
    assert np.shares_memory(net[0].weight, flat) and np.shares_memory(net[2].grad_bias, flat_grad)
    again = net.get_parameters()
    assert again[0] is flat and again[1] is flat_grad


def test_get_parameters_refuses_mixed_dtypes():
    net = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2).float())
    with pytest.raises(TypeError, match="one dtype"):
        net.get_parameters()


def test_training_and_evaluate_are_recursive():
    net = small_net()
    assert net.evaluate() is net
    assert all(m.train is False for m in net.list_modules())
    assert net.training() is net
    assert all(m.train is True for m in net.list_modules())


def test_list_modules_is_depth_first():
    inner = nn.Sequential(nn.Tanh())
    net = nn.Sequential(nn.Linear(2, 2), inner)
    assert net.list_modules() == [net, net[0], inner, inner[0]]
    assert net.listModules() == net.list_modules()


def test_float_double_and_type_convert_parameters_and_drop_buffers():
    net = small_net()
    x = np.ones((2, 4))
    net.forward(x)
    assert net.float() is net
    for p, g in zip(*net.parameters()):
        assert p.dtype == np.float32 and g.dtype == np.float32
    assert all(m.output is None for m in net.list_modules())
    y32 = net.forward(x.astype(np.float32))
    assert y32.dtype == np.float32
    net.double()
    assert all(p.dtype == np.float64 for p in net.parameters()[0])
    net.type("float32")
    assert net[0].weight.dtype == np.float32
    with pytest.raises(TypeError, match="floating dtype"):
        net.type(np.int32)


def test_input_dtype_mismatch_is_a_type_error_naming_both_and_the_fix():
    lin = nn.Linear(3, 2)
    with pytest.raises(TypeError, match=r"float32.*float64.*\.float\(\)"):
        lin.forward(np.ones((2, 3), dtype=np.float32))
    lin.float()
    with pytest.raises(TypeError, match=r"float64.*float32.*\.double\(\)"):
        lin.forward(np.ones((2, 3)))


@pytest.mark.parametrize("bad", [np.ones((2, 3), dtype=np.int64), [[1.0, 2.0, 3.0]], None])
def test_non_floating_input_is_a_type_error(bad):
    with pytest.raises(TypeError, match="nn.Linear"):
        nn.Linear(3, 2).forward(bad)
    with pytest.raises(TypeError, match="nn.Tanh"):
        nn.Tanh().forward(bad)


def test_backward_checks_grad_output_shape_and_dtype():
    lin = nn.Linear(3, 2)
    x = np.ones((4, 3))
    lin.forward(x)
    with pytest.raises(ValueError, match=r"nn.Linear\(3 -> 2\).*\(4, 2\).*\(4, 3\)"):
        lin.backward(x, np.ones((4, 3)))
    with pytest.raises(TypeError, match="grad_output"):
        lin.backward(x, np.ones((4, 2), dtype=np.float32))


def test_backward_checks_input_dtype_against_the_parameters():
    lin = nn.Linear(3, 2)
    lin.forward(np.ones((4, 3)))
    x32, g32 = np.ones((4, 3), dtype=np.float32), np.ones((4, 2), dtype=np.float32)
    with pytest.raises(TypeError, match=r"nn.Linear\(3 -> 2\).*float32.*float64.*\.float\(\)"):
        lin.backward(x32, g32)


@pytest.mark.parametrize(
    ("forward_shape", "input_shape", "grad_shape"),
    [
        ((4, 3), (4, 5), (4, 2)),
        ((4, 3), (5, 3), (4, 2)),
        ((3,), (4,), (2,)),
        ((4, 3), (3,), (4, 2)),
    ],
)
def test_linear_backward_checks_the_input_shape(forward_shape, input_shape, grad_shape):
    lin = nn.Linear(3, 2)
    lin.forward(np.ones(forward_shape))
    expected = re.escape(f"{grad_shape[:-1] + (3,)}") + ".*" + re.escape(f"{input_shape}")
    with pytest.raises(ValueError, match=r"nn.Linear\(3 -> 2\).*" + expected):
        lin.backward(np.ones(input_shape), np.ones(grad_shape))
    net = nn.Sequential(lin)
    net.forward(np.ones(forward_shape))
    with pytest.raises(
        ValueError, match=r"In module \(0\) of nn.Sequential: nn.Linear\(3 -> 2\).*" + expected
    ):
        net.backward(np.ones(input_shape), np.ones(grad_shape))


@pytest.mark.parametrize(
    ("module", "who"),
    [
        (nn.Tanh(), "nn.Tanh"),
        (nn.Linear(3, 3), r"nn.Linear\(3 -> 3\)"),
        (nn.Sequential(nn.Linear(3, 3), nn.Tanh()), "nn.Sequential"),
    ],
)
def test_backward_before_forward_is_a_value_error_naming_the_module(module, who):
    x = np.ones((4, 3))
    with pytest.raises(ValueError, match=rf"^{who}: backward called before forward"):
        module.backward(x, np.ones((4, 3)))
    module.forward(x)
    module.clear_state()
    with pytest.raises(ValueError, match=rf"^{who}: backward called before forward"):
        module.backward(x, np.ones((4, 3)))
    # The Linear case from the report: a grad_output matching nothing, before any forward.
    with pytest.raises(ValueError, match=r"nn.Linear\(3 -> 2\): backward called before forward"):
        nn.Linear(3, 2).backward(np.ones((4, 3)), np.ones((4, 5)))


def test_gradient_checker_still_runs_backward_after_forward():
    from minitorch_l2.gradcheck import check_module

    x = np.random.default_rng(0).normal(size=(2, 3))
    assert check_module(nn.Linear(3, 2), x).ok
    assert check_module(nn.Linear(3, 2).float(), x.astype(np.float32)).ok


def test_clone_is_deep():
    net = small_net()
    twin = net.clone()
    assert repr(twin) == repr(net)
    for p, q in zip(net.parameters()[0], twin.parameters()[0]):
        assert p is not q and not np.shares_memory(p, q)
        np.testing.assert_array_equal(p, q)
    twin[0].weight += 1
    assert not np.allclose(twin[0].weight, net[0].weight)


def test_clone_after_get_parameters_gets_its_own_flat_vectors():
    net = small_net()
    flat, _ = net.get_parameters()
    twin = net.clone()
    twin_flat, _ = twin.get_parameters()
    assert not np.shares_memory(flat, twin_flat)
    np.testing.assert_array_equal(flat, twin_flat)


def test_clear_state_drops_buffers():
    net = small_net()
    x = np.ones((2, 4))
    net.forward(x)
    net.backward(x, np.ones((2, 2)))
    assert net.clear_state() is net
    for m in net.list_modules():
        assert m.output is None and m.grad_input is None and "_buffers" not in m.__dict__


def test_a_layer_reads_its_buffers_through_one_accessor():
    layer = nn.Dropout(0.5)
    assert layer._existing_buffer("mask") is None  # none yet
    x = np.ones((3, 4))
    layer.forward(x)
    mask = layer._existing_buffer("mask")
    assert mask is not None and layer._buffer("mask", mask.shape, mask.dtype) is mask
    layer.evaluate().forward(x)  # the evaluation forward drops the training mask
    assert layer._existing_buffer("mask") is None
    layer.training().forward(x)
    layer.clear_state()
    assert layer._existing_buffer("mask") is None
    # The buffers' storage is spelled in nn/module.py only: every layer uses the accessors.
    package = Path(minitorch_l2.__file__).parent
    spelled = sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if "_buffers" in path.read_text(encoding="utf-8") and path.name != "module.py"
    )
    assert spelled == [], spelled


def test_buffers_are_reused_when_shape_and_dtype_match():
    lin = nn.Linear(3, 2)
    x = np.ones((4, 3))
    out1 = lin.forward(x)
    gi1 = lin.backward(x, np.ones((4, 2)))
    out2 = lin.forward(2 * x)
    gi2 = lin.backward(x, np.ones((4, 2)))
    assert out1 is out2 and gi1 is gi2
    out3 = lin.forward(np.ones((5, 3)))  # new batch size: a new buffer
    assert out3 is not out1 and out3.shape == (5, 2)


def test_buffers_are_reallocated_when_the_dtype_changes():
    tanh = nn.Tanh()
    x64 = np.full((4, 3), 0.5)
    out64 = tanh.forward(x64)
    gi64 = tanh.backward(x64, np.ones((4, 3)))
    x32 = x64.astype(np.float32)
    out32 = tanh.forward(x32)  # same shape, other dtype: a new buffer, not a silent upcast
    gi32 = tanh.backward(x32, np.ones((4, 3), dtype=np.float32))
    assert out32 is not out64 and out32.dtype == np.float32
    assert gi32 is not gi64 and gi32.dtype == np.float32
    assert tanh.forward(x32) is out32  # and that one is reused in turn


def test_update_output_returning_only_a_value_still_sets_output():
    class Double(nn.Module):
        def update_output(self, input):
            return 2 * input

        def update_grad_input(self, input, grad_output):
            return 2 * grad_output

    m = Double()
    x = np.ones(3)
    assert np.array_equal(m.forward(x), 2 * x) and np.array_equal(m.output, 2 * x)
    assert np.array_equal(m.backward(x, x), 2 * x) and np.array_equal(m.grad_input, 2 * x)


def test_unimplemented_layer_says_so():
    class Empty(nn.Module):
        pass

    with pytest.raises(NotImplementedError, match="nn.Empty"):
        Empty().forward(np.ones(2))


def test_lua_method_spellings_are_aliases():
    lin = nn.Linear(2, 2)
    assert lin.zeroGradParameters() is lin
    assert lin.updateParameters(0.0) is lin
    flat, grads = lin.getParameters()
    assert flat.size == 6
    assert lin.clearState() is lin
    lin.gradWeight = np.ones((2, 2))
    assert lin.grad_weight is lin.gradWeight
    lin.gradBias = np.ones(2)
    assert lin.grad_bias is lin.gradBias


def test_writing_a_lua_attribute_alias_writes_the_python_attribute():
    lin = nn.Linear(2, 2)
    for lua, python, shape in (
        ("gradInput", "grad_input", (3, 2)),
        ("gradWeight", "grad_weight", (2, 2)),
        ("gradBias", "grad_bias", (2,)),
    ):
        written = np.full(shape, 7.0)
        setattr(lin, lua, written)
        assert getattr(lin, python) is written
        assert lua not in vars(lin)  # no shadowing instance attribute
        other = np.zeros(shape)
        setattr(lin, python, other)
        assert getattr(lin, lua) is other


def test_repr_defaults_to_torch_name_and_honours_lua_tostring():
    class Custom(nn.Module):
        def __tostring__(self):
            return "nn.Custom(special)"

    assert repr(nn.Tanh()) == "nn.Tanh"
    assert repr(Custom()) == "nn.Custom(special)"


def test_manual_seed_makes_initialisation_repeatable():
    minitorch_l2.manual_seed(7)
    a = nn.Linear(5, 3).weight.copy()
    minitorch_l2.manual_seed(7)
    b = nn.Linear(5, 3).weight.copy()
    minitorch_l2.manual_seed(8)
    c = nn.Linear(5, 3).weight.copy()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    with pytest.raises(TypeError, match="manual_seed"):
        minitorch_l2.manual_seed(1.5)


UNSUPPORTED_FLOATS = [np.float16] + (
    [np.longdouble] if np.dtype(np.longdouble) != np.dtype(np.float64) else []
)


@pytest.mark.parametrize("dtype", UNSUPPORTED_FLOATS)
def test_floats_other_than_float32_and_float64_are_a_type_error(dtype):
    x = np.ones((2, 3), dtype=dtype)
    name = np.dtype(dtype).name
    for module, who in ((nn.Linear(3, 2), r"nn.Linear\(3 -> 2\)"), (nn.Tanh(), "nn.Tanh")):
        with pytest.raises(TypeError, match=rf"{who}.*{name}.*float32 or float64"):
            module.forward(x)
    lin = nn.Linear(3, 2)
    lin.forward(np.ones((2, 3)))
    with pytest.raises(TypeError, match=rf"{name}.*float32 or float64"):
        lin.backward(x, np.ones((2, 2), dtype=dtype))
    with pytest.raises(TypeError, match=rf"nn.MSECriterion.*{name}.*float32 or float64"):
        nn.MSECriterion().forward(x, x)
    with pytest.raises(TypeError, match=rf"float32 or float64, got {name}"):
        lin.type(dtype)


@pytest.mark.parametrize("make", [lambda: nn.Linear(3, 3), nn.ReLU, nn.Tanh, nn.Sigmoid])
def test_backward_accepts_the_modules_own_grad_input_as_grad_output(make):
    rng = np.random.default_rng(7)
    x, g = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    reference, layer = make(), make()
    if isinstance(layer, nn.Linear):
        layer.weight[...], layer.bias[...] = reference.weight, reference.bias
    reference.forward(x)
    expected = reference.backward(x, g).copy()
    layer.forward(x)
    layer.backward(x, np.ones((4, 3)))
    layer.zero_grad_parameters()
    layer.grad_input[...] = g
    np.testing.assert_allclose(layer.backward(x, layer.grad_input), expected, rtol=1e-15)
    if isinstance(layer, nn.Linear):  # and the parameter gradients saw the true g
        np.testing.assert_allclose(layer.grad_weight, reference.grad_weight, rtol=1e-15)
