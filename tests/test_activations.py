"""Identity, ReLU, Sigmoid, SoftMax, LogSoftMax, Dropout: values, gradients, oracles, errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minitorch_l2
from minitorch_l2 import nn
from minitorch_l2.gradcheck import check_module

from .strategies import arrays, batch_shapes, batches, float_dtypes

ELEMENTWISE = [nn.Identity, nn.ReLU, nn.Sigmoid]
ROWWISE = [nn.SoftMax, nn.LogSoftMax]
ALL = ELEMENTWISE + ROWWISE + [nn.Dropout]


def sample(shape=(4, 5), seed=0, scale=3.0):
    return np.random.default_rng(seed).normal(scale=scale, size=shape)


# ---------------------------------------------------------------- values from the formulas
def test_identity_passes_the_very_arrays_through():
    layer = nn.Identity()
    x, g = sample(), sample(seed=1)
    assert layer.forward(x) is x
    assert layer.backward(x, g) is g


def test_relu_values_and_gradient_by_hand():
    layer = nn.ReLU()
    x = np.array([[-2.0, 0.0, 3.0], [1e-300, -1e-300, 5.0]])
    np.testing.assert_array_equal(layer.forward(x), [[0.0, 0.0, 3.0], [1e-300, 0.0, 5.0]])
    g = np.array([[10.0, 20.0, 30.0], [40.0, 50.0, 60.0]])
    # Torch's Threshold(0, 0): the gradient passes only where x > 0 (so not at x = 0)
    np.testing.assert_array_equal(layer.backward(x, g), [[0.0, 0.0, 30.0], [40.0, 0.0, 60.0]])


def test_sigmoid_values_by_hand_and_saturation_without_warnings():
    layer = nn.Sigmoid()
    x = np.array([0.0, np.log(3.0), -np.log(3.0)])
    np.testing.assert_allclose(layer.forward(x), [0.5, 0.75, 0.25], rtol=1e-15)
    with np.errstate(all="raise"):
        y = layer.forward(np.array([-1000.0, 1000.0]))
        np.testing.assert_array_equal(y, [0.0, 1.0])
        np.testing.assert_array_equal(layer.backward(np.array([-1000.0, 1000.0]), np.ones(2)), 0)
    layer.forward(x)
    # σ'(x) = σ(x)(1 − σ(x)): 1/4, 3/16, 3/16
    np.testing.assert_allclose(layer.backward(x, np.ones(3)), [0.25, 0.1875, 0.1875], rtol=1e-15)


def test_softmax_and_log_softmax_of_a_row_by_hand():
    x = np.array([0.0, np.log(2.0), np.log(5.0)])  # exp: 1, 2, 5 → sum 8
    np.testing.assert_allclose(nn.SoftMax().forward(x), [1 / 8, 2 / 8, 5 / 8], rtol=1e-15)
    expected = np.log([1 / 8, 2 / 8, 5 / 8])
    np.testing.assert_allclose(nn.LogSoftMax().forward(x), expected, rtol=1e-15)


@pytest.mark.parametrize("layer_class", ROWWISE)
def test_rowwise_layers_are_stable_for_logits_of_1000(layer_class):
    x = np.array([[1000.0, -1000.0, 999.0], [-1000.0, -1000.0, -1001.0]])
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # underflow to 0 is exact
        y = layer_class().forward(x)
    assert np.isfinite(y).all()
    # the same as the shifted rows (softmax is invariant to adding a constant to a row)
    shifted = layer_class().forward(x - x.max(axis=1, keepdims=True))
    np.testing.assert_allclose(y, shifted, rtol=1e-15, atol=1e-300)
    if layer_class is nn.LogSoftMax:
        # log(1 / (1 + e⁻¹ + e⁻²⁰⁰⁰)) for the largest entry of row 0, by hand
        np.testing.assert_allclose(y[0, 0], -np.log1p(np.exp(-1.0)), rtol=1e-15)


@pytest.mark.parametrize("layer_class", ROWWISE)
def test_vector_equals_a_batch_of_one(layer_class):
    x = sample((6,))
    layer = layer_class()
    vector = layer.forward(x).copy()
    np.testing.assert_array_equal(layer.forward(x[None, :])[0], vector)
    g = sample((6,), seed=3)
    layer.forward(x)
    grad = layer.backward(x, g).copy()
    layer.forward(x[None, :])
    np.testing.assert_array_equal(layer.backward(x[None, :], g[None, :])[0], grad)


# ---------------------------------------------------------------- PyTorch as the oracle
@pytest.mark.parametrize("name", ["relu", "sigmoid", "softmax", "log_softmax"])
@pytest.mark.parametrize("shape", [(7,), (5, 4), (1, 1)])
def test_matches_pytorch_forward_and_backward(torch, name, shape):
    functional = torch.nn.functional
    ours, theirs = {
        "relu": (nn.ReLU(), torch.relu),
        "sigmoid": (nn.Sigmoid(), torch.sigmoid),
        "softmax": (nn.SoftMax(), lambda t: functional.softmax(t, dim=-1)),
        "log_softmax": (nn.LogSoftMax(), lambda t: functional.log_softmax(t, dim=-1)),
    }[name]
    assert_matches_torch(torch, ours, theirs, shape)


def assert_matches_torch(torch, ours: nn.Module, theirs, shape: tuple[int, ...]) -> None:
    """Forward and backward of ``ours`` against PyTorch's function ``theirs``, one sample."""
    x, g = sample(shape), sample(shape, seed=1)
    x_t = torch.tensor(x, requires_grad=True)
    y_t = theirs(x_t)
    y_t.backward(torch.tensor(g))
    np.testing.assert_allclose(ours.forward(x), y_t.detach().numpy(), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(ours.backward(x, g), x_t.grad.numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
@pytest.mark.parametrize("shape", [(3, 4, 5), (2, 3, 4, 5)])
def test_images_are_normalised_over_their_planes_as_thnn_does(torch, name, shape):
    # THNN's SoftMax and LogSoftMax (which Lua's SoftMin calls on −x) take a 3-d (C, H, W)
    # input over C at every pixel and a 4-d (N, C, H, W) one over C: Lua's dims 1 and 2.
    functional = torch.nn.functional
    dim = len(shape) - 3
    ours, theirs = {
        "softmax": (nn.SoftMax(), lambda t: functional.softmax(t, dim=dim)),
        "log_softmax": (nn.LogSoftMax(), lambda t: functional.log_softmax(t, dim=dim)),
        "softmin": (nn.SoftMin(), lambda t: functional.softmin(t, dim=dim)),
    }[name]
    assert_matches_torch(torch, ours, theirs, shape)


@pytest.mark.parametrize("layer_class", [nn.SoftMax, nn.LogSoftMax, nn.SoftMin])
def test_a_pixel_of_an_image_is_a_row(layer_class):
    # Without an oracle: pixel (i, j) of a (C, H, W) image gives what its C values give as one
    # row, and the batched (N, C, H, W) form what each image gives alone; float32 too.
    x = sample((2, 3, 4, 5))
    batch = layer_class().forward(x)
    for n in range(2):
        np.testing.assert_array_equal(layer_class().forward(x[n]), batch[n])
        for i, j in ((0, 0), (3, 4)):
            np.testing.assert_allclose(
                layer_class().forward(x[n, :, i, j]), batch[n, :, i, j], rtol=1e-15
            )
    single = layer_class().float().forward(x.astype(np.float32))
    assert single.dtype == np.float32
    np.testing.assert_allclose(single, batch, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("layer_class", [nn.SoftMax, nn.LogSoftMax, nn.SoftMin])
@pytest.mark.parametrize("shape", [(3, 2, 2), (2, 3, 2, 2)])
def test_image_gradients_match_finite_differences(layer_class, shape):
    assert_matches_finite_differences(layer_class(), sample(shape, scale=2.0))


# ---------------------------------------------------------------- gradients by finite differences
# The project's own checker compares the whole Jacobian (one backward per one-hot grad_output)
# with central differences, element by element: |analytic − numeric| ≤ atol + rtol·|numeric|.
# These smooth layers have O(1) outputs, so differences of step 1e-6 are good to ~1e-10.
TOLERANCE = {"atol": 1e-8, "rtol": 1e-6}


def assert_matches_finite_differences(layer: nn.Module, x: np.ndarray) -> None:
    """``check_module`` passes, and a backward with a dense random grad_output g gives J·g.

    The checker's backward passes use one-hot grad_outputs; the second comparison (the stop-gap's
    projection L = Σ g ⊙ y, now against the checker's numeric Jacobian) also covers a backward
    that is right for one-hot g but not for dense g (e.g. a row sum y·g computed wrongly).
    """
    report = check_module(layer, x, **TOLERANCE)
    assert report.ok, str(report)
    g = np.random.default_rng(0).normal(size=x.shape)
    layer.forward(x)
    numeric = report["input"].numeric @ g.reshape(-1)  # Σⱼ ∂yⱼ/∂xᵢ gⱼ
    np.testing.assert_allclose(layer.backward(x, g).reshape(-1), numeric, **TOLERANCE)


class SeededDropout(nn.Dropout):
    """nn.Dropout that re-seeds the package generator before every forward: one fixed mask.

    With the mask fixed, training-mode Dropout is the linear map y = x ⊙ m, deterministic as
    finite differences require.
    """

    def __init__(self, p: float, seed: int) -> None:
        super().__init__(p)
        self.seed = seed

    def update_output(self, input: np.ndarray) -> np.ndarray:
        minitorch_l2.manual_seed(self.seed)
        return super().update_output(input)


@pytest.mark.parametrize("layer_class", [nn.Identity, nn.Sigmoid, nn.SoftMax, nn.LogSoftMax])
@pytest.mark.parametrize("shape", [(6,), (4, 5)])
def test_gradient_matches_finite_differences(layer_class, shape):
    assert_matches_finite_differences(layer_class(), sample(shape, scale=2.0))


def test_relu_gradient_matches_finite_differences_away_from_the_kink():
    x = sample((4, 5))
    x[np.abs(x) < 0.01] = 0.5  # differences of step 1e-6 must not cross 0
    assert_matches_finite_differences(nn.ReLU(), x)


@pytest.mark.parametrize("p", [0.0, 0.3, 0.9])
def test_dropout_gradient_matches_finite_differences_for_a_fixed_mask(p):
    layer, x = SeededDropout(p, seed=7), sample((5, 6))
    assert layer.train  # training mode: the mask is really applied
    if p > 0:
        assert (layer.forward(x) == 0).any()  # the fixed mask drops something
    assert_matches_finite_differences(layer, x)


def test_gradcheck_flags_unseeded_training_dropout_as_non_deterministic():
    report = check_module(nn.Dropout(0.5), sample((5, 6)))
    forward = next(c for c in report.properties if c.name == "forward deterministic")
    assert not report.ok and not forward.ok, str(report)
    assert "training mode" in forward.detail
    assert "FAIL forward deterministic" in str(report)


# ---------------------------------------------------------------- properties
@settings(max_examples=60, deadline=None)
@given(x=batches(bound=50.0))
def test_softmax_rows_are_probability_distributions(x):
    y = nn.SoftMax().forward(x)
    assert (y >= 0).all() and (y <= 1).all()
    np.testing.assert_allclose(y.sum(axis=-1), 1.0, rtol=1e-12)


@settings(max_examples=60, deadline=None)
@given(x=batches(bound=50.0), shift=st.floats(-100, 100))
def test_log_softmax_is_the_log_of_softmax_and_shift_invariant(x, shift):
    log_y = nn.LogSoftMax().forward(x).copy()
    assert (log_y <= 0).all()
    np.testing.assert_allclose(np.exp(log_y), nn.SoftMax().forward(x), rtol=1e-12, atol=1e-300)
    # log-sum-exp of each row is 0 after the layer: log Σ exp(y) = 0
    row_max = log_y.max(axis=-1, keepdims=True)
    lse = row_max[..., 0] + np.log(np.exp(log_y - row_max).sum(axis=-1))
    np.testing.assert_allclose(lse, 0.0, atol=1e-12)
    np.testing.assert_allclose(nn.LogSoftMax().forward(x + shift), log_y, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(data=st.data(), dtype=float_dtypes(), shape=batch_shapes())
def test_every_layer_keeps_shape_and_dtype_and_reuses_its_buffers(data, dtype, shape):
    x = data.draw(arrays(shape, dtype))
    g = data.draw(arrays(shape, dtype))
    for layer in (cls() for cls in ALL):
        y = layer.forward(x)
        assert y.shape == x.shape and y.dtype == dtype
        gi = layer.backward(x, g)
        assert gi.shape == x.shape and gi.dtype == dtype
        if not isinstance(layer, nn.Identity):
            assert layer.forward(x) is y and layer.backward(x, g) is gi


@settings(max_examples=30, deadline=None)
@given(x=batches(bound=5.0))
def test_relu_sigmoid_softmax_agree_with_their_definitions(x):
    np.testing.assert_array_equal(nn.ReLU().forward(x), np.where(x > 0, x, 0.0))
    np.testing.assert_allclose(nn.Sigmoid().forward(x), 1 / (1 + np.exp(-x)), rtol=1e-14)
    e = np.exp(x)
    np.testing.assert_allclose(
        nn.SoftMax().forward(x), e / e.sum(axis=-1, keepdims=True), rtol=1e-12
    )


# ---------------------------------------------------------------- Dropout
def test_dropout_keeps_or_zeroes_each_element_and_scales_by_1_over_1_minus_p():
    p = 0.25
    layer = nn.Dropout(p)
    x = np.full((200, 500), 2.0)
    y = layer.forward(x)
    assert set(np.unique(y)) == {0.0, 2.0 / (1 - p)}
    dropped = np.mean(y == 0)
    # 100000 Bernoulli(0.25) draws: standard deviation ≈ 0.0014, so 0.01 is over 7σ
    assert abs(dropped - p) < 0.01
    assert abs(y.mean() - 2.0) < 0.04  # inverted dropout keeps the expectation
    g = np.random.default_rng(0).normal(size=x.shape)
    # the backward pass uses the same mask: zero where dropped, scaled where kept
    np.testing.assert_allclose(layer.backward(x, g), np.where(y == 0, 0.0, g / (1 - p)), rtol=1e-15)


def test_dropout_masks_come_from_the_package_generator():
    layer = nn.Dropout(0.5)
    x = np.ones((10, 10))
    minitorch_l2.manual_seed(3)
    first = layer.forward(x).copy()
    second = layer.forward(x).copy()
    minitorch_l2.manual_seed(3)
    np.testing.assert_array_equal(layer.forward(x), first)
    assert not np.array_equal(first, second)


def test_dropout_is_the_identity_when_evaluating():
    net = nn.Sequential(nn.Dropout(0.9))
    net.evaluate()
    x, g = sample(), sample(seed=1)
    np.testing.assert_array_equal(net.forward(x), x)
    np.testing.assert_array_equal(net.backward(x, g), g)
    net.training()
    assert (net.forward(x) == 0).any()


def test_dropout_backward_follows_the_last_forward_not_a_stale_mask():
    layer = nn.Dropout(0.5)
    x, g = np.ones((20, 30)), sample((20, 30), seed=1)
    assert (layer.forward(x) == 0).any()  # a training forward: its mask drops elements
    layer.evaluate()
    np.testing.assert_array_equal(layer.forward(x), x)  # the output now is x itself...
    layer.training()
    # ...so its gradient is g: the first forward's mask no longer describes the output.
    np.testing.assert_array_equal(layer.backward(x, g), g)


def test_dropout_backward_in_evaluation_mode_after_a_training_forward_uses_its_mask():
    layer = nn.Dropout(0.5)
    x, g = np.ones((20, 30)), sample((20, 30), seed=1)
    y = layer.forward(x).copy()  # y = x ⊙ m, so m = y here (x is all ones)
    layer.evaluate()
    np.testing.assert_array_equal(layer.backward(x, g), g * y)


def test_dropout_state_is_per_call_and_reset_by_clear_state():
    layer = nn.Dropout(0.5)
    layer.forward(np.ones((2, 3)))
    layer.clear_state()
    with pytest.raises(ValueError, match="backward called before forward"):
        layer.backward(np.ones((2, 3)), np.ones((2, 3)))


def test_dropout_with_p_0_changes_nothing():
    x = sample()
    np.testing.assert_array_equal(nn.Dropout(0).forward(x), x)


def test_dropout_float32():
    x = np.ones((3, 4), dtype=np.float32)
    y = nn.Dropout(0.5).forward(x)
    assert y.dtype == np.float32 and set(np.unique(y)) <= {0.0, 2.0}


@pytest.mark.parametrize("p", [-0.1, 1, 1.0, 1.5, float("nan")])
def test_dropout_rejects_a_bad_p(p):
    with pytest.raises(ValueError, match=r"nn\.Dropout: p must be a finite number in \[0, 1\)"):
        nn.Dropout(p)


@pytest.mark.parametrize("p", ["0.5", True, None])
def test_dropout_rejects_a_p_that_is_not_a_number(p):
    with pytest.raises(TypeError, match=r"nn\.Dropout: p must be a real number"):
        nn.Dropout(p)


def test_dropout_backward_without_forward_is_a_clear_error():
    with pytest.raises(ValueError, match=r"nn\.Dropout: .*call forward first"):
        nn.Dropout(0.5).update_grad_input(np.ones(3), np.ones(3))


def test_printing():
    assert repr(nn.Dropout(0.25)) == "nn.Dropout(0.25)"
    assert repr(nn.ReLU()) == "nn.ReLU" and repr(nn.LogSoftMax()) == "nn.LogSoftMax"
    assert "(1): nn.SoftMax" in repr(nn.Sequential(nn.Identity(), nn.SoftMax()))


def test_lua_spellings_reach_the_same_code():
    x = sample()
    layer = nn.SoftMax()
    np.testing.assert_array_equal(layer.updateOutput(x), nn.SoftMax().forward(x))


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize("layer_class", ROWWISE)
@pytest.mark.parametrize("shape", [(2, 3, 4, 5, 6), (), (3, 0)])
def test_rowwise_layers_reject_other_shapes(layer_class, shape):
    with pytest.raises(ValueError, match=rf"nn\.{layer_class.__name__}: expected input of shape"):
        layer_class().forward(np.zeros(shape))


@pytest.mark.parametrize("layer_class", ALL)
def test_integer_input_is_a_type_error_naming_the_layer(layer_class):
    with pytest.raises(TypeError, match=rf"nn\.{layer_class.__name__}: expected input of a float"):
        layer_class().forward(np.arange(6).reshape(2, 3))


@pytest.mark.parametrize("layer_class", ALL)
def test_grad_output_of_the_wrong_shape_is_a_value_error(layer_class):
    layer = layer_class()
    x = sample()
    layer.forward(x)
    with pytest.raises(ValueError, match=rf"nn\.{layer_class.__name__}: expected grad_output"):
        layer.backward(x, np.ones((4, 6)))


# ---------------------------------------------------------------- NaN and ±inf
@pytest.mark.parametrize("layer_class", ROWWISE)
@pytest.mark.parametrize(
    "bad_row",
    [[np.nan, 1.0, 2.0], [np.inf, 1.0, 2.0], [-np.inf, -np.inf, -np.inf], [np.inf, -np.inf, 0]],
)
def test_a_row_holding_nan_or_inf_gives_nan_in_that_row_only(layer_class, bad_row):
    good = sample((40, 3))  # 41 rows of 3 columns: the folded row-maximum path too
    x = np.vstack([good[:20], [bad_row], good[20:]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and without a RuntimeWarning
        y = layer_class().forward(x)
    assert np.isnan(y[20]).all()
    np.testing.assert_array_equal(np.delete(y, 20, axis=0), layer_class().forward(good))


@pytest.mark.parametrize("layer_class", ROWWISE)
def test_a_minus_inf_logit_in_a_finite_row_has_probability_zero(layer_class):
    y = layer_class().forward(np.array([[-np.inf, 0.0, np.log(3.0)]]))  # exp: 0, 1, 3
    expected = np.array([[0.0, 0.25, 0.75]])
    if layer_class is nn.LogSoftMax:
        expected = np.log(expected, where=expected > 0, out=np.full_like(expected, -np.inf))
    np.testing.assert_allclose(y, expected, rtol=1e-15)
