"""Threat: finite input that silently gives NaN, ±inf or a leaked NumPy warning.

Issue 18, items 6 and 7. Finite numbers whose exact answer is representable must get that
answer (to rounding), not NaN or ±inf from an intermediate that overflowed, and no NumPy warning
may leak out of a layer: LogSoftMax's backward where Σ g overflows, SoftMax's (SoftMin's,
SpatialSoftMax's) where g − Σ gy does, CosineEmbeddingCriterion on
rows whose |x|² overflows (scaled by a power of two, as L2Normalize does), MSECriterion's
backward where x − t overflows, and L2Normalize's two backward paths where ‖g‖/‖x‖ is past the
float range (both must give the exact answer wherever it is representable).
"""

from __future__ import annotations

import math
import warnings
from fractions import Fraction

import numpy as np
import pytest

from minitorch_l2 import nn


@pytest.fixture(autouse=True)
def warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def test_log_softmax_backward_where_the_sum_of_g_overflows():
    layer = nn.LogSoftMax()
    x = np.array([0.0, -1000.0])
    layer.forward(x)
    # p = (1, e^-1000 = 0): g − p Σg = (1e308 − 2e308, 1e308 − 0), both representable.
    np.testing.assert_array_equal(layer.backward(x, np.array([1e308, 1e308])), [-1e308, 1e308])
    x = np.zeros((2, 3))
    layer.forward(x)
    g = np.array([[1e308, 1e308, 1e308], [1.0, 2.0, 3.0]])
    result = layer.backward(x, g)
    np.testing.assert_allclose(result[0], 0.0, atol=1e293)  # g − Σg/3 = 0 up to rounding
    np.testing.assert_allclose(result[1], [-1.0, 0.0, 1.0], rtol=1e-15)  # the other row as ever


def test_log_softmax_backward_past_the_range_is_inf_not_nan():
    layer = nn.LogSoftMax()
    x = np.array([0.0, -1000.0])
    layer.forward(x)
    result = layer.backward(x, np.array([-1.5e308, 1.5e308]))  # Σg = 0: representable
    np.testing.assert_array_equal(result, [-1.5e308, 1.5e308])
    result = layer.backward(x, np.array([1e308, -1.7e308]))  # g₁ − Σg = 1.7e308 − ... fine
    assert np.isfinite(result).all()


@pytest.mark.parametrize("cls", [nn.SoftMax, nn.SoftMin])  # SpatialSoftMax is SoftMax
def test_softmax_backward_where_g_minus_its_mean_overflows(cls):
    layer = cls()
    sign = -1.0 if cls is nn.SoftMin else 1.0  # SoftMin is SoftMax of −x, and negates the result
    x = sign * np.array([[0.0, -1000.0], [0.0, -700.0]])
    y = layer.forward(x).copy()
    assert y[0, 1] == 0.0 and 0 < y[1, 1] < 1e-300
    g = np.array([[1e308, -1e308], [1e308, -1e308]])
    result = layer.backward(x, g)
    # Σ = Σⱼ gⱼyⱼ = 1e308 (y₁ − y₂) in each row; yᵢ(gᵢ − Σ): row 0 is (1·0, 0·(−2e308)) = 0, and
    # in row 1 g₂ − Σ = −2e308 (1 − y₂), so y₂ times it is −2e308 y₂ to rounding.
    np.testing.assert_array_equal(result[0], [0.0, 0.0])
    np.testing.assert_allclose(result[1, 1], sign * -2 * (1e308 * y[1, 1]), rtol=1e-15)


def test_cosine_embedding_with_rows_whose_squares_overflow():
    criterion = nn.CosineEmbeddingCriterion()
    x = np.full((2, 3), 1e200)
    target = np.array([1, -1])
    # c = 1 for both pairs: ℓ = 1 − 1 = 0 (similar), max(0, 1 − 0) = 1 (dissimilar).
    assert criterion.forward([x, x.copy()], target) == 0.5
    grads = criterion.backward([x, x.copy()], target)
    for grad in grads:
        assert np.isfinite(grad).all()
        np.testing.assert_array_equal(grad[0], 0.0)  # ∂c/∂x1 = 0 along x2 = x1


def test_cosine_embedding_scaled_rows_are_the_formula_at_another_scale():
    base1, base2 = np.array([[1.0, 2.0, -3.0]]), np.array([[2.0, -1.0, 0.5]])
    scale = 2.0**700  # |x|² overflows; scaling by a power of two is exact
    ordinary = nn.CosineEmbeddingCriterion()
    loss = ordinary.forward([base1, base2], np.array([1]))
    grad1, grad2 = (g.copy() for g in ordinary.backward([base1, base2], np.array([1])))
    huge = nn.CosineEmbeddingCriterion()
    assert huge.forward([base1 * scale, base2 * scale], np.array([1])) == pytest.approx(loss)
    big1, big2 = huge.backward([base1 * scale, base2 * scale], np.array([1]))
    np.testing.assert_allclose(big1 * scale, grad1, rtol=1e-11)  # ε = 1e-12 is negligible
    np.testing.assert_allclose(big2 * scale, grad2, rtol=1e-11)


def test_mse_backward_where_x_minus_t_overflows():
    criterion = nn.MSECriterion()
    x, t = np.array([1e308, 0.0, 0.0, 0.0]), np.array([-1e308, 0.0, 0.0, 1.0])
    # 2 (x − t) / 4: 1e308 and −0.5, representable although x − t = 2e308 is not.
    np.testing.assert_array_equal(criterion.backward(x, t), [1e308, 0.0, 0.0, -0.5])


def test_mse_backward_past_the_range_warns_in_its_own_words():
    criterion = nn.MSECriterion(size_average=False)
    with pytest.warns(RuntimeWarning, match=r"nn.MSECriterion: the gradient .* past the float"):
        grad = criterion.backward(np.array([1e308]), np.array([-1e308]))
    assert grad[0] == np.inf


def exact_gradient(x: np.ndarray, g: np.ndarray) -> list[float]:
    """J(x) g = (‖x‖² g − x (x·g)) / ‖x‖³ in rational arithmetic (‖x‖³ rounded once)."""
    xs, gs = [Fraction(v) for v in x], [Fraction(v) for v in g]
    square = sum(v * v for v in xs)
    dot = sum(u * v for u, v in zip(xs, gs))
    half = (square.numerator.bit_length() - square.denominator.bit_length()) // 2
    norm = Fraction(math.sqrt(square / Fraction(4) ** half)) * Fraction(2) ** half  # ‖x‖
    results = []
    for u, v in zip(xs, gs):
        value = (v * square - u * dot) / (square * norm)
        try:
            results.append(float(value))
        except OverflowError:
            results.append(math.copysign(math.inf, value.numerator))
    return results


@pytest.mark.parametrize("jacobian", [True, False], ids=["jacobian", "direct"])
@pytest.mark.parametrize(
    "x, g",
    [
        ([5e-324, 5e-324], [8.0, 8.0]),  # the case: g along x, J g = 0
        ([3e-320, 7e-320], [1.5, 3.5]),  # g along x again, subnormal x
        ([1e-10, 1e-10], [1e300, 1e300]),  # ordinary x, g too large for ‖g‖/‖x‖
        ([1e-300, 2e-300], [1e300, 2e300]),  # ‖x‖² underflows, ‖g‖² overflows
    ],
)
def test_l2normalize_backward_past_the_range_is_the_exact_answer(jacobian, x, g):
    x, g = np.array([x]), np.array([g])
    layer = nn.L2Normalize(jacobian=jacobian)
    layer.forward(x)
    np.testing.assert_array_equal(layer.backward(x, g)[0], exact_gradient(x[0], g[0]))


def test_l2normalize_backward_truly_past_the_range_is_inf_on_both_paths():
    x, g = np.array([[5e-324, 1e-323]]), np.array([[8.0, 8.0]])  # J g ≈ (3e323, −1.5e323)
    results = []
    for jacobian in (True, False):
        layer = nn.L2Normalize(jacobian=jacobian)
        layer.forward(x)
        results.append(layer.backward(x, g).copy())
    np.testing.assert_array_equal(results[0], [[np.inf, -np.inf]])
    np.testing.assert_array_equal(results[1], results[0])
