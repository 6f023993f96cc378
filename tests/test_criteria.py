"""MSE, ClassNLL, CrossEntropy, CosineEmbedding criteria: formulas, oracles, gradients, errors."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from minitorch_l2 import nn
from minitorch_l2.gradcheck import check_criterion

from .strategies import arrays, class_problems, sign_targets

# The project's own checker: |analytic − numeric| ≤ atol + rtol·|numeric| for every element of
# ∂loss/∂input, numeric from central differences of step 1e-6 (good to ~1e-10 for these losses).
TOLERANCE = {"atol": 1e-8, "rtol": 1e-6}

CRITERIA = [
    nn.MSECriterion,
    nn.ClassNLLCriterion,
    nn.CrossEntropyCriterion,
    nn.CosineEmbeddingCriterion,
]


def sample(shape=(4, 5), seed=0, scale=2.0):
    return np.random.default_rng(seed).normal(scale=scale, size=shape)


def log_probabilities(shape=(4, 5), seed=0):
    x = sample(shape, seed)
    return x - np.log(np.exp(x).sum(axis=-1, keepdims=True))


def to_torch(torch, array):
    return torch.tensor(array, requires_grad=array.dtype.kind == "f")


# ---------------------------------------------------------------- MSECriterion
def test_mse_by_hand():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    t = np.array([[0.0, 2.0], [5.0, 1.0]])
    # squared errors 1, 0, 4, 9 → sum 14, mean 3.5; gradient 2 (x − t) / 4
    assert nn.MSECriterion().forward(x, t) == 3.5
    assert nn.MSECriterion(size_average=False).forward(x, t) == 14.0
    np.testing.assert_array_equal(nn.MSECriterion().backward(x, t), [[0.5, 0.0], [-1.0, 1.5]])
    np.testing.assert_array_equal(
        nn.MSECriterion(size_average=False).backward(x, t), [[2.0, 0.0], [-4.0, 6.0]]
    )


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("shape", [(6,), (3, 4), (2, 3, 2)])
def test_mse_matches_pytorch(torch, reduction, shape):
    x, t = sample(shape), sample(shape, seed=1)
    criterion = nn.MSECriterion(size_average=reduction == "mean")
    x_t = to_torch(torch, x)
    loss_t = torch.nn.functional.mse_loss(x_t, torch.tensor(t), reduction=reduction)
    loss_t.backward()
    assert criterion.forward(x, t) == pytest.approx(loss_t.item(), rel=1e-13)
    np.testing.assert_allclose(criterion.backward(x, t), x_t.grad.numpy(), rtol=1e-13)


@pytest.mark.parametrize("size_average", [True, False])
def test_mse_gradient_matches_finite_differences(size_average):
    report = check_criterion(nn.MSECriterion(size_average), sample(), sample(seed=1), **TOLERANCE)
    assert report.ok, str(report)


def test_mse_float32():
    x = sample().astype(np.float32)
    grad = nn.MSECriterion().backward(x, np.zeros_like(x))
    assert grad.dtype == np.float32


def test_mse_bad_targets():
    criterion = nn.MSECriterion()
    x = sample()
    with pytest.raises(ValueError, match=r"nn\.MSECriterion: expected target of the input's"):
        criterion.forward(x, np.zeros((4, 4)))
    with pytest.raises(TypeError, match=r"nn\.MSECriterion: target has dtype float32"):
        criterion.forward(x, np.zeros((4, 5), dtype=np.float32))
    with pytest.raises(TypeError, match=r"nn\.MSECriterion: expected target to be a numpy"):
        criterion.forward(x, [[0.0] * 5] * 4)
    with pytest.raises(ValueError, match=r"nn\.MSECriterion: expected a non-empty input"):
        criterion.forward(np.zeros((0, 3)), np.zeros((0, 3)))


# ---------------------------------------------------------------- ClassNLLCriterion
def test_class_nll_by_hand_with_weights():
    x = np.log(np.array([[0.5, 0.25, 0.25], [0.1, 0.2, 0.7], [0.6, 0.3, 0.1]]))
    t = np.array([0, 2, 1])
    w = np.array([1.0, 2.0, 3.0])
    # terms −w[t]·x[i, t]: −1·log .5, −3·log .7, −2·log .3; Torch divides by Σ w[t] = 6
    total = -(math.log(0.5) + 3 * math.log(0.7) + 2 * math.log(0.3))
    assert nn.ClassNLLCriterion(w).forward(x, t) == pytest.approx(total / 6, rel=1e-15)
    assert nn.ClassNLLCriterion(w, size_average=False).forward(x, t) == pytest.approx(total)
    expected = np.zeros((3, 3))
    expected[0, 0], expected[1, 2], expected[2, 1] = -1 / 6, -3 / 6, -2 / 6
    np.testing.assert_allclose(nn.ClassNLLCriterion(w).backward(x, t), expected, rtol=1e-15)


def test_class_nll_of_a_single_vector():
    x = np.log(np.array([0.2, 0.8]))
    for target in (1, np.int64(1), np.array(1), np.array([1])):
        assert nn.ClassNLLCriterion().forward(x, target) == pytest.approx(-math.log(0.8))
    np.testing.assert_array_equal(nn.ClassNLLCriterion().backward(x, 1), [0.0, -1.0])


def test_class_nll_with_zero_total_weight_is_zero_as_in_torch7():
    x = log_probabilities((2, 3))
    criterion = nn.ClassNLLCriterion(np.array([0.0, 1.0, 1.0]))
    t = np.array([0, 0])
    assert criterion.forward(x, t) == 0.0
    assert not criterion.backward(x, t).any()


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("shape", [(5,), (6, 4)])
def test_class_nll_matches_pytorch(torch, weighted, reduction, shape):
    x = log_probabilities(shape)
    rows = 1 if len(shape) == 1 else shape[0]
    t = np.random.default_rng(2).integers(0, shape[-1], rows)
    target = t[0] if len(shape) == 1 else t
    w = np.array([0.5, 2.0, 1.0, 3.0, 0.25][: shape[-1]]) if weighted else None
    criterion = nn.ClassNLLCriterion(w, size_average=reduction == "mean")
    x_t = to_torch(torch, x)
    loss_t = torch.nn.functional.nll_loss(
        x_t,
        torch.tensor(target),
        weight=None if w is None else torch.tensor(w),
        reduction=reduction,
    )
    loss_t.backward()
    assert criterion.forward(x, target) == pytest.approx(loss_t.item(), rel=1e-13)
    np.testing.assert_allclose(criterion.backward(x, target), x_t.grad.numpy(), rtol=1e-13)


@pytest.mark.parametrize("weights", [None, np.array([1.0, 0.5, 2.0, 4.0, 1.5])])
def test_class_nll_gradient_matches_finite_differences(weights):
    x = log_probabilities()
    report = check_criterion(nn.ClassNLLCriterion(weights), x, np.array([0, 4, 2, 2]), **TOLERANCE)
    assert report.ok, str(report)


# ---------------------------------------------------------------- CrossEntropyCriterion
def test_cross_entropy_by_hand():
    x = np.array([0.0, math.log(3.0)])  # softmax (1/4, 3/4)
    assert nn.CrossEntropyCriterion().forward(x, 0) == pytest.approx(math.log(4.0), rel=1e-15)
    np.testing.assert_allclose(nn.CrossEntropyCriterion().backward(x, 0), [-0.75, 0.75])


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("scale", [1.0, 1000.0])
def test_cross_entropy_matches_pytorch_including_logits_of_1000(torch, weighted, reduction, scale):
    x = np.clip(sample((6, 4)), -1, 1) * scale  # scale 1000: logits within ±1000
    t = np.array([0, 3, 1, 2, 1, 0])
    w = np.array([0.5, 2.0, 1.0, 3.0]) if weighted else None
    criterion = nn.CrossEntropyCriterion(w, size_average=reduction == "mean")
    x_t = to_torch(torch, x)
    loss_t = torch.nn.functional.cross_entropy(
        x_t, torch.tensor(t), weight=None if w is None else torch.tensor(w), reduction=reduction
    )
    loss_t.backward()
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        loss = criterion.forward(x, t)
        grad = criterion.backward(x, t)
    assert loss == pytest.approx(loss_t.item(), rel=1e-13)
    np.testing.assert_allclose(grad, x_t.grad.numpy(), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_of_a_spiral_sized_batch_matches_pytorch(torch, dtype, weighted):
    # (300, 3): many rows, few classes — the shape the row reductions fold column by column
    rng = np.random.default_rng(7)
    x = (rng.normal(size=(300, 3)) * 5).astype(dtype)
    t = rng.integers(0, 3, size=300)
    w = np.array([0.5, 2.0, 1.0]) if weighted else None
    x_t = to_torch(torch, x)
    weight_t = None if w is None else torch.tensor(w, dtype=x_t.dtype)
    loss_t = torch.nn.functional.cross_entropy(x_t, torch.tensor(t), weight=weight_t)
    loss_t.backward()
    criterion = nn.CrossEntropyCriterion(w)
    tolerance = 1e-5 if dtype == np.float32 else 1e-12
    assert criterion.forward(x, t) == pytest.approx(loss_t.item(), rel=tolerance)
    grad = criterion.backward(x, t)
    assert grad.dtype == dtype
    np.testing.assert_allclose(grad, x_t.grad.numpy(), rtol=tolerance, atol=tolerance * 1e-3)


@pytest.mark.parametrize("weights", [None, np.array([0.5, 2.0, 1.0])])
def test_cross_entropy_gradient_of_a_folded_batch_matches_finite_differences(weights):
    x = sample((64, 3), seed=3)  # 64 rows >= 16 x 3 columns: the column-folding row maximum
    t = np.random.default_rng(3).integers(0, 3, size=64)
    report = check_criterion(nn.CrossEntropyCriterion(weights), x, t, **TOLERANCE)
    assert report.ok, str(report)


def test_cross_entropy_with_logits_of_plus_minus_1000_is_exact():
    x = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]])
    t = np.array([0, 0])
    # row 0 is certain and right (loss 0); row 1 is certain and wrong (loss 2000)
    assert nn.CrossEntropyCriterion(size_average=False).forward(x, t) == 2000.0
    np.testing.assert_array_equal(
        nn.CrossEntropyCriterion(size_average=False).backward(x, t), [[0.0, 0.0], [-1.0, 1.0]]
    )


def test_cross_entropy_is_log_softmax_then_class_nll():
    x, t, w = sample(), np.array([1, 0, 4, 4]), np.array([1.0, 2.0, 0.5, 1.0, 3.0])
    log_p = nn.LogSoftMax().forward(x)
    expected = nn.ClassNLLCriterion(w).forward(log_p, t)
    assert nn.CrossEntropyCriterion(w).forward(x, t) == pytest.approx(expected, rel=1e-15)


def test_cross_entropy_size_average_can_be_switched_after_construction():
    x, t = sample(), np.array([1, 0, 4, 4])
    criterion = nn.CrossEntropyCriterion()
    mean = criterion.forward(x, t)
    criterion.sizeAverage = False
    assert criterion.forward(x, t) == pytest.approx(4 * mean, rel=1e-14)
    np.testing.assert_allclose(
        criterion.backward(x, t), 4 * nn.CrossEntropyCriterion().backward(x, t), rtol=1e-14
    )


def test_cross_entropy_backward_does_not_need_a_forward():
    x, t = sample(), np.array([1, 0, 4, 4])
    fresh = nn.CrossEntropyCriterion().backward(x, t).copy()
    used = nn.CrossEntropyCriterion()
    used.forward(sample(seed=5), t)
    np.testing.assert_array_equal(used.backward(x, t), fresh)


def test_cross_entropy_backward_after_forward_is_the_fresh_backward_even_if_input_changed():
    # backward reuses the forward's log-softmax only for an input equal to the forward's
    x, t = sample(), np.array([1, 0, 4, 4])
    criterion = nn.CrossEntropyCriterion()
    criterion.forward(x, t)
    np.testing.assert_array_equal(
        criterion.backward(x, t), nn.CrossEntropyCriterion().backward(x, t)
    )
    x[1, 2] += 0.5  # the same array, changed in place after forward
    np.testing.assert_array_equal(
        criterion.backward(x, t), nn.CrossEntropyCriterion().backward(x, t)
    )
    x[2, 0] = np.nan  # never equal to itself: recomputed, NaN in that row only
    assert np.isnan(criterion.backward(x, t)[2]).all()
    assert np.isfinite(np.delete(criterion.grad_input, 2, axis=0)).all()


@pytest.mark.parametrize("shape", [(5,), (4, 5)])
def test_cross_entropy_gradient_matches_finite_differences(shape):
    t = np.array([3]) if len(shape) == 1 else np.array([0, 4, 2, 2])
    criterion = nn.CrossEntropyCriterion(np.arange(1.0, 6.0))
    report = check_criterion(criterion, sample(shape), t, **TOLERANCE)
    assert report.ok, str(report)


@settings(max_examples=60, deadline=None)
@given(problem=class_problems(bound=30.0))
def test_cross_entropy_is_non_negative_and_its_gradient_rows_sum_to_zero(problem):
    x, t = problem
    criterion = nn.CrossEntropyCriterion()
    assert criterion.forward(x, t) >= 0
    grad = criterion.backward(x, t)
    # ∂L/∂x[i] = (p[i] − onehot(t[i])) / n: each row sums to 0, target entry ≤ 0, others ≥ 0
    np.testing.assert_allclose(grad.sum(axis=-1), 0.0, atol=1e-15)
    rows = grad.reshape(-1, x.shape[-1])
    assert (rows[np.arange(len(t)), t] <= 0).all()


@settings(max_examples=40, deadline=None)
@given(problem=class_problems(bound=30.0), dtype=st.sampled_from([np.float32, np.float64]))
def test_class_criteria_agree_with_the_definition(problem, dtype):
    x, t = problem
    x = x.astype(dtype)
    rows = x.reshape(-1, x.shape[-1]).astype(np.float64)
    m = rows.max(axis=1, keepdims=True)
    log_p = rows - m - np.log(np.exp(rows - m).sum(axis=1, keepdims=True))
    expected = -log_p[np.arange(len(t)), t].mean()
    tolerance = 1e-5 if dtype == np.float32 else 1e-12
    loss = nn.CrossEntropyCriterion().forward(x, t)
    assert loss == pytest.approx(expected, rel=tolerance, abs=tolerance)
    assert nn.CrossEntropyCriterion().backward(x, t).dtype == dtype


# ---------------------------------------------------------------- bad class targets
@pytest.mark.parametrize("criterion_class", [nn.ClassNLLCriterion, nn.CrossEntropyCriterion])
def test_class_targets_are_checked(criterion_class):
    name = rf"nn\.{criterion_class.__name__}"
    criterion, x = criterion_class(), sample()
    with pytest.raises(TypeError, match=rf"{name}: expected integer class targets"):
        criterion.forward(x, np.array([0.0, 1.0, 2.0, 3.0]))
    with pytest.raises(TypeError, match=rf"{name}: expected integer class targets"):
        criterion.forward(x, np.array([True, False, True, False]))
    with pytest.raises(TypeError, match=rf"{name}: expected integer class targets as a numpy"):
        criterion.forward(x, [0, 1, 2, 3])
    with pytest.raises(ValueError, match=rf"{name}: expected targets of shape \(4,\)"):
        criterion.forward(x, np.array([0, 1, 2]))
    with pytest.raises(ValueError, match=rf"{name}: expected targets of shape \(4,\)"):
        criterion.forward(x, np.array([[0, 1], [2, 3]]))
    with pytest.raises(
        ValueError, match=rf"{name}: class targets must lie in \[0, 4\] \(0-based\)"
    ):
        criterion.forward(x, np.array([1, 2, 3, 5]))  # Lua's 1-based labels
    with pytest.raises(ValueError, match=rf"{name}: class targets must lie in \[0, 4\]"):
        criterion.backward(x, np.array([-1, 0, 0, 0]))
    with pytest.raises(ValueError, match=rf"{name}: expected input of shape \(C,\) or \(n, C\)"):
        criterion.forward(np.zeros((2, 2, 2)), np.array([0, 1]))


def test_class_weights_are_checked():
    with pytest.raises(ValueError, match=r"nn\.ClassNLLCriterion: weights must be a 1-D array"):
        nn.ClassNLLCriterion(np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"nn\.ClassNLLCriterion: weights must be a 1-D array"):
        nn.ClassNLLCriterion(np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match=r"nn\.ClassNLLCriterion: has 3 class weights but"):
        nn.ClassNLLCriterion(np.ones(3)).forward(sample(), np.array([0, 0, 0, 0]))


# ---------------------------------------------------------------- CosineEmbeddingCriterion
def test_cosine_embedding_by_hand():
    x1 = np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 1.0]])
    x2 = np.array([[0.0, 2.0], [3.0, 0.0], [1.0, 0.0]])
    y = np.array([1, -1, -1])
    # cosines 0, 1, 1/√2 → losses 1 − 0, max(0, 1 − 0.5), max(0, 0.7071 − 0.5)
    expected = 1 + 0.5 + (1 / math.sqrt(2) - 0.5)
    criterion = nn.CosineEmbeddingCriterion(0.5, size_average=False)
    assert criterion.forward((x1, x2), y) == pytest.approx(expected, rel=1e-12)
    assert nn.CosineEmbeddingCriterion(0.5).forward((x1, x2), y) == pytest.approx(expected / 3)
    g1, g2 = criterion.backward((x1, x2), y)
    # row 0, y = 1: −∂c/∂x1 = −(x2/(|x1||x2|) − c x1/|x1|²) = −(0, 1)
    np.testing.assert_allclose(g1[0], [0.0, -1.0], atol=1e-12)
    np.testing.assert_allclose(g2[0], [-0.5, 0.0], atol=1e-12)


def test_cosine_embedding_hinge_is_flat_at_and_below_the_margin():
    x1 = np.array([[1.0, 0.0], [1.0, 0.0]])
    x2 = np.array([[0.0, 1.0], [-1.0, 0.01]])  # cosines 0 (= margin) and ≈ −1 (< margin)
    criterion = nn.CosineEmbeddingCriterion(0.0)
    y = np.array([-1, -1])
    assert criterion.forward((x1, x2), y) == 0.0
    assert not any(g.any() for g in criterion.backward((x1, x2), y))


def test_cosine_embedding_of_a_single_pair_and_of_zero_vectors():
    x1, x2 = np.array([3.0, 4.0]), np.array([4.0, 3.0])  # cosine 24/25
    criterion = nn.CosineEmbeddingCriterion()
    for target in (1, np.array(1), np.array([1.0])):
        assert criterion.forward((x1, x2), target) == pytest.approx(1 / 25, rel=1e-12)
    g1, g2 = criterion.backward((x1, x2), 1)
    assert g1.shape == (2,) and g2.shape == (2,)
    zero = np.zeros((1, 3))
    assert criterion.forward((zero, zero), np.array([1])) == 1.0  # cosine 0, not 0/0
    assert all(np.isfinite(g).all() for g in criterion.backward((zero, zero), np.array([1])))


@pytest.mark.parametrize("margin", [0.0, 0.5, -0.3])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_cosine_embedding_matches_pytorch(torch, margin, reduction):
    x1, x2 = sample((8, 5)), sample((8, 5), seed=1)
    x2[0] = 2 * x1[0]  # a dissimilar pair with cosine 1 > margin, a similar pair with cosine 1
    x2[1] = -x1[1]
    y = np.array([-1, 1, -1, -1, 1, 1, -1, 1])
    criterion = nn.CosineEmbeddingCriterion(margin, size_average=reduction == "mean")
    x1_t, x2_t = to_torch(torch, x1), to_torch(torch, x2)
    loss_t = torch.nn.functional.cosine_embedding_loss(
        x1_t, x2_t, torch.tensor(y), margin=margin, reduction=reduction
    )
    loss_t.backward()
    assert criterion.forward((x1, x2), y) == pytest.approx(loss_t.item(), rel=1e-13)
    g1, g2 = criterion.backward((x1, x2), y)
    np.testing.assert_allclose(g1, x1_t.grad.numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(g2, x2_t.grad.numpy(), rtol=1e-12, atol=1e-15)


@settings(max_examples=30, deadline=None)
@given(data=st.data(), n=st.integers(1, 5), d=st.integers(1, 4), margin=st.floats(-0.9, 0.9))
def test_cosine_embedding_gradient_matches_finite_differences(data, n, d, margin):
    x1 = data.draw(arrays((n, d), bound=3.0))
    x2 = data.draw(arrays((n, d), bound=3.0))
    y = data.draw(sign_targets(n))
    criterion = nn.CosineEmbeddingCriterion(margin)
    norms = np.linalg.norm(x1, axis=1) * np.linalg.norm(x2, axis=1)
    cosines = np.einsum("ij,ij->i", x1, x2) / np.maximum(norms, 1e-300)
    # finite differences need a smooth neighbourhood: norms away from 0, cosines off the hinge
    assume((np.linalg.norm(x1, axis=1) >= 0.1).all() and (np.linalg.norm(x2, axis=1) >= 0.1).all())
    assume((np.abs(cosines - margin)[y == -1] >= 1e-3).all())
    # a pair input: the report has one entry per array, input[0] (x1) and input[1] (x2)
    report = check_criterion(criterion, (x1, x2), y, **TOLERANCE)
    assert report.ok, str(report)
    assert list(report.entries) == ["input[0]", "input[1]"]


@settings(max_examples=40, deadline=None)
@given(data=st.data(), n=st.integers(1, 6), d=st.integers(1, 5))
def test_cosine_embedding_loss_bounds(data, n, d):
    x1, x2 = data.draw(arrays((n, d))), data.draw(arrays((n, d)))
    y = data.draw(sign_targets(n))
    loss = nn.CosineEmbeddingCriterion(0.0, size_average=False).forward((x1, x2), y)
    # each term lies in [0, 2] (similar: 1 − c ∈ [0, 2]; dissimilar: max(0, c) ∈ [0, 1])
    assert -1e-12 <= loss <= 2 * n + 1e-12


def test_cosine_embedding_bad_input():
    name = r"nn\.CosineEmbeddingCriterion"
    criterion, x = nn.CosineEmbeddingCriterion(), sample()
    y = np.array([1, -1, 1, 1])
    with pytest.raises(TypeError, match=rf"{name}: expected input to be a pair"):
        criterion.forward(x, y)
    with pytest.raises(TypeError, match=rf"{name}: expected input to be a pair"):
        criterion.backward((x, x, x), y)
    with pytest.raises(ValueError, match=rf"{name}: expected x1 and x2 of one shape"):
        criterion.forward((x, x[:, :3]), y)
    with pytest.raises(TypeError, match=rf"{name}: x1 has dtype float64 but x2 has float32"):
        criterion.forward((x, x.astype(np.float32)), y)
    with pytest.raises(TypeError, match=rf"{name}: expected input\[1\](\[0\])* to be a numpy"):
        criterion.forward((x, x.tolist()), y)
    with pytest.raises(ValueError, match=rf"{name}: targets must be \+1 \(similar\) or -1"):
        criterion.forward((x, x), np.array([1, 0, 1, 1]))
    with pytest.raises(ValueError, match=rf"{name}: expected targets of shape \(4,\)"):
        criterion.forward((x, x), np.array([1, -1]))
    with pytest.raises(TypeError, match=rf"{name}: expected integer or float targets"):
        criterion.forward((x, x), np.array(["1", "1", "1", "1"]))
    for margin in (1.5, -2):
        with pytest.raises(
            ValueError, match=rf"{name}: margin must be a finite number in \[-1, 1\]"
        ):
            nn.CosineEmbeddingCriterion(margin)
    for margin in ("0", True):
        with pytest.raises(TypeError, match=rf"{name}: margin must be a real number"):
            nn.CosineEmbeddingCriterion(margin)


# ---------------------------------------------------------------- shared behaviour
@pytest.mark.parametrize("criterion_class", CRITERIA)
def test_printing_and_lua_names(criterion_class):
    criterion = criterion_class()
    assert repr(criterion) == f"nn.{criterion_class.__name__}"
    assert criterion_class.updateOutput is criterion_class.update_output
    assert criterion_class.updateGradInput is criterion_class.update_grad_input


def test_float_input_is_required():
    with pytest.raises(TypeError, match=r"nn\.CrossEntropyCriterion: expected input of a float"):
        nn.CrossEntropyCriterion().forward(np.array([[1, 2]]), np.array([0]))


def test_call_reaches_a_subclass_forward_override():
    class Halved(nn.MSECriterion):
        def forward(self, input, target):
            return super().forward(input, target) / 2

    x, t = np.array([1.0, 3.0]), np.zeros(2)
    # MSE with size_average: (1² + 3²) / 2 = 5; halved by the override: 2.5
    assert Halved()(x, t) == 2.5
    assert nn.MSECriterion()(x, t) == 5.0


def test_cosine_embedding_call_takes_the_pair():
    x1, x2 = np.array([[1.0, 0.0]]), np.array([[0.0, 2.0]])
    # orthogonal rows: c = 0, so a similar pair (y = 1) costs 1 − c = 1
    assert nn.CosineEmbeddingCriterion()((x1, x2), np.array([1.0])) == pytest.approx(1.0)


# ---------------------------------------------------------------- never a silent NaN
def non_finite_case(criterion_class, value, where):
    """(criterion, input, target, name of the bad argument, its index) with ``value`` planted."""
    x = sample((3, 4))
    if criterion_class is nn.CosineEmbeddingCriterion:
        pair = [x, sample((3, 4), seed=1)]
        pair[where][1, 2] = value
        return criterion_class(), tuple(pair), np.array([1, -1, 1]), f"input\\[{where}\\]"
    if criterion_class is nn.MSECriterion:
        target = sample((3, 4), seed=1)
        (x, target)[where][1, 2] = value
        return criterion_class(), x, target, ("input", "target")[where]
    if criterion_class is nn.ClassNLLCriterion:
        x = log_probabilities((3, 4))
    x[1, 2] = value
    return criterion_class(), x, np.array([0, 2, 3]), "input"  # row 1's target is the bad one


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize(
    "criterion_class, where",
    [(c, 0) for c in CRITERIA] + [(nn.MSECriterion, 1), (nn.CosineEmbeddingCriterion, 1)],
)
def test_a_non_finite_input_is_a_value_error_naming_the_element(criterion_class, value, where):
    criterion, x, target, name = non_finite_case(criterion_class, value, where)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning escapes before the error
        with pytest.raises(
            ValueError,
            match=rf"nn\.{criterion_class.__name__}: {name} holds -?(nan|inf) at index \(1, 2\)",
        ):
            criterion.forward(x, target)


def test_cross_entropy_of_an_infinite_logit_raises_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"input holds inf at index \(0, 0\)"):
            nn.CrossEntropyCriterion().forward(np.array([[np.inf, 1.0]]), np.array([0]))
        with pytest.raises(ValueError, match=r"input holds nan at index \(0, 0\)"):
            nn.CrossEntropyCriterion().forward(np.array([[np.nan, 1.0]]), np.array([0]))


def test_a_non_finite_value_the_loss_never_reads_is_allowed():
    # ClassNLL reads x[i, tᵢ] only: a NaN elsewhere does not reach the loss, -(-1 - 2) / 2.
    x = np.array([[-1.0, np.nan], [0.0, -2.0]])
    assert nn.ClassNLLCriterion().forward(x, np.array([0, 1])) == 1.5
    # CrossEntropy with a -inf logit off the target: probability 0 there, loss log(1) = 0.
    assert nn.CrossEntropyCriterion().forward(np.array([[-np.inf, 1.0]]), np.array([1])) == 0


def test_a_float32_loss_past_float32_range_is_the_exact_python_float():
    x, t = np.array([3e38, 0.0], dtype=np.float32), np.array([-3e38, 0.0], dtype=np.float32)
    exact = (2 * float(x[0])) ** 2 / 2  # the loss is a Python float: redone in float64
    assert nn.MSECriterion().forward(x, t) == pytest.approx(exact, rel=1e-15)


@pytest.mark.parametrize("dtype, big", [(np.float64, 1e200)])
def test_an_overflow_from_finite_input_returns_inf_with_a_warning(dtype, big):
    x, t = np.array([big, 0.0], dtype=dtype), np.array([-big, 0.0], dtype=dtype)
    # (2·big)² / 2 is beyond the largest float of the dtype: IEEE arithmetic gives inf.
    with pytest.warns(
        RuntimeWarning,
        match=r"nn\.MSECriterion: the loss is inf although every input is finite \(an overflow\)",
    ):
        assert nn.MSECriterion().forward(x, t) == np.inf


@pytest.mark.parametrize("criterion_class", [nn.ClassNLLCriterion, nn.CrossEntropyCriterion])
def test_a_nan_class_weight_is_named_not_called_an_overflow(criterion_class):
    criterion = criterion_class(np.ones(3))
    inner = criterion.nll if criterion_class is nn.CrossEntropyCriterion else criterion
    inner.weights[0] = np.nan  # set after construction, which checked the weights finite
    x = np.log(np.full((2, 3), 1 / 3))
    with pytest.raises(ValueError, match=r"weights holds nan at index \(0,\)"):
        criterion.forward(x, np.array([0, 1]))


@pytest.mark.parametrize(
    "make",
    [
        lambda: nn.HingeEmbeddingCriterion(),
        lambda: nn.MSECriterion(),
        lambda: nn.SmoothL1Criterion(),
        lambda: nn.MarginCriterion(),
    ],
)
def test_float_after_a_forward_on_large_values_drops_the_work_buffers(make):
    # A work buffer holding 1e39 cast to float32 would overflow (NumPy's cast warning); the
    # criterion drops its per-call state on a type change as Module.type does.
    criterion = make()
    x = np.full((3, 4), 1e39)
    target = np.ones((3, 4))
    criterion.forward(x, target)
    criterion.backward(x, target)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        criterion.float()
    assert criterion.grad_input is None and criterion.output == 0.0
    small = np.full((3, 4), 0.5, dtype=np.float32)
    expected = make().forward(small.astype(np.float64), target)
    assert criterion.forward(small, target.astype(np.float32)) == pytest.approx(expected, rel=1e-6)
    assert criterion.backward(small, target.astype(np.float32)).dtype == np.float32
