"""The performance work's public and internal pieces: ``compute_grad_input`` and the BLAS updates.

Expectations come from the formulas (∂L/∂W = Gᵀ x, ∂L/∂b = Σₙ G, x ← x − η g) evaluated with plain
NumPy in float64, never from the code under test.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minitorch_l2
from minitorch_l2 import nn, optim
from minitorch_l2._blas import add_column_sums, add_scaled, add_transposed_product, write_affine

from .allocations import warm_peak
from .strategies import arrays, float_dtypes

LAYOUTS = ("C", "F", "strided")


def laid_out(array: np.ndarray, layout: str) -> np.ndarray:
    """The same values as a C-contiguous, Fortran-contiguous or non-contiguous array."""
    if layout == "C":
        return np.ascontiguousarray(array)
    if layout == "F":
        return np.asfortranarray(array)
    doubled = np.repeat(array, 2, axis=-1)
    return doubled[..., ::2]  # a strided view holding the same values


def tolerance(dtype: np.dtype) -> float:
    return 1e-5 if dtype == np.float32 else 1e-12


# ---------------------------------------------------------------- compute_grad_input


def test_linear_that_skips_grad_input_still_accumulates_exact_gradients():
    rng = np.random.default_rng(0)
    layer = nn.Linear(4, 3)
    x, g = rng.normal(size=(5, 4)), rng.normal(size=(5, 3))
    layer.compute_grad_input = False
    layer.forward(x)
    assert layer.backward(x, g, scale=0.5) is None
    assert layer.grad_input is None
    np.testing.assert_allclose(layer.grad_weight, 0.5 * g.T @ x, rtol=1e-12)
    np.testing.assert_allclose(layer.grad_bias, 0.5 * g.sum(axis=0), rtol=1e-12)


def test_the_default_is_torchs_contract():
    assert nn.Linear(2, 2).compute_grad_input is True
    assert nn.Sequential(nn.Tanh()).compute_grad_input is True


def test_sequential_flag_is_its_first_modules_and_parameter_gradients_do_not_change():
    minitorch_l2.manual_seed(3)
    net = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 2))
    twin = net.clone()
    net.compute_grad_input = False
    assert net.get(0).compute_grad_input is False and net.compute_grad_input is False
    x = np.random.default_rng(1).normal(size=(6, 3))
    g = np.random.default_rng(2).normal(size=(6, 2))
    net.forward(x)
    twin.forward(x)
    assert net.backward(x, g) is None and net.grad_input is None
    full = twin.backward(x, g)
    assert full.shape == x.shape
    for (_, _, ours), (_, _, expected) in zip(net.named_parameters(), twin.named_parameters()):
        np.testing.assert_array_equal(ours, expected)
    # and the first layer's weight gradient is the formula Gᵀ x, G = ∂L/∂(first output)
    first_g = twin.get(1).grad_input
    np.testing.assert_allclose(net.get(0).grad_weight, first_g.T @ x, rtol=1e-12)


def test_two_pass_backward_honours_the_flag_too():
    net = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    net.compute_grad_input = False
    x = np.ones((2, 3))
    net.forward(x)
    assert net.update_grad_input(x, np.ones((2, 2))) is None
    net.acc_grad_parameters(x, np.ones((2, 2)))
    assert net.get(0).grad_weight.any()


def test_only_the_first_module_may_skip_its_grad_input():
    net = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    net.get(2).compute_grad_input = False
    x = np.ones((2, 3))
    net.forward(x)
    with pytest.raises(ValueError, match=r"nn\.Sequential.*\(2\).*compute_grad_input=False"):
        net.backward(x, np.ones((2, 2)))
    with pytest.raises(ValueError, match="compute_grad_input"):
        net.update_grad_input(x, np.ones((2, 2)))


def test_empty_sequential_has_no_flag_to_set():
    with pytest.raises(ValueError, match=r"nn\.Sequential.*first module"):
        nn.Sequential().compute_grad_input = False


def test_flag_survives_save_and_load(tmp_path):
    net = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
    net.compute_grad_input = False
    minitorch_l2.save(tmp_path / "net.npz", net)
    assert minitorch_l2.load(tmp_path / "net.npz").get(0).compute_grad_input is False


# ---------------------------------------------------------------- BLAS in-place updates


@settings(max_examples=40, deadline=None)
@given(
    dtype=float_dtypes(),
    sizes=st.tuples(st.integers(0, 5), st.integers(1, 5), st.integers(1, 5)),
    left_layout=st.sampled_from(LAYOUTS),
    right_layout=st.sampled_from(LAYOUTS),
    alpha=st.sampled_from([1.0, 0.5, -2.0]),
    data=st.data(),
)
def test_add_transposed_product_accumulates_in_place(
    dtype, sizes, left_layout, right_layout, alpha, data
):
    n, p, q = sizes
    left = laid_out(data.draw(arrays((n, p), dtype, bound=4.0)), left_layout)
    right = laid_out(data.draw(arrays((n, q), dtype, bound=4.0)), right_layout)
    out = data.draw(arrays((p, q), dtype, bound=4.0))
    expected = out.astype(np.float64) + alpha * left.astype(np.float64).T @ right
    before = out
    add_transposed_product(out, left, right, alpha)
    assert out is before and out.dtype == dtype
    np.testing.assert_allclose(out, expected, rtol=tolerance(dtype), atol=tolerance(dtype) * 64)


@settings(max_examples=40, deadline=None)
@given(
    dtype=float_dtypes(),
    sizes=st.tuples(st.integers(0, 6), st.integers(1, 5), st.integers(1, 5)),
    input_layout=st.sampled_from(LAYOUTS),
    weight_layout=st.sampled_from(LAYOUTS),
    with_bias=st.booleans(),
    data=st.data(),
)
def test_write_affine_overwrites_out_with_the_affine_map(
    dtype, sizes, input_layout, weight_layout, with_bias, data
):
    n, d_in, d_out = sizes
    x = laid_out(data.draw(arrays((n, d_in), dtype, bound=4.0)), input_layout)
    weight = laid_out(data.draw(arrays((d_out, d_in), dtype, bound=4.0)), weight_layout)
    bias = data.draw(arrays((d_out,), dtype, bound=4.0)) if with_bias else None
    out = np.full((n, d_out), np.nan, dtype=dtype)  # stale contents must not leak through
    # y_ij = Σ_k x_ik W_jk + b_j, in float64
    expected = np.einsum("ik,jk->ij", x.astype(np.float64), weight.astype(np.float64))
    if with_bias:
        expected += bias
    before = out
    write_affine(out, x, weight, bias)
    assert out is before and out.dtype == dtype
    np.testing.assert_allclose(out, expected, rtol=tolerance(dtype), atol=tolerance(dtype) * 64)


@settings(max_examples=30, deadline=None)
@given(
    dtype=float_dtypes(),
    shape=st.tuples(st.integers(0, 6), st.integers(1, 5)),
    layout=st.sampled_from(LAYOUTS),
    alpha=st.sampled_from([1.0, 0.25]),
    data=st.data(),
)
def test_add_column_sums_accumulates_in_place(dtype, shape, layout, alpha, data):
    matrix = laid_out(data.draw(arrays(shape, dtype, bound=4.0)), layout)
    out = data.draw(arrays((shape[1],), dtype, bound=4.0))
    expected = out.astype(np.float64) + alpha * matrix.astype(np.float64).sum(axis=0)
    add_column_sums(out, matrix, alpha)
    np.testing.assert_allclose(out, expected, rtol=tolerance(dtype), atol=tolerance(dtype) * 32)


@settings(max_examples=30, deadline=None)
@given(dtype=float_dtypes(), size=st.integers(1, 9), strided=st.booleans(), data=st.data())
def test_add_scaled_updates_in_place(dtype, size, strided, data):
    x = data.draw(arrays((size,), dtype, bound=4.0))
    out = data.draw(arrays((2 * size,), dtype, bound=4.0))
    out = out[::2] if strided else out[:size]
    expected = out.astype(np.float64) - 0.1 * x.astype(np.float64)
    add_scaled(out, x, -0.1)
    np.testing.assert_allclose(out, expected, rtol=tolerance(dtype), atol=tolerance(dtype) * 8)


def test_linear_accumulates_into_the_flat_gradient_vector():
    net = nn.Sequential(nn.Linear(3, 2))
    params, grads = net.get_parameters()
    x = np.arange(6.0).reshape(2, 3)
    g = np.array([[1.0, -1.0], [0.5, 2.0]])
    for _ in range(2):  # accumulates, as in Torch, until zeroed
        net.forward(x)
        net.backward(x, g)
    np.testing.assert_allclose(grads[:6].reshape(2, 3), 2 * g.T @ x, rtol=1e-14)
    np.testing.assert_allclose(grads[6:], 2 * g.sum(axis=0), rtol=1e-14)
    assert np.shares_memory(net.get(0).grad_weight, grads)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_plain_sgd_step_is_x_minus_rate_times_gradient(dtype):
    x = np.array([1.0, -2.0, 3.0], dtype=dtype)
    gradient = np.array([0.5, 0.25, -1.0], dtype=dtype)
    config = {"learning_rate": 0.1, "learning_rate_decay": 1.0}
    same = x
    for _ in range(2):  # the second step's rate is 0.1 / (1 + 1 · 1)
        optim.sgd(lambda _: (0.0, gradient), x, config)
    assert x is same
    expected = np.array([1.0, -2.0, 3.0]) - (0.1 + 0.05) * gradient.astype(np.float64)
    np.testing.assert_allclose(x, expected, rtol=1e-6 if dtype == np.float32 else 1e-15)
    assert config["eval_counter"] == 2


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_in_place_updates_use_the_callers_scratch_and_keep_out(dtype):
    rng = np.random.default_rng(3)
    left, right = rng.normal(size=(4, 3)).astype(dtype), rng.normal(size=(4, 2)).astype(dtype)
    out, scratch = np.ones((3, 2), dtype), np.empty((3, 2), dtype)
    add_transposed_product(out, left, right, 0.5, scratch)
    # the scratch holds the scaled product, out the sum: 1 + 0.5 · leftᵀ right
    np.testing.assert_allclose(scratch, 0.5 * left.T @ right, rtol=1e-6)
    np.testing.assert_allclose(out, 1 + 0.5 * left.T @ right, rtol=1e-6)
    sums, scratch = np.zeros(2, dtype), np.empty(2, dtype)
    add_column_sums(sums, right, 2.0, scratch)
    np.testing.assert_allclose(sums, 2 * right.sum(axis=0), rtol=1e-6)
    np.testing.assert_allclose(scratch, sums, rtol=1e-6)  # started from zero
    x, step = np.ones(3, dtype), np.empty(3, dtype)
    add_scaled(x, np.array([1.0, 2.0, 4.0], dtype), -0.5, step)
    np.testing.assert_array_equal(x, [0.5, 0.0, -1.0])  # 1 − 0.5 · g, exact in binary
    np.testing.assert_array_equal(step, [-0.5, -1.0, -2.0])


def test_linear_reuses_its_gradient_scratch_buffers():
    layer = nn.Linear(3, 2)
    x, g = np.ones((4, 3)), np.ones((4, 2))
    layer.forward(x)
    layer.backward(x, g)
    buffers = dict(layer._buffers)
    layer.backward(x, g)
    assert all(layer._buffers[name] is array for name, array in buffers.items())
    np.testing.assert_allclose(layer.grad_weight, 2 * g.T @ x)  # accumulated twice


def test_the_package_never_calls_scipys_blas():
    # NumPy and SciPy each bundle an OpenBLAS with its own thread pool; calling both in one
    # training step makes the pools busy-wait against each other (an 8.7-10x slower step at the
    # default thread counts, docs/performance.md). Products go through NumPy only.
    package = Path(minitorch_l2.__file__).parent
    importing = re.compile(
        r"^\s*(from\s+scipy(\.linalg)?\s+import\s+.*\b(linalg|blas)\b|"
        r"(from|import)\s+scipy\.linalg)",
        re.MULTILINE,
    )
    offenders = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if importing.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
    assert importing.search("from scipy.linalg import blas\n")  # the pattern can match
    assert importing.search("    from scipy import linalg\n")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_warm_linear_step_allocates_no_arrays(dtype):
    # forward, backward and the gradient updates all write into reused buffers; NumPy's 64 KiB
    # iteration buffer for a broadcast bias addition was one per forward before write_affine's
    # scratch (tracemalloc sees every NumPy allocation).
    layer = nn.Linear(100, 100).type(dtype)
    x = np.random.default_rng(0).normal(size=(300, 100)).astype(dtype)
    g = np.ones((300, 100), dtype)
    assert warm_peak(layer, x, g) < 4096


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_cosine_backward_leans_on_the_last_forward_only(dtype):
    # The backward reuses the forward's norms and rows to redo: a forward at other input in
    # between must leave no trace, so every call matches a fresh layer's bit for bit.
    rng = np.random.default_rng(5)
    big = float(np.finfo(dtype).max) ** 0.75
    ordinary = rng.standard_normal((6, 4)).astype(dtype)
    extreme = ordinary.copy()
    extreme[2] *= big  # its ‖x‖² overflows: redone at a scale
    g = rng.standard_normal((6, 3)).astype(dtype)
    layer = nn.Cosine(4, 3).type(dtype)
    for first, second in ((extreme, ordinary), (ordinary, extreme), (extreme[:3], extreme)):
        fresh = nn.Cosine(4, 3).type(dtype)
        fresh.weight[...] = layer.weight
        layer.zero_grad_parameters()
        layer.forward(first)
        y = layer.forward(second)
        grad = layer.backward(second, g)
        assert np.isfinite(grad).all() and np.isfinite(layer.grad_weight).all()
        np.testing.assert_array_equal(y, fresh.forward(second))
        np.testing.assert_array_equal(grad, fresh.backward(second, g))
        np.testing.assert_array_equal(layer.grad_weight, fresh.grad_weight)
