"""nn.L2Normalize: exact over the whole float range, two backward paths, oracles, buffers, errors.

Expectations come from outside the code under test: hand computation (3-4-5 triangles), a
60-digit ``decimal`` evaluation of y = x/‖x‖ and J g = (g − y (y·g))/‖x‖ (stdlib, no float range
limits), central finite differences (the project's checker, ``minitorch_l2.gradcheck``), and
PyTorch's ``F.normalize``. Every test turns warnings into errors: no RuntimeWarning may escape.
"""

from __future__ import annotations

import decimal
import gc
import math
import weakref

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import minitorch_l2
from minitorch_l2 import nn
from minitorch_l2.gradcheck import check_module

from .allocations import warm_peak
from .strategies import (
    FLOAT_DTYPES,
    float_dtypes,
    normal_range_arrays,
    normal_range_batches,
    wide_range_grad_pairs,
    wide_range_pairs,
)

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

PATHS = [True, False]  # jacobian=True (the Torch recipe), jacobian=False (direct O(n·d))
SUBNORMAL64 = 2.0**-1074


# ---------------------------------------------------------------------------- independent oracles
def exact_normalize(
    x: np.ndarray, g: np.ndarray, eps: float = 1e-12
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """y = x/‖x‖, J g = (g − y (y·g))/‖x‖ and ‖g‖₁/‖x‖ per row, in 60-digit decimal arithmetic.

    A zero row has y = 0 and J g = g/eps (its norm is taken to be eps). Decimal has no overflow
    or underflow at these magnitudes, and each result is rounded once, at the end.
    """
    rows, grads = x.reshape(-1, x.shape[-1]), g.reshape(-1, x.shape[-1])
    y = np.empty(rows.shape)
    vjp = np.empty(rows.shape)
    scale = np.empty(len(rows))
    with decimal.localcontext(decimal.Context(prec=60, Emin=-(10**6), Emax=10**6)):
        for r, (row, grad_row) in enumerate(zip(rows, grads)):
            xs = [decimal.Decimal(float(v)) for v in row]
            gs = [decimal.Decimal(float(v)) for v in grad_row]
            sum_sq = sum(v * v for v in xs)
            norm = sum_sq.sqrt() if sum_sq else decimal.Decimal(eps)
            ys = [v / norm for v in xs]
            y_dot_g = sum(a * b for a, b in zip(ys, gs))
            y[r] = [float(v) for v in ys]
            vjp[r] = [float((b - a * y_dot_g) / norm) for a, b in zip(ys, gs)]
            scale[r] = float(sum(abs(b) for b in gs) / norm)
    return y.reshape(x.shape), vjp.reshape(x.shape), scale


def assert_rows_close(actual, expected, row_scale, dtype, factor: float = 4.0) -> None:
    """|actual − expected| ≤ factor·(d + 4)·ε·row_scale + 4·(smallest subnormal), row by row.

    Where that bound is beyond the float range (a gradient row whose scale ‖g‖₁/‖x‖ is), a
    few ulps of it cannot be represented: any value but NaN passes there.
    """
    info = np.finfo(dtype)
    d = actual.shape[-1]
    with np.errstate(over="ignore"):  # an exact value beyond the range rounds to ±inf
        expected = expected.astype(dtype).astype(np.float64)
    actual = actual.astype(np.float64)
    scale = np.broadcast_to(np.reshape(row_scale, actual.shape[:-1] + (-1,)), actual.shape)
    tol = factor * (d + 4) * float(info.eps) * scale + 4 * float(info.smallest_subnormal)
    beyond_range = tol >= float(info.max)
    with np.errstate(invalid="ignore"):
        ok = (actual == expected) | (np.abs(actual - expected) <= tol)
    ok |= beyond_range & ~np.isnan(actual)
    assert ok.all(), f"\nactual   {actual}\nexpected {expected}\ntol      {tol}"


def forward_backward(layer: nn.L2Normalize, x: np.ndarray, g: np.ndarray):
    y = layer.forward(x).copy()
    return y, layer.backward(x, g).copy()


# ---------------------------------------------------------------------------- exact forward
THREE_FOUR = [0.6, 0.8]  # the 3-4-5 triangle: [3c, 4c] / 5c, whatever c is
HALF = [1 / math.sqrt(2), 1 / math.sqrt(2)]


@pytest.mark.parametrize(
    ("row", "dtype", "expected"),
    [
        ([3e30, 4e30, 0.0], np.float32, THREE_FOUR + [0.0]),  # squares overflow float32
        ([3e-300, 4e-300], np.float64, THREE_FOUR),  # squares underflow to 0
        ([3 * SUBNORMAL64, 4 * SUBNORMAL64], np.float64, THREE_FOUR),  # a subnormal row
        ([3 * 2.0**-149, 4 * 2.0**-149], np.float32, THREE_FOUR),  # subnormal float32
        ([1e308, -1e308], np.float64, [HALF[0], -HALF[1]]),  # Σ x² overflows, ‖x‖ does not
        ([3.4e38, 3.4e38], np.float32, HALF),
        ([1e-20, 1e-20], np.float32, HALF),  # Σ x² subnormal: precision lost without rescaling
        ([SUBNORMAL64], np.float64, [1.0]),
        ([2.0**-149, 0.0], np.float32, [1.0, 0.0]),
        ([1.0, 2.0, 2.0], np.float64, [1 / 3, 2 / 3, 2 / 3]),  # the common path
    ],
)
@pytest.mark.parametrize("vector", [True, False], ids=["(d,)", "(1,d)"])
def test_extreme_rows_give_the_unit_vector(row, dtype, expected, vector):
    x = np.array(row, dtype=dtype)
    if not vector:
        x = x[None, :]
    y = nn.L2Normalize().forward(x)
    assert y.shape == x.shape and y.dtype == dtype
    tol = 3 * float(np.finfo(dtype).eps)
    np.testing.assert_allclose(y.reshape(-1), expected, rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_long_row_within_the_stated_rounding_bound(dtype):
    # docs/l2normalize.md, "Accuracy": |ŷᵢ − yᵢ| ≤ ((d + 6)/4)·ε·|yᵢ|, from ‖x‖²'s relative error
    # γ_d ≈ d·ε/2 in any summation order. All-positive entries: nothing cancels the sum's errors.
    d = 100_000
    values = (np.random.default_rng(7).random(d) + 1).astype(np.float32)
    entries = [float(v) for v in values]  # 24-bit mantissas: their squares are exact in float64
    norm = math.sqrt(math.fsum(v * v for v in entries))  # fsum: correctly rounded, error ≤ 2⁻⁵³
    reference = np.array(entries) / norm  # within 3·2⁻⁵³ of x/‖x‖, relatively
    y = nn.L2Normalize().forward(values.astype(dtype)).astype(np.float64)
    bound = (d + 6) / 4 * float(np.finfo(dtype).eps) + 3 * 2.0**-53
    assert np.max(np.abs(y - reference) / reference) <= bound


@pytest.mark.parametrize(
    ("scale", "dtype"),
    [
        (2.0**100, np.float32),  # squares overflow
        (2.0**-100, np.float32),  # squares are subnormal
        (2.0**-140, np.float32),  # a subnormal row
        (2.0**1000, np.float64),
        (2.0**-1000, np.float64),
        (SUBNORMAL64, np.float64),  # [3, 4, 0]·2⁻¹⁰⁷⁴, the smallest there is
        (1.0, np.float64),  # the common path
    ],
)
@pytest.mark.parametrize("jacobian", PATHS)
def test_extreme_rows_give_the_exact_gradient(scale, dtype, jacobian):
    # x = c·[3, 4, 0], g = c·[1, 0, 2]: y = [.6, .8, 0], y·g = .6c, ‖x‖ = 5c, so
    # J g = (g − y (y·g)) / ‖x‖ = [1 − .36, −.48, 2] / 5 = [.128, −.096, .4], independent of c.
    x = np.array([3 * scale, 4 * scale, 0], dtype=dtype)
    g = np.array([scale, 0, 2 * scale], dtype=dtype)
    layer = nn.L2Normalize(jacobian=jacobian)
    layer.forward(x)
    grad = layer.backward(x, g)
    assert grad.shape == (3,) and grad.dtype == dtype
    tol = 8 * float(np.finfo(dtype).eps)
    np.testing.assert_allclose(grad, [0.128, -0.096, 0.4], rtol=tol, atol=tol)


@pytest.mark.parametrize("jacobian", PATHS)
def test_gradient_beyond_the_range_rounds_to_inf_not_nan(jacobian):
    # ‖x‖ = 5·2⁻¹⁰⁷⁴, g = [0, 0, 1] ⊥ x: J g = g/‖x‖ = [0, 0, 2¹⁰⁷⁴/5] → [0, 0, inf], no NaN
    x = np.array([3 * SUBNORMAL64, 4 * SUBNORMAL64, 0.0])
    layer = nn.L2Normalize(jacobian=jacobian)
    layer.forward(x)
    grad = layer.backward(x, np.array([0.0, 0.0, 1.0]))
    np.testing.assert_array_equal(grad, [0.0, 0.0, np.inf])


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_exact_over_the_whole_float_range(dtype, data):
    x, g = data.draw(wide_range_pairs(dtype=dtype))
    x_before, g_before = x.copy(), g.copy()
    y_exact, grad_exact, grad_scale = exact_normalize(x, g)
    for jacobian in PATHS:
        y, grad = forward_backward(nn.L2Normalize(jacobian=jacobian), x, g)
        assert y.shape == grad.shape == x.shape and y.dtype == grad.dtype == dtype
        assert_rows_close(y, y_exact, np.abs(y_exact), dtype, factor=1.0)
        assert_rows_close(grad, grad_exact, grad_scale, dtype)
    np.testing.assert_array_equal(x, x_before)  # the input is never written to
    np.testing.assert_array_equal(g, g_before)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_exact_for_grad_output_of_any_scale(dtype, data):
    # g's exponent is independent of x's: an ordinary x may meet a g near the largest float or
    # among the subnormals. The gradient is exact to a few ulps of its row's scale ‖g‖₁/‖x‖, or
    # ±inf/0 where that lies beyond the range; never NaN, never a warning.
    x, g = data.draw(wide_range_grad_pairs(dtype=dtype))
    y_exact, grad_exact, grad_scale = exact_normalize(x, g)
    for jacobian in PATHS:
        y, grad = forward_backward(nn.L2Normalize(jacobian=jacobian), x, g)
        assert_rows_close(y, y_exact, np.abs(y_exact), dtype, factor=1.0)
        assert_rows_close(grad, grad_exact, grad_scale, dtype)


TWO_TO = math.ldexp  # TWO_TO(m, e) = m · 2ᵉ, exact


@pytest.mark.parametrize(
    ("x", "g", "expected", "dtype"),
    [
        # g ∥ x: J g = 0 exactly. y·g = ‖g‖ = 2.1e308 overflowed float64 (direct path: −inf).
        ([1.0, 1.0], [1.5e308, 1.5e308], [0.0, 0.0], np.float64),
        ([1.0, 1.0], [3e38, 3e38], [0.0, 0.0], np.float32),
        # x = 2ᵏ·[6, 8], g = c·[1, −1]: y·g = −.2c, g − y (y·g) = c·[1.12, −.84], ‖x‖ = 10·2ᵏ.
        # c near max: g − y (y·g) = 1.12c overflowed although J g = [.112, −.084]·c/2ᵏ is finite.
        ([6.0, 8.0], [1.7e308, -1.7e308], [0.112 * 1.7e308, -0.084 * 1.7e308], np.float64),
        ([6.0, 8.0], [3.3e38, -3.3e38], [0.112 * 3.3e38, -0.084 * 3.3e38], np.float32),
        # x = 2⁻²⁵⁶·[3, 4] (‖x‖² in the safe range), g = [3·2⁻¹⁰⁷⁴, 0] subnormal: y·g = 1.8·2⁻¹⁰⁷⁴,
        # g − y (y·g) = [3 − 1.08, −1.44]·2⁻¹⁰⁷⁴, / (5·2⁻²⁵⁶) = [.384, −.288]·2⁻⁸¹⁸. The direct
        # path rounded y·g to a subnormal first and lost 19%.
        (
            [TWO_TO(3, -256), TWO_TO(4, -256)],
            [TWO_TO(3, -1074), 0.0],
            [TWO_TO(0.384, -818), TWO_TO(-0.288, -818)],
            np.float64,
        ),
        (
            [TWO_TO(3, -32), TWO_TO(4, -32)],
            [TWO_TO(3, -149), 0.0],
            [TWO_TO(0.384, -117), TWO_TO(-0.288, -117)],
            np.float32,
        ),
    ],
)
@pytest.mark.parametrize("jacobian", PATHS)
def test_extreme_grad_output_on_an_ordinary_row(x, g, expected, dtype, jacobian):
    x, g = np.array(x, dtype), np.array(g, dtype)
    _, grad = forward_backward(nn.L2Normalize(jacobian=jacobian), x, g)
    # a few ulps of the row's scale max|g|/‖x‖ (Python floats: no overflow on the way)
    row_scale = max(abs(float(v)) for v in g) / math.sqrt(sum(float(v) ** 2 for v in x))
    tol = 8 * float(np.finfo(dtype).eps) * row_scale
    np.testing.assert_allclose(grad.astype(np.float64), expected, rtol=0, atol=tol)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("jacobian", PATHS)
def test_gradient_beyond_the_range_is_never_nan(dtype, jacobian):
    # x = 2⁻ᵏᐟ²·[1, 1] (‖x‖² = 2⁻ᵏ⁺¹, in the safe range), g ∥ x far beyond max·‖x‖: J g = 0,
    # on a scale ‖g‖/‖x‖ beyond the float range. The Jacobian path's products overflowed and
    # gave inf − inf = NaN.
    k = np.finfo(dtype).maxexp // 2
    x = np.full(2, TWO_TO(1, -k // 2), dtype)
    g = np.full(2, float(np.finfo(dtype).max) / 2 ** (k // 4), dtype)
    _, grad = forward_backward(nn.L2Normalize(jacobian=jacobian), x, g)
    assert not np.isnan(grad).any()


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_one_layer_across_batch_sizes_and_dtypes(data):
    # One layer per path sees batches of changing size and dtype: buffers are reused or
    # replaced, and every result still matches the oracle.
    layers = [nn.L2Normalize(jacobian=jacobian) for jacobian in PATHS]
    for dtype in data.draw(st.lists(float_dtypes(), min_size=2, max_size=5)):
        x, g = data.draw(wide_range_pairs(dtype=dtype))
        y_exact, grad_exact, grad_scale = exact_normalize(x, g)
        for layer in layers:
            y, grad = forward_backward(layer, x, g)
            assert_rows_close(y, y_exact, np.abs(y_exact), dtype, factor=1.0)
            assert_rows_close(grad, grad_exact, grad_scale, dtype)


# ---------------------------------------------------------------------------- the two paths
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_jacobian_and_direct_paths_agree(dtype, data):
    source = data.draw(st.sampled_from(["whole range", "g of any scale", "normal range"]))
    if source == "whole range":
        x, g = data.draw(wide_range_pairs(dtype=dtype))
    elif source == "g of any scale":
        x, g = data.draw(wide_range_grad_pairs(dtype=dtype))
    else:
        x = data.draw(normal_range_batches(dtype=dtype))
        g = data.draw(normal_range_arrays(x.shape, dtype))
    _, by_matrix = forward_backward(nn.L2Normalize(jacobian=True), x, g)
    _, direct = forward_backward(nn.L2Normalize(jacobian=False), x, g)
    _, _, grad_scale = exact_normalize(x, g)
    assert_rows_close(by_matrix, direct, grad_scale, dtype)


@pytest.mark.parametrize("jacobian", PATHS)
@settings(max_examples=25, deadline=None)
@given(x=normal_range_batches(max_n=4, max_d=5, zero_rows=False), data=st.data())
def test_gradient_matches_central_differences(jacobian, x, data):
    # The checker compares the whole Jacobian J = (I − y yᵀ)/‖x‖ per row, one backward per one-hot
    # grad_output. Rows have ‖x‖ ≥ 2⁻⁶ (|J| ≤ 64, third derivatives ~ ‖x‖⁻³), so differences of
    # step 1e-6 are good to ~1e-7 of |J| (measured, 4000 draws: at most 1/70 of this tolerance,
    # which is 100x tighter than the stop-gap's atol 1e-6, rtol 1e-5).
    layer = nn.L2Normalize(jacobian=jacobian)
    report = check_module(layer, x, atol=1e-8, rtol=1e-6)
    assert report.ok, str(report)
    # A dense grad_output too (L = Σ w ⊙ y, as before): one-hot ones would miss a wrong y·g.
    # Σⱼ Jᵢⱼ wⱼ sums those errors times |w| ≤ 10, and can cancel to a small value: 10x the
    # Jacobian's tolerance here (measured: at most 1/50 of it), 10x tighter in atol than before.
    weights = data.draw(normal_range_arrays(x.shape))
    layer.forward(x)
    numeric = report["input"].numeric @ weights.reshape(-1)  # Σⱼ ∂yⱼ/∂xᵢ wⱼ
    np.testing.assert_allclose(
        layer.backward(x, weights).reshape(-1), numeric, atol=1e-7, rtol=1e-5
    )


# ---------------------------------------------------------------------------- PyTorch
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_matches_pytorch_on_normal_range_rows(torch, dtype, data):
    x = data.draw(normal_range_batches(dtype=dtype))  # zero rows included: eps meets eps there
    g = data.draw(normal_range_arrays(x.shape, dtype))
    eps = data.draw(st.sampled_from([1e-12, 1e-4]))
    tx = torch.from_numpy(x.copy()).requires_grad_()
    ty = torch.nn.functional.normalize(tx, p=2.0, dim=-1, eps=eps)
    ty.backward(torch.from_numpy(g.copy()))
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    for jacobian in PATHS:
        y, grad = forward_backward(nn.L2Normalize(eps=eps, jacobian=jacobian), x, g)
        np.testing.assert_allclose(y, ty.detach().numpy(), rtol=rtol, atol=rtol)
        scale = np.abs(tx.grad.numpy()).max(initial=1.0)
        np.testing.assert_allclose(grad, tx.grad.numpy(), rtol=rtol, atol=rtol * scale)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("eps", [1e-12, 1e-3])
def test_zero_row_matches_pytorch(torch, dtype, eps):
    x = np.array([[0.0, 0.0, 0.0], [1.0, -2.0, 2.0]], dtype=dtype)
    g = np.array([[1.0, -2.0, 0.5], [1.0, 1.0, 1.0]], dtype=dtype)
    tx = torch.from_numpy(x.copy()).requires_grad_()
    torch.nn.functional.normalize(tx, dim=-1, eps=eps).backward(torch.from_numpy(g.copy()))
    for jacobian in PATHS:
        y, grad = forward_backward(nn.L2Normalize(eps=eps, jacobian=jacobian), x, g)
        np.testing.assert_array_equal(y[0], 0.0)
        np.testing.assert_allclose(grad, tx.grad.numpy(), rtol=1e-6)


@pytest.mark.parametrize(
    ("row", "dtype", "expected"),
    [
        ([3e30, 4e30, 0.0], np.float32, THREE_FOUR + [0.0]),
        ([3e-300, 4e-300], np.float64, THREE_FOUR),
        ([3 * SUBNORMAL64, 4 * SUBNORMAL64], np.float64, THREE_FOUR),
        ([1e308, 1e308], np.float64, HALF),
        ([1e-20, 1e-20], np.float32, HALF),
    ],
)
def test_pytorch_is_not_exact_where_we_are(torch, row, dtype, expected):
    # Documents why the rescaling exists: F.normalize's Σ x² overflows (output 0) or underflows
    # (then its eps clamp returns x/eps, nowhere near unit length).
    x = np.array([row], dtype=dtype)
    theirs = torch.nn.functional.normalize(torch.from_numpy(x), dim=-1).numpy()
    ours = nn.L2Normalize().forward(x)
    np.testing.assert_allclose(ours[0], expected, rtol=1e-6, atol=1e-6)
    assert not np.allclose(theirs[0], expected, rtol=1e-2, atol=1e-2)


# ---------------------------------------------------------------------------- zero, NaN, inf
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("jacobian", PATHS)
@pytest.mark.parametrize("eps", [1e-12, 0.5, math.inf])
def test_zero_row_gives_zero_output_and_gradient_over_eps(dtype, jacobian, eps):
    x = np.array([[3.0, 4.0], [0.0, 0.0], [-0.0, 0.0]], dtype=dtype)
    g = np.array([[1.0, 0.0], [2.0, -3.0], [1.0, 1.0]], dtype=dtype)
    layer = nn.L2Normalize(eps=eps, jacobian=jacobian)
    y, grad = forward_backward(layer, x, g)
    np.testing.assert_array_equal(y[1:], 0.0)
    np.testing.assert_allclose(y[0], THREE_FOUR, rtol=1e-6)
    assert np.isfinite(grad).all()
    # zero row: the norm is taken to be eps, so J = I/eps and J g = g/eps (0 for eps = inf)
    np.testing.assert_allclose(grad[1:], g[1:] / np.asarray(eps, dtype), rtol=1e-6)
    np.testing.assert_allclose(grad[0], [0.64 / 5, -0.48 / 5], rtol=1e-6)  # untouched by eps


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("jacobian", PATHS)
def test_nan_and_inf_stay_in_their_own_rows(dtype, jacobian):
    x = np.array([[1.0, np.nan], [3.0, 4.0], [np.inf, 1.0], [0.0, 0.0], [-np.inf, 1e30]], dtype)
    g = np.ones_like(x)
    y, grad = forward_backward(nn.L2Normalize(jacobian=jacobian), x, g)
    for bad in (0, 2, 4):
        assert np.isnan(y[bad]).all() and np.isnan(grad[bad]).all()
    np.testing.assert_allclose(y[1], THREE_FOUR, rtol=1e-6)
    np.testing.assert_allclose(grad[1], [(1 - 0.6 * 1.4) / 5, (1 - 0.8 * 1.4) / 5], rtol=1e-5)
    np.testing.assert_array_equal(y[3], 0.0)
    np.testing.assert_allclose(grad[3], 1e12, rtol=1e-6)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("jacobian", PATHS)
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_inf_beside_the_largest_finite_value_is_nan_without_a_warning(dtype, jacobian, sign):
    # A row with ±inf has no scale: it must not be "brought into range" by doubling it (frexp
    # gives inf the exponent 0), which overflowed its finite neighbour with a RuntimeWarning.
    big = float(np.finfo(dtype).max) * 0.9
    x = np.array([[sign * np.inf, big], [big, sign * np.inf], [3.0, 4.0]], dtype=dtype)
    g = np.ones_like(x)
    y, grad = forward_backward(nn.L2Normalize(jacobian=jacobian), x, g)
    assert np.isnan(y[:2]).all() and np.isnan(grad[:2]).all()
    np.testing.assert_allclose(y[2], THREE_FOUR, rtol=1e-6)
    np.testing.assert_allclose(grad[2], [(1 - 0.6 * 1.4) / 5, (1 - 0.8 * 1.4) / 5], rtol=1e-5)


# ---------------------------------------------------------------------------- layouts
@pytest.mark.parametrize("jacobian", PATHS)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("magnitude", ["one", "subnormal", "huge"])
def test_non_contiguous_inputs_and_no_mutation(jacobian, dtype, magnitude):
    rng = np.random.default_rng(5)
    info = np.finfo(dtype)
    factor = {"one": 1, "subnormal": info.smallest_subnormal * 2**20, "huge": info.max / 8}
    base = rng.normal(size=(7, 10)).astype(dtype) * factor[magnitude]
    grads = rng.normal(size=(10, 10)).astype(dtype)
    views = [
        (base.T, grads[:, :7]),  # Fortran-ordered view, strided grad
        (base[::2, ::3], grads[:4:, :4]),  # strided slice
        (base[1, ::2], grads[0, ::2]),  # strided vector
    ]
    for x, g in views:
        assert not x.flags.c_contiguous
        before = base.copy()
        y, grad = forward_backward(nn.L2Normalize(jacobian=jacobian), x, g)
        y_ref, grad_ref = forward_backward(
            nn.L2Normalize(jacobian=jacobian), np.ascontiguousarray(x), np.ascontiguousarray(g)
        )
        np.testing.assert_array_equal(base, before)
        np.testing.assert_allclose(y, y_ref, rtol=4 * np.finfo(dtype).eps)
        np.testing.assert_allclose(grad, grad_ref, rtol=1e-4 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("jacobian", PATHS)
def test_vector_input_gives_vector_grad_the_missing_squeeze(jacobian):
    x = np.array([3.0, 0.0, 4.0])
    layer = nn.L2Normalize(jacobian=jacobian)
    y = layer.forward(x)
    grad = layer.backward(x, np.array([1.0, 1.0, 0.0]))
    assert y.shape == grad.shape == (3,)  # the 2015 recipe returned (1, 3) here
    np.testing.assert_allclose(y, [0.6, 0.0, 0.8])
    # g − y (y·g) = [1, 1, 0] − .6·[.6, 0, .8] = [.64, 1, −.48]; / ‖x‖ = 5
    np.testing.assert_allclose(grad, [0.128, 0.2, -0.096])


@pytest.mark.parametrize("jacobian", PATHS)
def test_empty_batch(jacobian):
    x = np.empty((0, 3))
    layer = nn.L2Normalize(jacobian=jacobian)
    assert layer.forward(x).shape == (0, 3)
    assert layer.backward(x, np.empty((0, 3))).shape == (0, 3)


# ---------------------------------------------------------------------------- buffers, memory
def test_buffers_are_reused_while_shape_and_dtype_match():
    rng = np.random.default_rng(0)
    layer = nn.L2Normalize()
    x, g = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    y = layer.forward(x)
    grad = layer.backward(x, g)
    jac = layer._existing_buffer("jacobian")
    assert layer.forward(2 * x) is y and layer.backward(2 * x, g) is grad
    assert layer._existing_buffer("jacobian") is jac
    # a new batch size: new buffers of the new shape, correct values
    x5, g5 = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    y5 = layer.forward(x5)
    assert y5 is not y and y5.shape == (5, 3)
    assert layer.backward(x5, g5) is not grad
    assert layer._existing_buffer("jacobian").shape == (5, 3, 3)
    y_exact, grad_exact, scale = exact_normalize(x5, g5)
    assert_rows_close(y5, y_exact, np.abs(y_exact), np.float64)
    assert_rows_close(layer.grad_input, grad_exact, scale, np.float64)
    # a new dtype: float32 buffers
    x32 = x.astype(np.float32)
    assert layer.forward(x32).dtype == np.float32
    assert layer.backward(x32, g.astype(np.float32)).dtype == np.float32
    assert layer._existing_buffer("jacobian").dtype == np.float32


def test_direct_path_never_builds_the_matrix():
    layer = nn.L2Normalize(jacobian=False)
    x = np.ones((3, 4))
    layer.forward(x)
    layer.backward(x, x)
    assert layer._existing_buffer("jacobian") is None


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("extreme_rows", [False, True])
@pytest.mark.parametrize("jacobian", PATHS)
def test_warm_forward_backward_allocates_no_n_d_d_temporaries(dtype, extreme_rows, jacobian):
    n, d = 256, 64
    rng = np.random.default_rng(1)
    x, g = rng.normal(size=(n, d)).astype(dtype), rng.normal(size=(n, d)).astype(dtype)
    if extreme_rows:  # exercise the rescaling: tiny, zero and huge rows
        x[::3] *= np.finfo(dtype).tiny
        x[1::7] = 0
        x[2::5] *= np.finfo(dtype).max / 4
    peak = warm_peak(nn.L2Normalize(jacobian=jacobian), x, g)
    itemsize = np.dtype(dtype).itemsize
    assert peak < n * d * d * itemsize / 8
    if not jacobian:  # O(n·d): a few row-sized temporaries at most
        assert peak < 4 * n * d * itemsize


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_warm_direct_path_allocates_nothing_per_row_on_ordinary_rows(dtype):
    # The range checks on ordinary rows work in reused (n,) buffers: a warm forward+backward
    # allocates less than one row-sized (n,) array (NumPy's own iteration buffers aside).
    n, d = 1 << 16, 2
    rng = np.random.default_rng(2)
    x, g = rng.normal(size=(n, d)).astype(dtype), rng.normal(size=(n, d)).astype(dtype)
    assert warm_peak(nn.L2Normalize(jacobian=False), x, g) < n * np.dtype(dtype).itemsize / 2


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("jacobian", PATHS)
def test_an_all_zero_grad_output_costs_no_row_copies(dtype, jacobian):
    # A zero row of g (a loss that ignores part of the batch) is a suspect for both range checks
    # (y·g = 0, ‖g‖² = 0 < tiny), rows of norm < 1 make 1/‖x‖ > 1; deciding must not copy
    # the suspect rows of g out (n·d numbers): only (n,) arrays may be allocated.
    n, d = (1024, 64) if jacobian else (4096, 64)
    x = np.random.default_rng(4).normal(size=(n, d)).astype(dtype) / 64  # ‖x‖ about 1/8
    g = np.zeros((n, d), dtype)
    layer = nn.L2Normalize(jacobian=jacobian)
    assert warm_peak(layer, x, g) < n * d * np.dtype(dtype).itemsize / 2
    assert not layer.grad_input.any()  # J·0 = 0


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("jacobian", PATHS)
@pytest.mark.parametrize("many", [False, True], ids=["few suspects", "all suspects"])
def test_a_row_of_g_holding_one_subnormal_is_not_taken_for_a_zero_row(dtype, jacobian, many):
    # Rows of g that are all zero keep the plain path (J·0 = 0); a row holding only the smallest
    # subnormal must not be mistaken for one: x = 2⁻¹²·[3, 4, 0, 0, 0], g = [s, 0, 0, 0, 0] has
    # J g = [.64, −.48, 0, 0, 0]·s/‖x‖ = [524.288, −393.216, 0, 0, 0]·s; the plain formula
    # rounds y·g = .6s to s and gives [0, −819.2·s, 0, 0, 0].
    s = np.finfo(dtype).smallest_subnormal
    n, d = 64, 5
    rng = np.random.default_rng(5)
    x = rng.normal(size=(n, d)).astype(dtype) / 64
    x[7] = [3 * 2.0**-12, 4 * 2.0**-12, 0, 0, 0]
    g = np.zeros((n, d), dtype) if many else rng.normal(size=(n, d)).astype(dtype)
    g[3] = 0.0
    g[7] = [s, 0, 0, 0, 0]
    _, grad = forward_backward(nn.L2Normalize(jacobian=jacobian), x, g)
    y_exact, grad_exact, grad_scale = exact_normalize(x, g)
    assert_rows_close(grad, grad_exact, grad_scale, dtype)
    assert grad[7, 0] > 500 * s
    np.testing.assert_array_equal(grad[3], 0.0)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("jacobian", PATHS)
@pytest.mark.parametrize("case", ["ordinary", "zero g", "a rescaled row"])
def test_grad_output_may_be_the_layers_own_grad_input(dtype, jacobian, case):
    # Passing layer.grad_input back as grad_output must give what a separate copy gives: the
    # result is written into that buffer while g is still read.
    rng = np.random.default_rng(6)
    x = rng.normal(size=(40, 3)).astype(dtype)
    g = rng.normal(size=(40, 3)).astype(dtype)
    if case == "zero g":  # every row a suspect of the range checks: the scratch-buffer branch
        x /= 64
        g[...] = 0
    if case == "a rescaled row":  # the forward rescales row 1; g's row 1 is subnormal
        tiny = np.finfo(dtype).smallest_subnormal
        x[1] = [tiny, 2 * tiny, 0]
        g[1] = [tiny, 2 * tiny, 4 * tiny]
    reference = nn.L2Normalize(jacobian=jacobian)
    reference.forward(x)
    expected = reference.backward(x, g.copy()).copy()
    layer = nn.L2Normalize(jacobian=jacobian)
    layer.forward(x)
    layer.backward(x, np.ones_like(x))  # allocates grad_input
    layer.grad_input[...] = g
    np.testing.assert_array_equal(layer.backward(x, layer.grad_input), expected)
    layer.grad_input[...] = g  # the Lua-named low-level entry point too
    np.testing.assert_array_equal(layer.updateGradInput(x, layer.grad_input), expected)


# ---------------------------------------------------------------------------- errors, printing
@pytest.mark.parametrize(
    ("bad", "error", "words"),
    [
        (np.array(1.0), ValueError, ["(d,) or (n, d)", "()"]),
        (np.ones((2, 3, 4)), ValueError, ["(d,) or (n, d)", "(2, 3, 4)"]),
        (np.ones((2, 0)), ValueError, ["d >= 1", "(2, 0)"]),
        (np.ones((2, 3), dtype=np.int64), TypeError, ["float32 or float64", "int64"]),
        (np.ones((2, 3), dtype=np.complex128), TypeError, ["float32 or float64", "complex128"]),
        (np.ones((2, 3), dtype=np.float16), TypeError, ["float32 or float64", "float16"]),
        pytest.param(
            np.ones((2, 3), dtype=np.longdouble),
            TypeError,
            ["float32 or float64", str(np.dtype(np.longdouble))],
            marks=pytest.mark.skipif(
                np.dtype(np.longdouble) == np.float64, reason="longdouble is float64 here"
            ),
            id="longdouble",
        ),
        (np.ones((2, 3), dtype=np.bool_), TypeError, ["float32 or float64", "bool"]),
        ([[1.0, 2.0]], TypeError, ["numpy.ndarray", "list"]),
    ],
)
@pytest.mark.parametrize("entry", ["forward", "update_output", "updateOutput"])
def test_bad_input_is_named(bad, error, words, entry):
    # Every entry point checks: the Lua names and update_output skip Module.forward's checks.
    with pytest.raises(error) as info:
        getattr(nn.L2Normalize(), entry)(bad)
    message = str(info.value)
    assert "nn.L2Normalize" in message
    for word in words:
        assert word in message


@pytest.mark.parametrize(
    ("bad", "error", "words"),
    [
        (np.ones((3, 2)), ValueError, ["shape (2, 3)", "got (3, 2)"]),  # same size, transposed
        (np.ones(6), ValueError, ["shape (2, 3)", "got (6,)"]),  # same size, flat
        (np.ones((2, 3), dtype=np.int64), TypeError, ["float64", "int64"]),
        (np.ones((2, 3), dtype=np.float32), TypeError, ["float64", "float32"]),
        ([[1.0] * 3] * 2, TypeError, ["numpy.ndarray", "list"]),
    ],
)
@pytest.mark.parametrize("entry", ["backward", "update_grad_input", "updateGradInput"])
@pytest.mark.parametrize("jacobian", PATHS)
def test_bad_grad_output_is_named_at_every_entry(bad, error, words, entry, jacobian):
    # update_grad_input used to reshape a (3, 2) or (6,) grad_output to (2, 3) and to cast
    # int64 or float32 silently: now it refuses them as backward does.
    layer = nn.L2Normalize(jacobian=jacobian)
    x = np.arange(1.0, 7.0).reshape(2, 3)
    layer.forward(x)
    with pytest.raises(error) as info:
        getattr(layer, entry)(x, bad)
    message = str(info.value)
    assert "nn.L2Normalize" in message and "grad_output" in message
    for word in words:
        assert word in message


def test_bad_input_through_the_lua_name_too():
    with pytest.raises(ValueError, match=r"nn\.L2Normalize.*\(2, 3, 4\)"):
        nn.L2Normalize().updateOutput(np.ones((2, 3, 4)))


def test_bad_grad_output_is_named():
    layer = nn.L2Normalize()
    x = np.ones((2, 3))
    layer.forward(x)
    with pytest.raises(ValueError, match=r"nn\.L2Normalize.*\(2, 3\).*\(3, 2\)"):
        layer.backward(x, np.ones((3, 2)))
    with pytest.raises(TypeError, match=r"nn\.L2Normalize.*float32.*float64"):
        layer.backward(x, np.ones((2, 3), dtype=np.float32))


def test_backward_needs_the_forward_input():
    with pytest.raises(ValueError, match=r"nn\.L2Normalize.*no forward yet.*\(2, 3\)"):
        nn.L2Normalize().backward(np.ones((2, 3)), np.ones((2, 3)))
    layer = nn.L2Normalize()
    layer.forward(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"nn\.L2Normalize.*\(2, 3\) float64.*got \(3,\)"):
        layer.update_grad_input(np.ones(3), np.ones(3))


@pytest.mark.parametrize("entry", ["backward", "update_grad_input", "updateGradInput"])
@pytest.mark.parametrize("jacobian", PATHS)
@pytest.mark.parametrize("scale", [1.0, 1e-300], ids=["plain", "rescaled"])
def test_backward_refuses_another_input_of_the_same_shape(entry, jacobian, scale):
    # Torch's contract: backward uses the last forward's input. Another one used to give a
    # silently wrong gradient: the Jacobian path mixed its outer product with the old norms
    # ([0, .2] here), the direct path ignored it ([−.096, .072], the gradient at [3, 4]).
    layer = nn.L2Normalize(jacobian=jacobian)
    layer.forward(np.array([[3.0, 4.0]]) * scale)
    with pytest.raises(
        ValueError, match=r"nn\.L2Normalize: backward expects the input of the last"
    ):
        getattr(layer, entry)(np.array([[1.0, 0.0]]) * scale, np.array([[0.0, 1.0]]))


@pytest.mark.parametrize("jacobian", PATHS)
def test_backward_accepts_an_equal_copy_of_the_forward_input(jacobian):
    x = np.array([[3.0, 4.0], [np.nan, 1.0], [0.0, 0.0]])
    g = np.array([[1.0, 0.0], [1.0, 1.0], [2.0, 3.0]])
    layer = nn.L2Normalize(jacobian=jacobian)
    layer.forward(x)
    same = layer.backward(x, g).copy()
    copied = layer.backward(x.copy(), g)  # equal values, NaN included: accepted
    np.testing.assert_array_equal(copied, same)
    np.testing.assert_allclose(same[0], [0.128, -0.096])  # (g − y (y·g)) / ‖x‖ by hand


def test_the_forward_input_is_referenced_not_copied_and_clear_state_drops_it():
    x = np.array([[3.0, 4.0]])
    layer = nn.L2Normalize()
    layer.forward(x)
    assert layer._forward_input is x
    alive = weakref.ref(x)
    del x
    assert alive() is not None  # kept for backward
    layer.clear_state()
    gc.collect()
    assert alive() is None
    with pytest.raises(ValueError, match=r"nn\.L2Normalize.*no forward yet"):
        layer.backward(np.array([[3.0, 4.0]]), np.ones((1, 2)))


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"eps": 0.0}, ValueError),
        ({"eps": -1e-12}, ValueError),
        ({"eps": math.nan}, ValueError),
        ({"eps": "1e-12"}, TypeError),
        ({"jacobian": 1}, TypeError),
    ],
)
def test_bad_options_are_named(kwargs, error):
    (name,) = kwargs
    with pytest.raises(error, match=rf"nn\.L2Normalize: .*{name}"):
        nn.L2Normalize(**kwargs)


def test_repr_and_exports():
    assert repr(nn.L2Normalize()) == "nn.L2Normalize"
    assert repr(nn.L2Normalize(jacobian=False)) == "nn.L2Normalize(jacobian=False)"
    assert repr(nn.L2Normalize(eps=1e-6, jacobian=False)) == (
        "nn.L2Normalize(eps=1e-06, jacobian=False)"
    )
    assert minitorch_l2.L2Normalize is nn.L2Normalize
    assert "L2Normalize" in minitorch_l2.__all__ and "L2Normalize" in nn.__all__
    assert str(nn.Sequential(nn.Linear(2, 2), nn.L2Normalize())).count("nn.L2Normalize") == 1
