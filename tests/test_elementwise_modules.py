"""Element-wise modules (transfer functions, constants, CMul/CAdd/Mul/Add, Abs, Sqrt, ...):
against real Lua Torch 7 and PyTorch, their in-place modes, float32, initialisation, errors.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import minitorch_l2
from minitorch_l2 import nn

from . import lua_reference as ref
from .allocations import warm_peak
from .strategies import arrays, small_shapes

# Each Lua case, its Lua constructor (from the manifest) translated: none of these take a dim.
LUA_CASES = {
    "Abs": nn.Abs,  # nn.Abs()
    "AddConstant": lambda: nn.AddConstant(-1.5),  # nn.AddConstant(-1.5)
    "Add_batch": lambda: nn.Add(4),  # nn.Add(4)
    "Add_nobatch": lambda: nn.Add(4),  # nn.Add(4)
    "Add_scalar": lambda: nn.Add(4, True),  # nn.Add(4, true)
    "CAdd_1d_batch": lambda: nn.CAdd(4),  # nn.CAdd(4)
    "CAdd_2d_nobatch": lambda: nn.CAdd(3, 4),  # nn.CAdd(3, 4)
    "CMul_1d_batch": lambda: nn.CMul(4),  # nn.CMul(4)
    "CMul_2d_batch": lambda: nn.CMul(3, 4),  # nn.CMul(3, 4)
    "CMul_nobatch": lambda: nn.CMul(3, 4),  # nn.CMul(3, 4)
    "Clamp": lambda: nn.Clamp(-0.5, 0.5),  # nn.Clamp(-0.5, 0.5)
    "ELU": nn.ELU,  # nn.ELU()
    "Exp": nn.Exp,  # nn.Exp()
    "HardShrink": lambda: nn.HardShrink(0.5),  # nn.HardShrink(0.5)
    "HardTanh": nn.HardTanh,  # nn.HardTanh()
    "LeakyReLU": lambda: nn.LeakyReLU(0.1),  # nn.LeakyReLU(0.1)
    "Log": nn.Log,  # nn.Log()
    "LogSigmoid": nn.LogSigmoid,  # nn.LogSigmoid()
    "Mul": nn.Mul,  # nn.Mul()
    "MulConstant": lambda: nn.MulConstant(2.5),  # nn.MulConstant(2.5)
    "PReLU_channels_1d": lambda: nn.PReLU(3),  # nn.PReLU(3), slopes set by the case
    "PReLU_channels_2d": lambda: nn.PReLU(3),  # nn.PReLU(3)
    "PReLU_channels_batch": lambda: nn.PReLU(3),  # nn.PReLU(3)
    "PReLU_shared": nn.PReLU,  # nn.PReLU()
    "Power3": lambda: nn.Power(3),  # nn.Power(3)
    "SoftMin_batch": nn.SoftMin,  # nn.SoftMin()
    "SoftMin_nobatch": nn.SoftMin,  # nn.SoftMin()
    "SoftPlus": nn.SoftPlus,  # nn.SoftPlus()
    "SoftShrink": lambda: nn.SoftShrink(0.5),  # nn.SoftShrink(0.5)
    "SoftSign": nn.SoftSign,  # nn.SoftSign()
    "Sqrt": nn.Sqrt,  # nn.Sqrt()
    "Square": nn.Square,  # nn.Square()
    "TanhShrink": nn.TanhShrink,  # nn.TanhShrink()
    "Threshold": lambda: nn.Threshold(0.1, -2),  # nn.Threshold(0.1, -2)
}
ELEMENTWISE_CLASSES = {
    "MulConstant", "AddConstant", "Threshold", "LeakyReLU", "PReLU", "ELU", "HardTanh",
    "SoftPlus", "SoftSign", "LogSigmoid", "Abs", "Square", "Sqrt", "Power", "Exp", "Log",
    "Clamp", "CMul", "CAdd", "Mul", "Add", "SoftMin", "TanhShrink", "HardShrink", "SoftShrink",
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(LUA_CASES))
def test_module_matches_lua(name):
    entry = ref.case("modules", name)
    module = LUA_CASES[name]()
    ref.run_module_case(module, name)
    assert entry["class"] == f"nn.{type(module).__name__}"
    assert repr(module) == entry["lua_tostring"]


def test_every_lua_case_of_these_classes_is_compared():
    ref.require()
    lua = {
        name
        for name, entry in ref.cases("modules").items()
        if entry["class"][3:] in ELEMENTWISE_CLASSES
    }
    assert lua == set(LUA_CASES)


def test_prelu_cases_set_slopes_that_are_not_the_default():
    # The PReLU cases draw their slopes in Lua (m.weight:uniform(0.1, 0.5)): they are loaded.
    flat = ref.arrays("modules", "PReLU_channels_batch")
    assert not np.allclose(flat["param/weight"], 0.25)
    assert ref.case("modules", "PReLU_shared")["note"] == "one shared slope, default init 0.25"


# ---------------------------------------------------------------- in place
IN_PLACE = {
    "MulConstant": lambda inplace: nn.MulConstant(2.5, inplace),
    "AddConstant": lambda inplace: nn.AddConstant(-1.5, inplace),
    "Threshold": lambda inplace: nn.Threshold(0.1, -2.0, inplace),
    "LeakyReLU": lambda inplace: nn.LeakyReLU(0.1, inplace),
    "ELU": lambda inplace: nn.ELU(0.5, inplace),
    "HardTanh": lambda inplace: nn.HardTanh(-0.5, 0.5, inplace),
}


@pytest.mark.parametrize("name", sorted(IN_PLACE))
def test_in_place_writes_into_the_input_and_grad_output_and_agrees(name):
    rng = np.random.default_rng(0)
    x = rng.uniform(-2, 2, (4, 5))
    g = rng.standard_normal((4, 5))
    plain = IN_PLACE[name](False)
    y = plain.forward(x).copy()
    gx = plain.backward(x, g).copy()
    layer = IN_PLACE[name](True)
    x_in, g_in = x.copy(), g.copy()
    out = layer.forward(x_in)
    assert out is x_in and np.array_equal(out, y)
    grad = layer.backward(x_in, g_in)
    assert grad is g_in and np.array_equal(grad, gx)
    if name in ("MulConstant", "AddConstant"):  # backward restores the input, as Lua's
        np.testing.assert_allclose(x_in, x, rtol=1e-15, atol=1e-15)


@pytest.mark.parametrize("name", sorted(IN_PLACE))
def test_in_place_stays_in_place_call_after_call_in_a_sequential(name):
    # The second backward receives the Linear's grad_input buffer, which is this layer's own
    # grad_input from the first call: it is still written in place, not copied.
    minitorch_l2.manual_seed(0)
    net = nn.Sequential(nn.Linear(3, 4), IN_PLACE[name](True), nn.Linear(4, 2))
    reference = nn.Sequential(nn.Linear(3, 4), IN_PLACE[name](False), nn.Linear(4, 2))
    for a, b in zip(reference.parameters()[0], net.parameters()[0]):
        a[...] = b
    x = np.random.default_rng(1).standard_normal((5, 3))
    for _ in range(3):
        g = np.ones((5, 2))
        assert np.array_equal(net.forward(x), reference.forward(x))
        np.testing.assert_array_equal(net.backward(x, g), reference.backward(x, g))
        assert net[1].output is net[0].output
        assert net[1].grad_input is net[2].grad_input


def test_in_place_refuses_read_only_arrays():
    x = np.broadcast_to(np.ones(3), (2, 3))
    for name, make in IN_PLACE.items():
        with pytest.raises(ValueError, match=rf"nn\.{name}: inplace=True writes into the input"):
            make(True).forward(x)


def test_in_place_settings_as_lua():
    with pytest.raises(ValueError, match=r"nn\.Threshold: in-place processing requires value"):
        nn.Threshold(0.0, 1.0, True)
    assert nn.Threshold(0.0, 1.0).inplace is False  # fine out of place
    assert nn.LeakyReLU(-0.1, True).inplace is False  # a negative slope: Lua turns it off
    with pytest.raises(ValueError, match=r"nn\.MulConstant: inplace=True cannot restore"):
        nn.MulConstant(0.0, True)


# ---------------------------------------------------------------- PyTorch
# SoftPlus(2, 10)'s backward tests βy > 10 (Lua's), PyTorch βx > 10: they differ just below x = 5.
KINKS = [0.0, 0.1, 0.3, -0.3, 0.5, -0.5, 1.5, 5.0]


def torch_cases(torch):
    f = torch.nn.functional
    return [
        (lambda: nn.Threshold(0.1, -2.0), lambda t: f.threshold(t, 0.1, -2.0)),
        (lambda: nn.LeakyReLU(0.1), lambda t: f.leaky_relu(t, 0.1)),
        (lambda: nn.ELU(0.7), lambda t: f.elu(t, 0.7)),
        (lambda: nn.HardTanh(-0.5, 1.5), lambda t: f.hardtanh(t, -0.5, 1.5)),
        (lambda: nn.SoftPlus(2.0, 10.0), lambda t: f.softplus(t, 2.0, 10.0)),
        (nn.SoftSign, f.softsign),
        (nn.LogSigmoid, f.logsigmoid),
        (nn.SoftMin, lambda t: f.softmin(t, dim=-1)),
        (nn.TanhShrink, f.tanhshrink),
        (lambda: nn.HardShrink(0.3), lambda t: f.hardshrink(t, 0.3)),
        (lambda: nn.SoftShrink(0.3), lambda t: f.softshrink(t, 0.3)),
        (nn.Abs, torch.abs),
        (nn.Square, lambda t: t * t),
        (nn.Exp, torch.exp),
        (lambda: nn.Power(3), lambda t: t**3),
        (lambda: nn.Clamp(-0.5, 0.5), lambda t: torch.clamp(t, -0.5, 0.5)),
        (lambda: nn.MulConstant(-3.0), lambda t: -3.0 * t),
        (lambda: nn.AddConstant(0.25), lambda t: t + 0.25),
    ]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(x=arrays(st.tuples(st.integers(1, 4), st.integers(1, 5)), bound=5.0), seed=st.integers(0, 9))
def test_against_pytorch(x, seed, torch):
    assume(np.all(np.abs(x[..., None] - KINKS) > 1e-4))  # Torch and PyTorch differ at kinks
    g = np.random.default_rng(seed).standard_normal(x.shape)
    for make, function in torch_cases(torch):
        layer = make()
        t = torch.tensor(x, requires_grad=True)
        out = function(t)
        out.backward(torch.tensor(g))
        np.testing.assert_allclose(layer.forward(x), out.detach().numpy(), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(layer.backward(x, g), t.grad.numpy(), rtol=1e-12, atol=1e-14)


def test_positive_maps_against_pytorch(torch):
    x = np.random.default_rng(2).uniform(0.1, 3.0, (4, 5))
    g = np.random.default_rng(3).standard_normal((4, 5))
    for layer, function in (
        (nn.Sqrt(), torch.sqrt),
        (nn.Log(), torch.log),
        (nn.Power(0.5), torch.sqrt),
    ):
        t = torch.tensor(x, requires_grad=True)
        function(t).backward(torch.tensor(g))
        np.testing.assert_allclose(layer.forward(x), function(t).detach().numpy(), rtol=1e-14)
        np.testing.assert_allclose(layer.backward(x, g), t.grad.numpy(), rtol=1e-13)


@pytest.mark.parametrize("shape", [(5, 3), (2, 3, 4, 4)])
def test_prelu_against_pytorch(shape, torch):
    rng = np.random.default_rng(4)
    x, slopes = rng.standard_normal(shape), rng.uniform(0.1, 0.5, 3)
    g = rng.standard_normal(shape)
    layer = nn.PReLU(3)
    layer.weight[...] = slopes
    t, w = torch.tensor(x, requires_grad=True), torch.tensor(slopes, requires_grad=True)
    torch.nn.functional.prelu(t, w).backward(torch.tensor(g))
    np.testing.assert_allclose(layer.forward(x), torch.nn.functional.prelu(t, w).detach(), 1e-14)
    layer.zero_grad_parameters()
    np.testing.assert_allclose(layer.backward(x, g), t.grad.numpy(), rtol=1e-14)
    np.testing.assert_allclose(layer.grad_weight, w.grad.numpy(), rtol=1e-12)


def test_cmul_and_cadd_against_pytorch_broadcasting(torch):
    rng = np.random.default_rng(5)
    x, g = rng.standard_normal((6, 3, 4)), rng.standard_normal((6, 3, 4))
    for layer, name in ((nn.CMul(1, 3, 1), "weight"), (nn.CAdd(1, 3, 1), "bias")):
        p = torch.tensor(getattr(layer, name), requires_grad=True)
        t = torch.tensor(x, requires_grad=True)
        out = t * p if name == "weight" else t + p
        out.backward(torch.tensor(g))
        np.testing.assert_allclose(layer.forward(x), out.detach().numpy(), rtol=1e-14)
        layer.zero_grad_parameters()
        np.testing.assert_allclose(layer.backward(x, g, 0.5), t.grad.numpy(), rtol=1e-14)
        grad = layer.grad_weight if name == "weight" else layer.grad_bias
        np.testing.assert_allclose(grad, 0.5 * p.grad.numpy(), rtol=1e-12)


# ---------------------------------------------------------------- Lua's choices at kinks
def test_gradients_at_the_kinks_are_luas():
    zero = np.zeros(3)
    ones = np.ones(3)
    layer = nn.Abs()
    layer.forward(zero)
    assert layer.backward(zero, ones).tolist() == [1, 1, 1]  # sign(0) = +1 in Torch
    layer = nn.Sqrt()
    layer.forward(zero)
    assert layer.backward(zero, ones).tolist() == [0, 0, 0]  # Torch's 0, not inf
    bounds = np.array([-1.0, 1.0, 0.5])
    layer = nn.HardTanh()
    layer.forward(bounds)
    assert layer.backward(bounds, ones).tolist() == [0, 0, 1]  # 0 at the bounds
    at = np.array([0.1, 0.2])
    layer = nn.Threshold(0.1, 5.0)
    assert layer.forward(at).tolist() == [5.0, 0.2]  # x = th is below: strict x > th
    assert nn.Sqrt(eps=0.5).forward(np.array([4.0])).tolist() == [2.0]  # Lua ignores eps


# ---------------------------------------------------------------- properties
@settings(max_examples=60, deadline=None)
@given(x=arrays(small_shapes(1, 3), bound=20.0))
def test_softplus_and_logsigmoid_identities(x):
    # Within the threshold: beyond βx = 20 Lua's SoftPlus returns x itself (tested below).
    softplus = nn.SoftPlus().forward(x).copy()
    mirrored = nn.SoftPlus().forward(-x).copy()
    np.testing.assert_allclose(softplus - mirrored, x, atol=1e-12)  # log(1+eˣ) − log(1+e⁻ˣ)
    assert np.all(softplus >= np.maximum(x, 0))
    # Lua's log(1 + e⁻ˣ) (not log1p) loses digits for large x: an absolute bound there.
    np.testing.assert_allclose(nn.LogSigmoid().forward(x), -mirrored, rtol=1e-12, atol=1e-15)


def test_softplus_is_the_identity_beyond_its_threshold():
    x = np.array([10.0, 10.5, 30.0])
    assert nn.SoftPlus(2.0).forward(x).tolist() == [np.log1p(np.exp(20.0)) / 2, 10.5, 30.0]
    assert nn.SoftPlus(2.0, 100.0).forward(x)[1] == np.log1p(np.exp(21.0)) / 2


@settings(max_examples=40, deadline=None)
@given(x=st.floats(-1e300, 1e300))
def test_logsigmoid_is_finite_for_every_finite_input(x):
    layer = nn.LogSigmoid()
    y = layer.forward(np.array([x]))
    g = layer.backward(np.array([x]), np.ones(1))
    assert np.isfinite(y).all() and 0 <= g[0] <= 1
    if x < -40:
        assert y[0] == x  # log σ(x) = x − log(1 + eˣ) rounds to x


@settings(max_examples=60, deadline=None)
@given(x=arrays(st.tuples(st.integers(1, 4), st.integers(1, 5))))
def test_softmin_is_softmax_of_minus_x(x):
    assert np.array_equal(nn.SoftMin().forward(x), nn.SoftMax().forward(-x))


@settings(max_examples=60, deadline=None)
@given(x=arrays(small_shapes(1, 3)), lam=st.floats(0, 3))
def test_shrinks_and_clamp_are_what_they_say(x, lam):
    hard = nn.HardShrink(lam).forward(x)
    soft = nn.SoftShrink(lam).forward(x)
    kept = np.abs(x) > lam
    assert np.array_equal(hard, np.where(kept, x, 0))
    np.testing.assert_allclose(soft, np.where(kept, x - np.sign(x) * lam, 0), atol=1e-12)
    assert np.array_equal(nn.Clamp(-lam - 1, lam).forward(x), np.clip(x, -lam - 1, lam))
    np.testing.assert_allclose(nn.TanhShrink().forward(x), x - np.tanh(x), atol=1e-15)


# ---------------------------------------------------------------- float32
FLOAT32 = [
    (lambda: nn.MulConstant(2.5), (5, 3, 4)),
    (lambda: nn.AddConstant(np.array([1.0, -2.0, 0.5, 3.0])), (5, 4)),
    (lambda: nn.Threshold(0.1, -2.0), (5, 3, 4)),
    (lambda: nn.LeakyReLU(0.1), (5, 3, 4)),
    (lambda: nn.PReLU(3), (5, 3, 4)),
    (nn.ELU, (5, 3, 4)),
    (nn.HardTanh, (5, 3, 4)),
    (nn.SoftPlus, (5, 3, 4)),
    (nn.SoftSign, (5, 3, 4)),
    (nn.LogSigmoid, (5, 3, 4)),
    (nn.Abs, (5, 3, 4)),
    (nn.Square, (5, 3, 4)),
    (nn.Sqrt, (5, 3, 4)),
    (lambda: nn.Power(3), (5, 3, 4)),
    (nn.Exp, (5, 3, 4)),
    (nn.Log, (5, 3, 4)),
    (lambda: nn.Clamp(-0.5, 0.5), (5, 3, 4)),
    (lambda: nn.CMul(3, 4), (5, 3, 4)),
    (lambda: nn.CAdd(4), (5, 4)),
    (nn.Mul, (5, 3, 4)),
    (lambda: nn.Add(4), (5, 4)),
    (nn.SoftMin, (5, 4)),
    (nn.TanhShrink, (5, 3, 4)),
    (nn.HardShrink, (5, 3, 4)),
    (nn.SoftShrink, (5, 3, 4)),
]


@pytest.mark.parametrize(
    "make, shape", FLOAT32, ids=lambda case: repr(case) if isinstance(case, tuple) else repr(case())
)
def test_float32_computes_in_float32(make, shape):
    rng = np.random.default_rng(0)
    x = rng.uniform(0.1, 2.0, shape) * rng.choice([-1, 1], shape)
    if isinstance(make(), nn.Sqrt | nn.Log):
        x = np.abs(x)
    g = rng.standard_normal(x.shape)
    minitorch_l2.manual_seed(0)
    reference = make()
    y64, gx64 = reference.forward(x).copy(), reference.backward(x, g).copy()
    params64 = [p.copy() for p in reference.parameters()[1]]
    minitorch_l2.manual_seed(0)
    layer = make().float()
    x32, g32 = x.astype(np.float32), g.astype(np.float32)
    y32, gx32 = layer.forward(x32), layer.backward(x32, g32)
    assert y32.dtype == gx32.dtype == np.float32
    np.testing.assert_allclose(y32, y64, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(gx32, gx64, rtol=1e-5, atol=1e-5)
    for ours, wide in zip(layer.parameters()[1], params64):
        assert ours.dtype == np.float32
        np.testing.assert_allclose(ours, wide, rtol=1e-4, atol=1e-4)


def test_a_float64_layer_refuses_float32_input_with_the_fix():
    with pytest.raises(TypeError, match=r"nn\.CMul: input has dtype float32 .* \.float\(\)"):
        nn.CMul(4).forward(np.ones((2, 4), np.float32))


# ---------------------------------------------------------------- initialisation
@pytest.mark.parametrize(
    "make, name, bound",
    [
        (lambda: nn.CMul(40, 50), "weight", 1 / math.sqrt(2000)),
        (lambda: nn.CAdd(2000), "bias", 1 / math.sqrt(2000)),
        (lambda: nn.Add(2000), "bias", 1 / math.sqrt(2000)),
        (lambda: nn.Add(2000, True), "bias", 1.0),
        (nn.Mul, "weight", 1.0),
    ],
)
def test_reset_draws_luas_uniform_from_the_package_generator(make, name, bound):
    minitorch_l2.manual_seed(7)
    first = getattr(make(), name).copy()
    minitorch_l2.manual_seed(7)
    assert np.array_equal(getattr(make(), name), first)  # manual_seed makes it repeatable
    assert np.all(np.abs(first) <= bound)
    if first.size > 1:
        assert np.abs(first).max() > 0.95 * bound
        assert abs(first.std() - bound / math.sqrt(3)) < 0.1 * bound
    layer = make()
    layer.reset(0.01)  # Lua's stdv: U(−stdv·√3, stdv·√3)
    assert np.all(np.abs(getattr(layer, name)) <= 0.01 * math.sqrt(3))
    with pytest.raises(ValueError, match="reset's stdv must be a finite number"):
        layer.reset(-1.0)


def test_prelu_starts_at_a_quarter():
    assert nn.PReLU().weight.tolist() == [0.25]
    assert nn.PReLU(3).weight.tolist() == [0.25] * 3


# ---------------------------------------------------------------- bad settings and input
@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: nn.Threshold("a"), TypeError, r"nn\.Threshold: threshold must be a real number"),
        (lambda: nn.HardTanh(1, -1), ValueError, r"nn\.HardTanh: max_val must be larger"),
        (lambda: nn.Clamp(1, 1), ValueError, r"nn\.Clamp: max_val must be larger"),
        (lambda: nn.SoftPlus(0), ValueError, r"nn\.SoftPlus: beta must be a finite number"),
        (lambda: nn.HardShrink(-1), ValueError, r"nn\.HardShrink: lam must be a finite number"),
        (lambda: nn.ELU(inplace=1), TypeError, r"nn\.ELU: inplace must be True or False"),
        (lambda: nn.LeakyReLU(True), TypeError, r"nn\.LeakyReLU: negval must be a real number"),
        (lambda: nn.Power(None), TypeError, r"nn\.Power: pow must be a real number"),
        (lambda: nn.MulConstant(math.nan), ValueError, r"nn\.MulConstant: constant_scalar must"),
        (lambda: nn.AddConstant(np.ones((2, 2))), ValueError, r"nn\.AddConstant: a constant"),
        (lambda: nn.CMul(0), ValueError, r"nn\.CMul: size\[0\] must be in"),
        (lambda: nn.CAdd(), ValueError, r"nn\.CAdd: expected at least one size"),
        (lambda: nn.Add(0), ValueError, r"nn\.Add: input_size must be in"),
        (lambda: nn.Add(3, scalar=1), TypeError, r"nn\.Add: scalar must be True or False"),
        (lambda: nn.PReLU(-1), ValueError, r"nn\.PReLU: n_output_plane must be in"),
    ],
)
def test_bad_settings_are_refused_naming_the_module(make, error, message):
    with pytest.raises(error, match=message):
        make()


@pytest.mark.parametrize(
    "layer, shape, message",
    [
        (nn.PReLU(3), (2, 4), r"nn\.PReLU: wrong number of input planes: expected 3 along dim 1"),
        (nn.PReLU(3), (3, 5, 5), r"nn\.PReLU: wrong number of input planes"),  # as Lua
        (nn.PReLU(3), (4,), r"nn\.PReLU: wrong number of input planes: expected 3 along dim 0"),
        (nn.CMul(3, 4), (2, 5), r"nn\.CMul: the weight of shape \(3, 4\) does not fit"),
        (nn.CMul(1, 4), (3, 5), r"nn\.CMul: the weight of shape \(1, 4\) does not fit"),
        (nn.CAdd(4), (3, 5), r"nn\.CAdd: the bias of shape \(4,\) does not fit"),
        (nn.Add(4), (3, 5), r"nn\.Add: expected an input of shape \(4,\) or a batch"),
        (nn.AddConstant(np.ones(3)), (2, 4), r"nn\.AddConstant: a constant of shape \(3,\)"),
        (
            nn.SoftMin(),
            (2, 3, 4, 5, 6),
            r"nn\.SoftMin: expected input of shape \(C,\), \(n, C\), \(C, H, W\) or \(N, C, H, W\)",
        ),
    ],
)
def test_bad_input_names_the_module(layer, shape, message):
    with pytest.raises(ValueError, match=message):
        layer.forward(np.ones(shape))


@pytest.mark.parametrize(
    "make, shape", FLOAT32, ids=lambda case: repr(case) if isinstance(case, tuple) else repr(case())
)
def test_unsupported_dtypes_name_the_module(make, shape):
    layer = make()
    for bad in (np.ones(shape, np.float16), np.ones(shape, np.int64)):
        with pytest.raises(TypeError, match=rf"^{repr(layer).split(' ')[0].split('(')[0]}"):
            layer.forward(bad)


def test_backward_checks_grad_output_naming_the_module():
    layer = nn.SoftSign()
    layer.forward(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"nn\.SoftSign: expected grad_output of the output"):
        layer.backward(np.ones((2, 3)), np.ones((3, 2)))


# ---------------------------------------------------------------- buffers
@pytest.mark.parametrize(
    "make, shape", FLOAT32, ids=lambda case: repr(case) if isinstance(case, tuple) else repr(case())
)
def test_a_warm_forward_and_backward_allocate_no_array_of_the_input_size(make, shape):
    # (256, 512): 1 MiB per array; NumPy's own 64 KiB iteration buffer is all that may appear.
    layer = make()
    sizes = {2: (256, 512), 3: (256, 3, 512)}
    if isinstance(layer, nn.CMul | nn.PReLU):
        layer = type(layer)(3, 512) if isinstance(layer, nn.CMul) else nn.PReLU(3)
    if isinstance(layer, nn.AddConstant):
        layer = nn.AddConstant(np.ones(512))
    if isinstance(layer, nn.CAdd | nn.Add):
        layer = type(layer)(512)
    x = np.random.default_rng(0).uniform(0.1, 2.0, sizes[len(shape)])
    peak = warm_peak(layer, x, np.ones_like(x))
    assert peak < 100 * 1024, f"{layer!r}: a warm call allocated {peak} bytes"
