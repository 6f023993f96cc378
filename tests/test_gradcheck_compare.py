"""The block-by-block comparison: same answers as a whole-Jacobian one, in bounded memory."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minitorch_l2 import nn
from minitorch_l2._jacobian import numerical
from minitorch_l2.gradcheck import check_module
from minitorch_l2.gradcheck._diagnosis.compare import Block
from minitorch_l2.gradcheck._diagnosis.compare import compare_jacobians as compare_blocks
from minitorch_l2.gradcheck._diagnosis.patterns import ConstantFactor, close

ATOL, RTOL = 1e-5, 1e-3


def compare_jacobians(name, shape, output_shape, analytic, numeric, atol, rtol, block_rows=None):
    """The whole-Jacobian comparison of one block (tensor ``name`` × a tensor output)."""
    block = Block(name, name, shape, None, output_shape, 0, int(np.prod(output_shape)))
    return compare_blocks(block, analytic, numeric, atol, rtol, block_rows)


def planted_jacobians(rng: np.random.Generator) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(analytic, numeric) pairs of shape (9, 6) — a (3, 3) tensor, a (2, 3) output — per bug."""
    numeric = rng.uniform(-2, 2, (9, 6))
    numeric[rng.random((9, 6)) < 0.3] = 0.0  # Jacobians are sparse: exact zeros
    swap = np.arange(9).reshape(3, 3).T.reshape(-1)
    noisy = numeric + rng.normal(0, 1e-3, numeric.shape)
    return {
        "factor": (1.5 * numeric, numeric),
        "sign": (-numeric, numeric),
        "transposed": (numeric[swap], numeric),
        "zero": (np.zeros_like(numeric), numeric),
        "same columns": (np.repeat(numeric[:, :1], 6, axis=1), numeric),
        "noise": (noisy, numeric),
        "nan": (np.where(numeric > 1.5, np.nan, numeric), numeric),
    }


@pytest.mark.parametrize("block_rows", [1, 2, 4])
def test_blocks_of_any_size_give_the_whole_jacobian_answer(block_rows):
    for bug, (analytic, numeric) in planted_jacobians(np.random.default_rng(2)).items():
        args = ("weight", (3, 3), (2, 3), analytic, numeric, ATOL, RTOL)
        whole, blocked = compare_jacobians(*args), compare_jacobians(*args, block_rows=block_rows)
        assert not whole.ok, bug
        assert blocked.failing == whole.failing, bug
        assert blocked.max_abs_error == whole.max_abs_error, bug
        assert repr(blocked.worst) == repr(whole.worst), bug  # repr: NaN == NaN here
        assert blocked.diagnosis == whole.diagnosis, bug


def test_worst_elements_are_the_largest_errors_with_their_indices():
    rng = np.random.default_rng(5)
    numeric = rng.uniform(-2, 2, (9, 6))
    analytic = numeric + rng.normal(0, 1e-2, numeric.shape)
    check = compare_jacobians("weight", (3, 3), (2, 3), analytic, numeric, ATOL, RTOL, 2)
    error = np.abs(analytic - numeric)
    order = np.argsort(-error, axis=None)[:5]
    for w, flat in zip(check.worst, order, strict=True):
        i, j = np.unravel_index(flat, error.shape)
        assert w.tensor_index == np.unravel_index(i, (3, 3))
        assert w.output_index == np.unravel_index(j, (2, 3))
        assert (w.analytic, w.numeric, w.abs_error) == (analytic[i, j], numeric[i, j], error[i, j])


@settings(max_examples=200, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    factor=st.floats(-4, 4).filter(lambda c: abs(c) > 1e-3),
    scale=st.sampled_from([1e-8, 1e-4, 1.0, 1e4]),
    blocks=st.integers(1, 5),
)
def test_constant_factor_is_found_for_a_multiple_and_always_fits(seed, factor, scale, blocks):
    rng = np.random.default_rng(seed)
    numeric = scale * rng.uniform(-2, 2, 20)
    numeric[rng.random(20) < 0.3] = 0.0
    perturbed = factor * numeric * (1 + rng.uniform(-5e-4, 5e-4, 20))  # inside rtol = 1e-3
    analytic = np.where(rng.random(20) < 0.5, perturbed, factor * numeric)
    fit = ConstantFactor(ATOL, RTOL)
    for part_a, part_n in zip(np.array_split(analytic, blocks), np.array_split(numeric, blocks)):
        fit.add(part_a, part_n)
    c = fit.factor(float(analytic @ analytic))
    if np.count_nonzero(np.abs(numeric) > ATOL) < 2:
        assert c is None  # one ratio (or none) above atol determines nothing
        return
    assert c is not None  # analytic ≈ factor · numeric, so some c exists
    assert close(analytic, c * numeric, ATOL, RTOL * (1 + 1e-9))  # and the one given fits


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_a_factor_is_only_claimed_when_it_fits(seed):
    rng = np.random.default_rng(seed)
    numeric = rng.uniform(-2, 2, 12)
    analytic = numeric * rng.choice([1.0, 1.5, -1.0], 12)  # usually no single factor
    fit = ConstantFactor(ATOL, RTOL)
    fit.add(analytic, numeric)
    c = fit.factor(float(analytic @ analytic))
    if c is not None:
        assert close(analytic, c * numeric, ATOL, RTOL * (1 + 1e-9))
    else:  # none of the least-squares fit, nor the candidate ratios, fits
        candidates = [np.vdot(analytic, numeric) / np.vdot(numeric, numeric), 1.0, 1.5, -1.0]
        assert not any(close(analytic, k * numeric, ATOL, RTOL) for k in candidates)


def test_tiny_noise_is_neither_a_zero_gradient_nor_a_constant_factor():
    # |a| ~ 1e-9 everywhere: within atol of 0, but not 0, and not proportional to numeric
    # (c ≈ 0 fits element-wise; the direction does not).
    rng = np.random.default_rng(8)
    numeric = rng.uniform(-2, 2, (9, 6))
    analytic = 1e-9 * rng.normal(size=numeric.shape)
    check = compare_jacobians("weight", (3, 3), (2, 3), analytic, numeric, ATOL, RTOL)
    assert not check.ok and check.diagnosis is None


def test_a_factor_needs_two_numeric_elements_above_atol():
    # One nonzero numeric element among many: a/n "fits" by construction, says nothing.
    numeric = np.zeros((6, 1))
    numeric[2, 0] = -0.75
    one = compare_jacobians("input", (2, 3), (), 2 * numeric, numeric, ATOL, RTOL)
    assert not one.ok and one.diagnosis is None
    numeric[4, 0] = 0.5  # a second one: now the ratio is tested
    two = compare_jacobians("input", (2, 3), (), 2 * numeric, numeric, ATOL, RTOL)
    assert two.diagnosis.startswith("off by a constant factor 2 ")


# ---------------------------------------------------------------- what the report keeps
def test_small_jacobians_are_kept_by_default_and_large_ones_only_when_asked():
    x = np.random.default_rng(0).uniform(-2, 2, (4, 3))
    small = check_module(nn.Linear(3, 2), x)
    assert small["weight"].numeric.shape == (6, 8) and small["weight"].analytic.shape == (6, 8)
    dropped = check_module(nn.Linear(3, 2), x, keep_jacobians=False)
    assert all(e.numeric is None and e.analytic is None for e in dropped.entries.values())
    assert dropped.ok and dropped["weight"].total == 48  # the summary does not need them

    wide = np.random.default_rng(0).uniform(-2, 2, (4, 40))
    large = check_module(nn.Linear(40, 40), wide)  # weight: 1600 x 160 = 256,000 elements
    assert large.ok, str(large)
    assert large["weight"].numeric is None and large["weight"].analytic is None
    assert large["bias"].numeric is not None  # 40 x 160: small enough to keep
    kept = check_module(nn.Linear(40, 40), wide, keep_jacobians=True)
    np.testing.assert_allclose(kept["weight"].analytic, kept["weight"].numeric, atol=1e-8)


def test_peak_memory_is_one_analytic_jacobian_plus_small_blocks(monkeypatch):
    # Linear(60, 60) on a batch of 4: the weight's Jacobian is 3600 x 240 float64 = 6.9 MB.
    # Holding it once (the analytic rows) is unavoidable; the numerical one arrives in blocks of
    # ~0.1 MB here. A whole-Jacobian comparison holds both plus full-size temporaries (>= 3x).
    monkeypatch.setattr(numerical, "BLOCK_ELEMENTS", 1 << 14)
    layer = nn.Linear(60, 60)
    x = np.random.default_rng(0).uniform(-2, 2, (4, 60))
    jacobian_bytes = 3600 * 240 * 8
    tracemalloc.start()
    try:
        report = check_module(layer, x)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.ok and report["weight"].numeric is None, str(report)
    assert peak < 1.5 * jacobian_bytes, f"peak {peak / 1e6:.1f} MB"
