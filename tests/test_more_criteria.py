"""The criteria of issue 13 (and ClassNLL's ignore_index, MSE's element-count targets).

Lua's own numbers are in tests/test_lua_reference_norm.py. Here: PyTorch's losses as oracles
where they share Lua's definition, hand computations where none does, float32, settings, bad
input (named), the "never a silent NaN" rule, and properties that tie the losses together.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minitorch_l2 import nn

from .strategies import arrays, batch_shapes

RNG = np.random.default_rng(0)
X = RNG.normal(size=(6, 4))
T = RNG.normal(size=(6, 4))
SIGNS = RNG.choice([-1.0, 1.0], (6, 4))
PROB = RNG.uniform(0.05, 0.95, (6, 4))
BITS = RNG.integers(0, 2, (6, 4)).astype(np.float64)
CLASSES = np.array([0, 3, 1, 1, 2, 0])
W4 = np.array([0.5, 1.0, 2.0, 1.5])


def labels():
    target = np.full((6, 4), -1)
    for i, row in enumerate([[1], [0, 3], [2, 1, 0], [3], [1, 2], [0, 1, 2, 3]]):
        target[i, : len(row)] = row
    return target


def log_distribution():
    p = RNG.uniform(0.1, 1, (6, 4))
    return np.log(p / p.sum(axis=1, keepdims=True))


def distribution():
    p = RNG.uniform(0.0, 1, (6, 4))
    p[0, 1] = 0.0  # 0 log 0 = 0
    return p / p.sum(axis=1, keepdims=True)


# (ours, PyTorch loss by name and options, input, target, PyTorch target)
ORACLES = {
    "Abs": (nn.AbsCriterion, ("L1Loss", {}), X, T, T),
    "Abs, sum": (lambda: nn.AbsCriterion(False), ("L1Loss", {"reduction": "sum"}), X, T, T),
    "SmoothL1": (nn.SmoothL1Criterion, ("SmoothL1Loss", {}), 2 * X, T, T),
    "BCE, weights": (lambda: nn.BCECriterion(W4), ("BCELoss", {"weight": W4}), PROB, BITS, BITS),
    "MultiMargin": (nn.MultiMarginCriterion, ("MultiMarginLoss", {}), X, CLASSES, CLASSES),
    "MultiMargin p=2": (
        lambda: nn.MultiMarginCriterion(2, W4, 0.7, size_average=False),
        ("MultiMarginLoss", {"p": 2, "weight": W4, "margin": 0.7, "reduction": "sum"}),
        X,
        CLASSES,
        CLASSES,
    ),
    "SoftMargin": (nn.SoftMarginCriterion, ("SoftMarginLoss", {}), X, SIGNS, SIGNS),
    "HingeEmbedding": (
        lambda: nn.HingeEmbeddingCriterion(1.5),
        ("HingeEmbeddingLoss", {"margin": 1.5}),
        np.abs(X),
        SIGNS,
        SIGNS,
    ),
    "DistKLDiv": (
        nn.DistKLDivCriterion,
        ("KLDivLoss", {"reduction": "mean"}),
        log_distribution(),
        distribution(),
        None,
    ),
    "MultiLabelMargin": (
        nn.MultiLabelMarginCriterion,
        ("MultiLabelMarginLoss", {}),
        X,
        labels(),
        labels(),
    ),
    "MultiLabelSoftMargin": (
        lambda: nn.MultiLabelSoftMarginCriterion(W4),
        ("MultiLabelSoftMarginLoss", {"weight": W4}),
        X,
        BITS,
        BITS,
    ),
    "ClassNLL, ignore_index": (
        lambda: nn.ClassNLLCriterion(W4, ignore_index=1),
        ("NLLLoss", {"weight": W4, "ignore_index": 1}),
        X,
        CLASSES,
        CLASSES,
    ),
    "ClassNLL, ignore_index -1, sum": (
        lambda: nn.ClassNLLCriterion(size_average=False, ignore_index=-1),
        ("NLLLoss", {"ignore_index": -1, "reduction": "sum"}),
        X,
        np.array([0, -1, 1, -1, 2, 0]),
        np.array([0, -1, 1, -1, 2, 0]),
    ),
}


@pytest.mark.parametrize("name", sorted(ORACLES))
@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides the total loss:UserWarning")
def test_matches_pytorch(torch, name):
    make, (loss_name, options), x, t, theirs_t = ORACLES[name]
    options = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in options.items()}
    criterion = make()
    loss = criterion.forward(x, t)
    grad = criterion.backward(x, t)
    xt = torch.tensor(x, requires_grad=True)
    target = torch.tensor(t if theirs_t is None else theirs_t)
    expected = getattr(torch.nn, loss_name)(**options)(xt, target)
    expected.backward()
    # BCE: Lua's eps 1e-12 inside the logarithms moves the loss by about 1e-12 / x
    rtol = 1e-10 if name.startswith("BCE") else 1e-12
    assert loss == pytest.approx(expected.item(), rel=rtol)
    np.testing.assert_allclose(grad, xt.grad.numpy(), rtol=rtol, atol=1e-15)


def test_margin_criterion_by_hand():
    x = np.array([0.2, -1.5, 3.0, 0.5])
    y = np.array([1.0, -1.0, -1.0, 1.0])
    # margin − x y = 0.8, −0.5, 4.0, 0.5 → hinge 0.8, 0, 4, 0.5
    criterion = nn.MarginCriterion(1.0)
    assert criterion.forward(x, y) == pytest.approx(5.3 / 4, rel=1e-15)
    np.testing.assert_allclose(criterion.backward(x, y), [-0.25, 0.0, 0.25, -0.25])
    assert nn.MarginCriterion(size_average=False).forward(x, y.astype(np.int64)) == 5.3


def test_l1_hinge_embedding_by_hand_and_as_a_batch():
    x1, x2 = np.array([1.0, 2.0, -1.0]), np.array([0.0, 4.0, -1.5])  # d = 1 + 2 + 0.5
    similar = nn.L1HingeEmbeddingCriterion(2.0)
    assert similar.forward([x1, x2], 1) == 3.5
    np.testing.assert_array_equal(similar.backward([x1, x2], 1)[0], [1.0, -1.0, 1.0])
    assert similar.forward([x1, x2], -1) == 0.0  # d beyond the margin
    pushing = nn.L1HingeEmbeddingCriterion(5.0)
    assert pushing.forward([x1, x2], -1.0) == 1.5
    np.testing.assert_array_equal(pushing.backward([x1, x2], -1)[1], [1.0, -1.0, 1.0])
    a, b = RNG.normal(size=(3, 4)), RNG.normal(size=(3, 4))
    y = np.array([1.0, -1.0, -1.0])
    batch = nn.L1HingeEmbeddingCriterion(3.0)
    single = nn.L1HingeEmbeddingCriterion(3.0)
    each = [single.forward([a[i], b[i]], y[i]) for i in range(3)]
    assert batch.forward([a, b], y) == pytest.approx(np.mean(each), rel=1e-15)
    grads = batch.backward([a, b], y)
    np.testing.assert_allclose(grads[0][1], single.backward([a[1], b[1]], -1)[0] / 3)


@pytest.mark.parametrize("weight_shape", [(4,), (6, 4)])
def test_weighted_mse_weights_the_target_as_lua(weight_shape):
    w = RNG.uniform(0.5, 2, weight_shape)
    criterion = nn.WeightedMSECriterion(w)
    expected = np.mean((X - w * T) ** 2)  # Lua's: (x − w t)², not w (x − t)²
    assert criterion.forward(X, T) == pytest.approx(expected, rel=1e-14)
    np.testing.assert_allclose(criterion.backward(X, T), 2 * (X - w * T) / X.size, rtol=1e-14)
    with pytest.raises(ValueError, match=r"nn\.WeightedMSECriterion: weight of shape \(3,\)"):
        nn.WeightedMSECriterion(np.ones(3)).forward(X, T)


def test_mse_takes_a_target_with_the_input_s_number_of_elements():
    out, target = RNG.normal(size=(128, 1)), RNG.normal(size=128)
    criterion = nn.MSECriterion()
    assert criterion.forward(out, target) == pytest.approx(np.mean((out[:, 0] - target) ** 2))
    assert criterion.backward(out, target).shape == (128, 1)
    with pytest.raises(ValueError, match=r"input's shape \(128, 1\) or of its 128 elements"):
        criterion.forward(out, target[:100])


@pytest.mark.parametrize("cls", [nn.ClassNLLCriterion, nn.CrossEntropyCriterion])
def test_class_criteria_take_a_single_target_as_a_number(cls):
    x = RNG.normal(size=(1, 5))
    criterion = cls()
    assert criterion.forward(x, 3) == criterion.forward(x, np.array([3]))
    assert criterion.forward(x[0], 3) == criterion.forward(x, np.array([3]))
    np.testing.assert_array_equal(criterion.backward(x, 3), criterion.backward(x, np.array([3])))
    with pytest.raises(ValueError, match=r"expected targets of shape \(2,\)"):
        criterion.forward(np.ones((2, 5)), 3)


def test_ignore_index_may_lie_outside_the_classes_and_is_checked():
    criterion = nn.ClassNLLCriterion(ignore_index=-100)  # Lua's default value, 0-based here
    x = np.log(np.full((3, 4), 0.25))
    assert criterion.forward(x, np.array([-100, 2, -100])) == pytest.approx(np.log(4))
    assert not criterion.backward(x, np.array([-100, 2, -100]))[[0, 2]].any()
    assert criterion.ignoreIndex == -100
    with pytest.raises(ValueError, match=r"\[0, 3\] \(0-based\), or ignore_index -100"):
        criterion.forward(x, np.array([-1, 2, 0]))
    with pytest.raises(TypeError, match=r"nn\.ClassNLLCriterion: ignore_index must be an int"):
        nn.ClassNLLCriterion(ignore_index=1.0)


FLOAT_CASES = {
    nn.AbsCriterion: (X, T),
    nn.SmoothL1Criterion: (X, T),
    nn.BCECriterion: (PROB, BITS),
    nn.MultiMarginCriterion: (X, CLASSES),
    nn.MarginCriterion: (X, SIGNS),
    nn.SoftMarginCriterion: (X, SIGNS),
    nn.HingeEmbeddingCriterion: (np.abs(X), SIGNS),
    nn.DistKLDivCriterion: (log_distribution(), distribution()),
    nn.MultiLabelMarginCriterion: (X, labels()),
    nn.MultiLabelSoftMarginCriterion: (X, BITS),
    nn.WeightedMSECriterion: (X, T),
}


def build(cls):
    return cls(np.array([1.0, 2.0, 0.5, 3.0])) if cls is nn.WeightedMSECriterion else cls()


@pytest.mark.parametrize("cls", list(FLOAT_CASES), ids=lambda c: c.__name__)
def test_float32(cls):
    x, t = FLOAT_CASES[cls]
    t32 = t.astype(np.float32) if t.dtype.kind == "f" else t
    single = build(cls).float()
    loss = single.forward(x.astype(np.float32), t32)
    grad = single.backward(x.astype(np.float32), t32)
    assert grad.dtype == np.float32
    double = build(cls)
    assert loss == pytest.approx(double.forward(x, t), rel=1e-5)
    np.testing.assert_allclose(grad, double.backward(x, t), rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("cls", list(FLOAT_CASES), ids=lambda c: c.__name__)
@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_a_nan_in_the_input_is_named_never_returned(cls):
    x, t = FLOAT_CASES[cls]
    x = x.copy()
    x[2, 1] = np.nan
    with pytest.raises(ValueError, match=rf"nn\.{cls.__name__}: .*(?:index \(2, 1\)|\[0, 1\])"):
        build(cls).forward(x, t)


@pytest.mark.parametrize("cls", list(FLOAT_CASES), ids=lambda c: c.__name__)
def test_size_average_is_a_bool_with_lua_s_alias(cls):
    criterion = build(cls)
    x, t = FLOAT_CASES[cls]
    mean = criterion.forward(x, t)
    criterion.sizeAverage = False
    assert criterion.size_average is False
    total = criterion.forward(x, t)
    rows = x.shape[0] if cls in (nn.MultiMarginCriterion, nn.MultiLabelMarginCriterion) else x.size
    assert total == pytest.approx(mean * rows, rel=1e-13)
    args = (np.ones(4),) if cls is nn.WeightedMSECriterion else ()
    with pytest.raises(TypeError, match=rf"nn\.{cls.__name__}: size_average must be True or"):
        cls(*args, size_average=1)


@pytest.mark.parametrize(
    ("make", "x", "t", "error", "words"),
    [
        (nn.AbsCriterion, X, T[:3], ValueError, ["input's shape (6, 4)", "(3, 4)"]),
        (nn.AbsCriterion, X, T.astype(np.float32), TypeError, ["float32", "float64"]),
        (nn.BCECriterion, PROB + 1, BITS, ValueError, ["probabilities in [0, 1]"]),
        (lambda: nn.BCECriterion(np.ones(3)), PROB, BITS, ValueError, ["3 class weights"]),
        (nn.MultiMarginCriterion, X, CLASSES + 1, ValueError, ["[0, 3] (0-based)"]),
        (nn.HingeEmbeddingCriterion, X, np.zeros((6, 4)), ValueError, ["+1 or -1"]),
        (nn.MultiLabelMarginCriterion, X, labels() + 1, ValueError, ["[0, 3] (0-based)"]),
        (nn.MultiLabelMarginCriterion, X, labels()[:, :2], ValueError, ["input's shape"]),
        (nn.MultiLabelMarginCriterion, X, T, TypeError, ["integer label rows"]),
        (nn.DistKLDivCriterion, X, T.reshape(4, 6), ValueError, ["input's shape (6, 4), got"]),
        (nn.L1HingeEmbeddingCriterion, X, 1, TypeError, ["pair [x1, x2]"]),
        (nn.L1HingeEmbeddingCriterion, [X, T], 0, ValueError, ["+1 or -1"]),
    ],
)
def test_bad_input_is_named(make, x, t, error, words):
    criterion = make()
    with pytest.raises(error) as info:
        criterion.forward(x, t)
    message = str(info.value)
    assert message.startswith(f"nn.{type(criterion).__name__}: ")
    for word in words:
        assert word in message


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda: nn.MultiMarginCriterion(3), ValueError),
        (lambda: nn.MultiMarginCriterion(1, np.ones((2, 2))), ValueError),
        (lambda: nn.MarginCriterion("1"), TypeError),
        (lambda: nn.HingeEmbeddingCriterion(float("nan")), ValueError),
        (lambda: nn.BCECriterion(np.array([1.0, np.inf])), ValueError),
    ],
)
def test_bad_settings_are_named(make, error):
    with pytest.raises(error, match=r"nn\.\w+Criterion: "):
        make()


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_smooth_l1_lies_between_zero_and_both_abs_and_half_mse(data):
    shape = data.draw(batch_shapes())
    x = data.draw(arrays(shape))
    t = data.draw(arrays(shape))
    smooth = nn.SmoothL1Criterion().forward(x, t)
    assert 0 <= smooth <= nn.AbsCriterion().forward(x, t) * (1 + 1e-15)
    assert smooth <= nn.MSECriterion().forward(x, t) / 2 * (1 + 1e-15) + 1e-300


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_margin_losses_vanish_exactly_when_every_margin_holds(data):
    # y x ≥ margin everywhere: no loss, no gradient (Margin); SoftMargin stays positive.
    shape = data.draw(batch_shapes())
    y = np.where(data.draw(arrays(shape)) >= 0, 1.0, -1.0)
    x = y * (1.0 + np.abs(data.draw(arrays(shape))))
    criterion = nn.MarginCriterion(1.0)
    assert criterion.forward(x, y) == 0 and not criterion.backward(x, y).any()
    assert nn.SoftMarginCriterion().forward(x, y) > 0
