"""Threat: finite input that silently gives NaN, ±inf or a leaked NumPy warning.

Issue 18, items 6 and 7. Finite numbers whose exact answer is representable must get that
answer (to rounding), not NaN or ±inf from an intermediate that overflowed, and no NumPy warning
may leak out of a layer: LogSoftMax's backward where Σ g overflows, SoftMax's (SoftMin's,
SpatialSoftMax's) where g − Σ gy does, CosineEmbeddingCriterion on
rows whose |x|² overflows (scaled by a power of two, as L2Normalize does), MSECriterion's
backward where x − t overflows, and L2Normalize's two backward paths where ‖g‖/‖x‖ is past the
float range (both must give the exact answer wherever it is representable); CosineDistance
(forward and backward) where |x|² over- or underflows, and PairwiseDistance where Σ|d|ᵖ does
(p = 1, 2 and others), on seeded random rows whose entries span the whole float64 exponent
range, against mpmath at 300 bits. "To rounding" is the plain formula's own error bound on
ordinary input: a few ε times the size of the terms summed (normwise: cancellation between
entries is not rounding-free on any input), plus the subnormal rounding of the result.
"""

from __future__ import annotations

import math
import warnings
from fractions import Fraction

import numpy as np
import pytest

from minitorch_l2 import nn

mpmath = pytest.importorskip(
    "mpmath", reason="mpmath (the [test] extra) gives the exact values compared with"
)


@pytest.fixture(autouse=True)
def warnings_are_errors():
    with warnings.catch_warnings(), mpmath.workprec(300):  # normwise-exact: see the docstring
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


EPS = float(np.finfo(np.float64).eps)
FLOOR = 4 * 2.0**-1074  # the subnormal rounding of a result (and of the ε-sized terms)
BIG = float(np.finfo(np.float64).max)


def extreme_rows(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    """(n, d) float64 entries with exponents uniform over the whole range, one in six zero."""
    exponent = rng.integers(-1074, 1024, size=(n, d))
    values = np.ldexp(rng.uniform(0.5, 1.0, (n, d)) * rng.choice([-1.0, 1.0], (n, d)), exponent)
    values[rng.uniform(size=(n, d)) < 1 / 6] = 0.0
    return values


def mp(values) -> list:
    return [mpmath.mpf(float(v)) for v in values]


def check_close(got: float, exact, tolerance) -> None:
    """``got`` is the exact value to ``tolerance``; ±inf only where the exact value is past max."""
    assert not math.isnan(got)
    if abs(exact) > BIG * (1 + EPS / 2):  # rounds to ±inf
        assert got == math.copysign(math.inf, exact) or abs(got - exact) <= tolerance
        return
    assert math.isfinite(got) or tolerance == mpmath.inf, (got, exact)
    assert abs(mpmath.mpf(got) - exact) <= tolerance, (got, float(exact), float(tolerance))


def exact_cosine(x1, x2, g):
    """Lua's c = a / √(s1 s2) and g ∂c/∂x, with the normwise sizes of their terms."""
    x1, x2, eps = mp(x1), mp(x2), mpmath.mpf(1e-12)
    a = mpmath.fsum(u * v for u, v in zip(x1, x2))
    norm1, norm2 = (
        mpmath.sqrt(mpmath.fsum(u * u for u in x1)),
        mpmath.sqrt(mpmath.fsum(v * v for v in x2)),
    )
    s1, s2 = norm1**2 + eps, norm2**2 + eps
    w = 1 / mpmath.sqrt(s1 * s2)
    grads, sizes = [], []
    for mine, other, s in ((x1, x2, s1), (x2, x1, s2)):
        grads.append([g * w * (v - a / s * u) for u, v in zip(mine, other)])
        peak = max(abs(v) for v in other) + norm1 * norm2 / s * max(abs(u) for u in mine)
        sizes.append(abs(g) * w * peak)
    return a * w, norm1 * norm2 * w, grads, sizes


def test_cosine_distance_the_reviews_case():
    x1, x2 = np.array([[1e300, -1e308, 5e-324]]), np.array([[-5e-324, 1e155, 1e300]])
    layer = nn.CosineDistance()
    y = layer.forward([x1, x2])
    exact, _, grads, _ = exact_cosine(x1[0], x2[0], mpmath.mpf(1))
    assert y[0] == pytest.approx(float(exact), rel=4 * EPS)  # −1e-145
    result = layer.backward([x1, x2], np.array([1.0]))
    for got, want in zip(result, grads):
        np.testing.assert_allclose(got[0], [float(v) for v in want], rtol=4 * EPS, atol=FLOOR)


@pytest.mark.parametrize("seed", range(4))
def test_cosine_distance_of_extreme_rows_is_the_formula_to_rounding(seed):
    rng = np.random.default_rng(seed)
    x1, x2 = extreme_rows(rng, 25, 3), extreme_rows(rng, 25, 3)
    g = extreme_rows(rng, 1, 25)[0]
    layer = nn.CosineDistance()
    y = layer.forward([x1, x2]).copy()
    grads = [grad.copy() for grad in layer.backward([x1, x2], g)]
    for row in range(25):
        exact, size, exact_grads, sizes = exact_cosine(x1[row], x2[row], mpmath.mpf(g[row]))
        check_close(float(y[row]), exact, 8 * 3 * EPS * size + FLOOR)
        for got, want, size in zip(grads, exact_grads, sizes):
            for column in range(3):
                check_close(float(got[row, column]), want[column], 16 * 3 * EPS * size + FLOOR)


def test_cosine_embedding_gradient_of_a_tiny_row_against_a_huge_one():
    x1, x2 = np.array([[1e-300, 0.0, 0.0]]), np.array([[1e300, 2e300, 0.0]])
    criterion = nn.CosineEmbeddingCriterion()
    criterion.forward([x1, x2], np.array([1]))
    grads = criterion.backward([x1, x2], np.array([1]))
    _, _, exact, _ = exact_cosine(x1[0], x2[0], mpmath.mpf(-1))  # ∂ℓ/∂c = −1
    for got, want in zip(grads, exact):
        np.testing.assert_allclose(got[0], [float(v) for v in want], rtol=8 * EPS, atol=FLOOR)
    assert grads[0][0, 0] != 0  # ≈ −4.5e-295: the old scaled path had ε·2⁻²ᵉ overflow here


def exact_distance(x1, x2, g, p):
    """Lua's y = ‖x1 − x2‖ₚ, g ∂y/∂x1 = g sign(d) |d|ᵖ⁻¹ / (y + 1e-6)ᵖ⁻¹ and the latter's size."""
    d = [u - v for u, v in zip(mp(x1), mp(x2))]
    p = mpmath.mpf(p)
    y = mpmath.fsum(abs(t) ** p for t in d) ** (1 / p)
    ratio = [abs(t) / (y + mpmath.mpf(1e-6)) for t in d]
    grad = [g * mpmath.sign(t) * r ** (p - 1) for t, r in zip(d, ratio)]
    return y, grad, abs(g) * max(ratio) ** (p - 1)


@pytest.mark.parametrize("p", [1, 2, 3, 1.5, 7.25])
def test_pairwise_distance_of_extreme_rows_is_the_formula_to_rounding(p):
    rng = np.random.default_rng(int(p * 4))
    x1, x2 = extreme_rows(rng, 40, 3), extreme_rows(rng, 40, 3)
    x2[:8] = x1[:8] * (1 + rng.uniform(-1e-3, 1e-3, (8, 3)))  # near pairs: small d, any scale
    g = extreme_rows(rng, 1, 40)[0]
    layer = nn.PairwiseDistance(p)
    y = layer.forward([x1, x2]).copy()
    grad1, grad2 = (grad.copy() for grad in layer.backward([x1, x2], g))
    np.testing.assert_array_equal(grad2, -grad1)
    for row in range(40):
        exact, grad, size = exact_distance(x1[row], x2[row], mpmath.mpf(g[row]), p)
        # y = S^(1/p) with 1/p rounded (Lua's formula too): a relative error up to |ln y| ε/2.
        power = abs(mpmath.log(exact)) if exact else 0
        check_close(float(y[row]), exact, (8 * 3 + power) * EPS * exact + FLOOR)
        tolerance = (16 * 3 * p + (p - 1) * power) * EPS * size + FLOOR
        for column in range(3):
            check_close(float(grad1[row, column]), grad[column], tolerance)


def test_pairwise_distance_where_the_sum_of_squares_overflows():
    x1, x2 = np.array([[1e200, 1e200], [1.5e308, -1.5e308]]), np.array([[0.0, 0.0], [0.0, 0.0]])
    layer = nn.PairwiseDistance(2)
    y = layer.forward([x1, x2])
    assert y[0] == pytest.approx(math.sqrt(2) * 1e200, rel=2 * EPS)  # Σd² = 2e400 overflows
    assert y[1] == np.inf  # √2 · 1.5e308: truly past the range
    grad = layer.backward([x1, x2], np.array([1.0, 1.0]))[0]
    np.testing.assert_allclose(grad, [[0.5**0.5] * 2, [0.5**0.5, -(0.5**0.5)]], rtol=2 * EPS)


def exact_normalize(x, g, p, eps):
    """Lua's Normalize: y = x / N and g ∂y/∂x, with the normwise size of the gradient's terms.

    S = Σ|x|ᵖ + eps, N = S^(1/p), b = |x|ᵖ⁻² x ((|x| + eps)ᵖ⁻² x for p < 2), gradient
    (S g − b (x·g)) / (S N); p = ∞: N = max|x| + eps, (N g − eₖ xₖ (x·g) / N) / N².
    """
    x, g, eps = mp(x), mp(g), mpmath.mpf(eps)
    dot = mpmath.fsum(u * v for u, v in zip(x, g))
    if p == math.inf:
        k = max(range(len(x)), key=lambda i: (abs(x[i]), -i))  # the first largest
        norm = abs(x[k]) + eps
        w = [x[k] / norm if i == k else 0 for i in range(len(x))]  # b N / S, as for finite p
        grad = [gi - wi * dot / norm for gi, wi in zip(g, w)]
    else:
        p = mpmath.mpf(p)
        total = mpmath.fsum(abs(u) ** p for u in x) + eps
        norm = total ** (1 / p)
        shift = eps if p < 2 else 0
        w = [(abs(u) + shift) ** (p - 2) * u * norm / total if u else 0 for u in x]
        grad = [gi - wi * dot / norm for gi, wi in zip(g, w)]
    y = [u / norm for u in x]
    size = max(abs(v) for v in g) + max(abs(v) for v in w) * mpmath.fsum(
        abs(u * v) for u, v in zip(y, g)
    )
    return y, [v / norm for v in grad], norm, size / norm


@pytest.mark.parametrize("eps", [1e-10, 0.0])
@pytest.mark.parametrize("p", [1, 1.5, 2, 3, math.inf])
def test_normalize_of_extreme_rows_is_lua_formula_to_rounding(p, eps):
    rng = np.random.default_rng(int(40 + 4 * min(p, 9)))
    x, g = extreme_rows(rng, 30, 3), extreme_rows(rng, 30, 3)
    x[x.any(axis=1) == 0, 0] = 1.0  # no zero row (eps = 0: 0/0, NaN in Lua too)
    layer = nn.Normalize(p, eps)
    y = layer.forward(x).copy()
    grad = layer.backward(x, g).copy()
    for row in range(30):
        exact_y, exact_grad, norm, size = exact_normalize(x[row], g[row], p, eps)
        # N = S^(1/p) with 1/p rounded, eps^(1/p) and uᵖ⁻¹ too: relative errors of |ln|·ε.
        power = abs(mpmath.log(norm)) + (abs(mpmath.log(eps)) if eps else 0) + min(p, 4)
        for column in range(3):
            tolerance = (8 * 3 + power) * EPS * abs(exact_y[column]) + FLOOR
            check_close(float(y[row, column]), exact_y[column], tolerance)
            tolerance = (16 * 3 * min(p, 4) + 2 * power) * EPS * size + FLOOR
            check_close(float(grad[row, column]), exact_grad[column], tolerance)


def test_normalize_where_the_sum_of_powers_overflows():
    x = np.array([[3e200, 4e200], [1e-200, 0.0]])
    layer = nn.Normalize(2)
    # ‖x‖² = 2.5e401 overflows, N = 5e200; row 1: S = 1e-400 + 1e-10, N = 1e-5 (eps's scale).
    np.testing.assert_allclose(layer.forward(x), [[0.6, 0.8], [1e-195, 0.0]], rtol=4 * EPS)
    grad = layer.backward(x, np.array([[4.0, -3.0], [1e300, 0.0]]))
    # Row 0: g ⊥ y, so J g = g / N; row 1: ≈ g / N = 1e305 (x·g = 1e100, negligible).
    np.testing.assert_allclose(grad, [[8e-201, -6e-201], [1e305, 0.0]], rtol=8 * EPS)


@pytest.mark.parametrize("seed", range(3))
def test_euclidean_of_extreme_rows_and_centres_is_the_formula_to_rounding(seed):
    rng = np.random.default_rng(60 + seed)
    n, d, k = 8, 3, 5
    x, w, g = extreme_rows(rng, n, d), extreme_rows(rng, d, k), extreme_rows(rng, n, k)
    layer = nn.Euclidean(d, k)
    layer.weight[...] = w
    layer.zero_grad_parameters()
    y = layer.forward(x).copy()
    grad = layer.backward(x, g).copy()
    x, centres, g = [[mp(row) for row in a] for a in (x, w.T, g)]
    # y = ‖x − w‖, q = (x − w) / (y + 1e-7) (Lua's guard), ∂L/∂x = Σⱼ gⱼ qⱼ, ∂L/∂wⱼ = −Σₙ gₙⱼ qₙⱼ
    exact = [
        [mpmath.sqrt(mpmath.fsum((a - b) ** 2 for a, b in zip(r, c))) for c in centres] for r in x
    ]
    q = [
        [
            [(a - b) / (exact[i][j] + mpmath.mpf(1e-7)) for a, b in zip(x[i], centres[j])]
            for j in range(k)
        ]
        for i in range(n)
    ]
    for i in range(n):
        for j in range(k):
            check_close(float(y[i, j]), exact[i][j], 8 * d * EPS * exact[i][j] + FLOOR)
        size = mpmath.fsum(abs(v) for v in g[i])  # |q| ≤ 1: normwise
        for c in range(d):
            want = mpmath.fsum(g[i][j] * q[i][j][c] for j in range(k))
            check_close(float(grad[i, c]), want, 16 * d * EPS * size + k * FLOOR)
    for j in range(k):
        size = mpmath.fsum(abs(g[i][j]) for i in range(n))
        for c in range(d):
            want = -mpmath.fsum(g[i][j] * q[i][j][c] for i in range(n))
            check_close(float(layer.grad_weight[c, j]), want, 16 * d * EPS * size + n * FLOOR)


def forward_allowing_overflow(criterion, x, target, exact) -> float:
    """The loss; where the exact loss is past the range, inf with the criterion's own warning."""
    if abs(exact) <= BIG:
        return criterion.forward(x, target)
    with pytest.warns(RuntimeWarning, match=criterion._who() + ": the loss is -?inf"):
        return criterion.forward(x, target)


def test_hinge_embedding_mean_where_the_sum_overflows():
    criterion = nn.HingeEmbeddingCriterion(1e308)
    x, target = np.array([0.0, 0.0, 0.0, 5.0]), np.array([-1.0, -1.0, -1.0, 1.0])
    assert criterion.forward(x, target) == pytest.approx(0.75e308, rel=2 * EPS)  # Σ = 3e308
    single = nn.HingeEmbeddingCriterion(1e308).float()  # margin − x is inf in float32
    assert single.forward(x.astype(np.float32), target.astype(np.float32)) > 7e307


@pytest.mark.parametrize("seed", range(3))
def test_hinge_embedding_of_extreme_distances_is_the_formula_to_rounding(seed):
    rng = np.random.default_rng(70 + seed)
    for margin in (1e308, 1.5e308, 1.0):
        x, target = extreme_rows(rng, 1, 6)[0], rng.choice([-1.0, 1.0], 6)
        exact = mpmath.fsum(
            mpmath.mpf(v) if t == 1 else max(0, mpmath.mpf(margin) - mpmath.mpf(v))
            for v, t in zip(x, target)
        )
        size = mpmath.fsum(abs(mpmath.mpf(v)) for v in x) + 6 * margin  # the terms summed
        loss = forward_allowing_overflow(nn.HingeEmbeddingCriterion(margin), x, target, exact / 6)
        check_close(loss, exact / 6, 8 * 6 * EPS * size / 6 + FLOOR)


def exact_multi_margin(x, target, p, weights):
    """Σᵢ Σⱼ≠tᵢ w[tᵢ] max(0, 1 − x[i, tᵢ] + x[i, j])ᵖ / C / n and its gradient, with sizes."""
    n, classes = x.shape
    rows = [mp(row) for row in x]
    total, size, grads, sizes = 0, 0, [], []
    for i, row in enumerate(rows):
        w = 1 if weights is None else mpmath.mpf(float(weights[target[i]]))
        z = [max(0, 1 - row[target[i]] + v) if j != target[i] else 0 for j, v in enumerate(row)]
        total += w * mpmath.fsum(t**p for t in z)
        grad = [w * (t > 0 if p == 1 else 2 * t) / (n * classes) for t in z]
        grad[target[i]] = -mpmath.fsum(grad)
        grads.append(grad)
        peak = 1 + 2 * max(abs(v) for v in row)  # the largest |z|
        size += abs(w) * peak**p / n  # the terms summed, normwise
        sizes.append(abs(w) * (1 if p == 1 else 2 * peak) / n)
    return total / classes / n, size, grads, sizes


@pytest.mark.parametrize("p", [1, 2])
@pytest.mark.parametrize("weighted", [False, True])
def test_multi_margin_of_extreme_scores_is_the_formula_to_rounding(p, weighted):
    rng = np.random.default_rng(80 + 2 * p + weighted)
    for trial in range(6):
        x = extreme_rows(rng, 3, 4)
        if trial % 2:  # scores near 1e154: squares that overflow only in the sum
            x = np.ldexp(rng.uniform(-1, 1, (3, 4)), rng.integers(508, 513, (3, 4)))
        target = rng.integers(0, 4, 3)
        if trial == 0:  # z = 3e308 overflows; z / 12 does not
            x[0, target[0]], x[0, (target[0] + 1) % 4] = -1.5e308, 1.5e308
        weights = np.abs(extreme_rows(rng, 1, 4)[0]) if weighted else None
        exact, size, grads, sizes = exact_multi_margin(x, target, p, weights)
        criterion = nn.MultiMarginCriterion(p, weights)
        loss = forward_allowing_overflow(criterion, x, target, exact)
        check_close(loss, exact, 8 * 12 * EPS * size + FLOOR)
        if any(abs(v) > BIG for row in grads for v in row):
            with pytest.warns(RuntimeWarning, match="MultiMarginCriterion: the gradient is past"):
                grad = criterion.backward(x, target)
        else:
            grad = criterion.backward(x, target)
        for i in range(3):
            for j in range(4):
                check_close(float(grad[i, j]), grads[i][j], 16 * 4 * EPS * sizes[i] + FLOOR)


def test_multi_margin_mean_of_squares_that_overflow_only_in_the_sum():
    x, target = np.array([[0.0, 1e154, 1e154, 1e154, -1e154]]), np.array([0])
    criterion = nn.MultiMarginCriterion(p=2)
    # 3 (1e154 + 1)² / 5 = 6e307: representable though Σ = 3e308 is not.
    assert criterion.forward(x, target) == pytest.approx(6e307, rel=4 * EPS)
    np.testing.assert_allclose(criterion.backward(x, target), [[-1.2e154, 4e153, 4e153, 4e153, 0]])


@pytest.mark.parametrize("seed", range(3))
def test_cosine_of_extreme_rows_and_weights_is_the_formula_to_rounding(seed):
    rng = np.random.default_rng(90 + seed)
    n, d, k = 6, 3, 4
    x, w, g = extreme_rows(rng, n, d), extreme_rows(rng, k, d), extreme_rows(rng, n, k)
    if seed == 0:  # ordinary weights and slopes: only x's rows misbehave
        w, g = rng.uniform(-1, 1, (k, d)), rng.uniform(-1, 1, (n, k))
    layer = nn.Cosine(d, k)
    layer.weight[...] = w
    layer.zero_grad_parameters()
    y = layer.forward(x).copy()
    grad = layer.backward(x, g).copy()
    x, w, g = [[mp(row) for row in a] for a in (x, w, g)]
    eps = mpmath.mpf(1e-12)  # Lua's guard on each norm
    norm_x, norm_w = [[mpmath.sqrt(mpmath.fsum(v * v for v in r)) for r in a] for a in (x, w)]
    exact = [
        [
            mpmath.fsum(a * b for a, b in zip(x[i], w[j])) / ((norm_x[i] + eps) * (norm_w[j] + eps))
            for j in range(k)
        ]
        for i in range(n)
    ]
    peak_x, peak_w = [[max(abs(v) for v in r) for r in a] for a in (x, w)]
    for i in range(n):
        for j in range(k):
            size = norm_x[i] * norm_w[j] / ((norm_x[i] + eps) * (norm_w[j] + eps))
            check_close(float(y[i, j]), exact[i][j], 8 * d * EPS * size + FLOOR)
    # ∂L/∂xₙ = Σⱼ gₙⱼ (wⱼ/‖wⱼ‖ − yₙⱼ xₙ/‖xₙ‖) / ‖xₙ‖, ∂L/∂wⱼ the same with x and w swapped.
    for grads, mine, other, norms, others, peaks, other_peaks, slope in (
        (grad, x, w, norm_x, norm_w, peak_x, peak_w, lambda i, j: g[i][j]),
        (layer.grad_weight, w, x, norm_w, norm_x, peak_w, peak_x, lambda j, i: g[i][j]),
    ):
        for a in range(len(mine)):
            terms = range(len(other))
            cos = [exact[a][b] if mine is x else exact[b][a] for b in terms]
            size = mpmath.fsum(
                abs(slope(a, b))
                * (other_peaks[b] / (others[b] + eps) + abs(cos[b]) * peaks[a] / (norms[a] + eps))
                for b in terms
            ) / (norms[a] + eps)
            for c in range(d):
                want = mpmath.fsum(
                    slope(a, b)
                    * (other[b][c] / (others[b] + eps) - cos[b] * mine[a][c] / (norms[a] + eps))
                    for b in terms
                ) / (norms[a] + eps)
                check_close(float(grads[a, c]), want, 16 * d * len(terms) * EPS * size + FLOOR)


# The reductions (nn/criterion/_exact_mean.py): a loss whose terms, products, sum or total weight
# overflow is redone exactly scaled; each case below gave ±inf, NaN or a NumPy warning before.
def _picked(x, t):
    return [mpmath.mpf(float(x[i, c])) for i, c in enumerate(t)]


def _cross_entropy_terms(x, t):
    return [
        mpmath.log(mpmath.fsum(mpmath.exp(v) for v in mp(row))) - mpmath.mpf(float(row[c]))
        for row, c in zip(x, t)
    ]


REDUCTIONS = {  # name: (criterion, inputs from rng, exact (terms, weights, divisor), scale)
    "MSE": lambda x, t: [(a - b) ** 2 for a, b in zip(mp(x.ravel()), mp(t.ravel()))],
    "Abs": lambda x, t: [abs(a - b) for a, b in zip(mp(x.ravel()), mp(t.ravel()))],
    "SmoothL1": lambda x, t: [
        (a - b) ** 2 / 2 if abs(a - b) < 1 else abs(a - b) - mpmath.mpf(0.5)
        for a, b in zip(mp(x.ravel()), mp(t.ravel()))
    ],
    "DistKLDiv": lambda x, t: [
        b * (mpmath.log(b) - a) if b > 0 else mpmath.mpf(0)
        for a, b in zip(mp(x.ravel()), mp(t.ravel()))
    ],
    "Margin": lambda x, t: [max(0, 1 - a * b) for a, b in zip(mp(x.ravel()), mp(t.ravel()))],
}


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@pytest.mark.parametrize("size_average", [True, False])
def test_elementwise_losses_of_extreme_input_are_the_exact_mean(name, size_average):
    rng = np.random.default_rng(18)
    for _ in range(4):
        x, t = extreme_rows(rng, 4, 3), extreme_rows(rng, 4, 3)
        if name == "DistKLDiv":
            t = np.abs(t)
        if name == "Margin":
            t = np.sign(t) + (t == 0)
        criterion = getattr(nn, name + "Criterion")(size_average=size_average)
        terms = REDUCTIONS[name](x, t)
        divisor = x.size if size_average else 1
        exact = mpmath.fsum(terms) / divisor
        scale = mpmath.fsum(abs(v) for v in terms) / divisor
        loss = forward_allowing_overflow(criterion, x, t, exact)
        check_close(loss, exact, 16 * EPS * scale + FLOOR)


@pytest.mark.parametrize("cross_entropy", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("size_average", [True, False])
def test_class_losses_of_extreme_input_are_the_exact_weighted_mean(
    cross_entropy, weighted, size_average
):
    rng = np.random.default_rng(6)
    for _ in range(4):
        x, t = extreme_rows(rng, 4, 3), rng.integers(0, 3, 4)
        w = np.abs(extreme_rows(rng, 1, 3)[0]) + 1e300 if weighted else None  # Σ w[tᵢ] may overflow
        cls = nn.CrossEntropyCriterion if cross_entropy else nn.ClassNLLCriterion
        criterion = cls(weights=w, size_average=size_average)
        terms = _cross_entropy_terms(x, t) if cross_entropy else [-v for v in _picked(x, t)]
        weights = [mpmath.mpf(1)] * 4 if w is None else mp(w[t])
        divisor = mpmath.fsum(weights) if size_average else 1
        products = [a * b for a, b in zip(weights, terms)]
        exact = mpmath.fsum(products) / divisor
        scale = mpmath.fsum(abs(v) for v in products) / divisor
        loss = forward_allowing_overflow(criterion, x, t, exact)
        check_close(loss, exact, 16 * EPS * scale + FLOOR)
        if weighted and size_average:  # ∂L/∂x[i, tᵢ] = −w[tᵢ]/Z even where Z overflows
            grad = nn.ClassNLLCriterion(w).backward(x, t)[np.arange(4), t]
            for got, exact_step in zip(grad, weights):
                check_close(
                    float(got), -exact_step / divisor, 4 * EPS * exact_step / divisor + FLOOR
                )


@pytest.mark.parametrize(
    "make, x, t, exact",
    [
        (
            nn.CrossEntropyCriterion,
            np.array([[1e308, -1e308], [0.0, 0.0]]),
            np.array([1, 0]),
            1e308,
        ),
        (nn.MSECriterion, np.full(4, 1e154), np.zeros(4), 1e308),
        (nn.SmoothL1Criterion, np.array([1e308, 0, 0, 0]), np.array([-1e308, 0, 0, 0]), 5e307),
        (nn.SoftMarginCriterion, np.full(4, -1e308), np.ones(4), 1e308),
        (nn.MultiLabelSoftMarginCriterion, np.full((2, 2), -1e308), np.ones((2, 2)), 1e308),
        (
            nn.SpatialClassNLLCriterion,
            np.full((1, 2, 2, 2), -1e308),
            np.zeros((1, 2, 2), int),
            1e308,
        ),
    ],
)
def test_one_term_or_the_sum_past_the_range_with_a_representable_mean(make, x, t, exact):
    assert make().forward(x, t) == pytest.approx(exact, rel=4 * EPS)


def test_margin_ranking_where_x1_minus_x2_overflows():
    criterion = nn.MarginRankingCriterion()
    x1, x2 = np.array([-1e308, 0.0, 0.0, 0.0]), np.array([1e308, 0.0, 0.0, 0.0])
    assert criterion.forward([x1, x2], np.ones(4)) == pytest.approx(0.5e308 + 0.75, rel=4 * EPS)


def test_dist_kl_div_with_terms_of_both_signs_past_the_range_is_inf_not_nan():
    criterion = nn.DistKLDivCriterion()  # exact: (1e616 − 1e600 + ...) / 4, past the range
    x, t = np.array([-1e308, 1e300, 0.0, 0.0]), np.array([1e308, 1e300, 0.0, 0.0])
    with pytest.warns(RuntimeWarning, match="DistKLDivCriterion: the loss is inf"):
        assert criterion.forward(x, t) == math.inf


def test_smooth_l1_backward_where_x_minus_t_overflows_leaks_no_warning():
    grad = nn.SmoothL1Criterion().backward(np.array([1e308, 0.0]), np.array([-1e308, 0.0]))
    np.testing.assert_array_equal(grad, [0.5, 0.0])
