"""nn.BatchNormalization and nn.SpatialBatchNormalization: PyTorch, by hand, and Lua's quirks.

Lua's own numbers (output, gradients, running statistics) are in tests/test_lua_reference_norm.py;
PyTorch's BatchNorm1d/2d follow the same definitions (biased variance in the output, unbiased in
the running average, the same momentum convention), so they are an oracle for larger batches.
"""

from __future__ import annotations

import numpy as np
import pytest

from minitorch_l2 import nn

CASES = [  # (class, input shape, PyTorch class)
    (nn.BatchNormalization, (8, 5), "BatchNorm1d"),
    (nn.SpatialBatchNormalization, (4, 3, 5, 6), "BatchNorm2d"),
]


@pytest.mark.parametrize(("cls", "shape", "theirs"), CASES)
@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("mode", ["training", "evaluate"])
def test_matches_pytorch(torch, cls, shape, theirs, affine, mode):
    rng = np.random.default_rng(0)
    c = shape[1]
    x, g = rng.normal(size=shape) * 3 + 1, rng.normal(size=shape)
    ours = cls(c, 1e-3, 0.3, affine)
    reference = getattr(torch.nn, theirs)(c, eps=1e-3, momentum=0.3, affine=affine).double()
    ours.running_mean[...] = rng.normal(size=c)
    ours.running_var[...] = rng.uniform(0.5, 2, size=c)
    reference.running_mean.copy_(torch.tensor(ours.running_mean))
    reference.running_var.copy_(torch.tensor(ours.running_var))
    if affine:
        with torch.no_grad():
            reference.weight.copy_(torch.tensor(ours.weight))
            reference.bias.copy_(torch.tensor(rng.normal(size=c)))
        ours.bias[...] = reference.bias.detach().numpy()
    getattr(ours, mode)()
    reference.train(mode == "training")
    xt = torch.tensor(x, requires_grad=True)
    out = reference(xt)
    out.backward(torch.tensor(g))
    np.testing.assert_allclose(ours.forward(x), out.detach().numpy(), rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(ours.backward(x, g), xt.grad.numpy(), rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(ours.running_mean, reference.running_mean.numpy(), rtol=1e-13)
    np.testing.assert_allclose(ours.running_var, reference.running_var.numpy(), rtol=1e-13)
    if affine:
        np.testing.assert_allclose(ours.grad_weight, reference.weight.grad.numpy(), rtol=1e-11)
        np.testing.assert_allclose(ours.grad_bias, reference.bias.grad.numpy(), rtol=1e-12)


def test_training_normalises_each_feature_and_updates_the_running_statistics():
    x = np.array([[1.0, 10.0], [3.0, 10.0], [5.0, 40.0]])
    layer = nn.BatchNormalization(2, eps=0.0, momentum=0.5)
    layer.weight[...] = 1.0
    y = layer.forward(x)
    np.testing.assert_allclose(y.mean(axis=0), 0.0, atol=1e-15)
    np.testing.assert_allclose(y.var(axis=0), 1.0, rtol=1e-14)  # the biased variance
    np.testing.assert_allclose(layer.running_mean, 0.5 * np.array([3.0, 20.0]))
    np.testing.assert_allclose(layer.running_var, 0.5 + 0.5 * np.array([4.0, 300.0]))  # unbiased


def test_a_training_batch_of_one_sample_uses_the_running_statistics_as_lua():
    # Lua: train and input:size(1) > 1; one sample is normalised as in evaluation, unchanged.
    layer = nn.BatchNormalization(3)
    layer.running_mean[...] = [1.0, 2.0, 3.0]
    layer.running_var[...] = [4.0, 1.0, 0.25]
    before = layer.running_mean.copy(), layer.running_var.copy()
    x = np.array([[2.0, 2.0, 2.0]])
    y = layer.forward(x).copy()
    grad = layer.backward(x, np.ones((1, 3))).copy()
    np.testing.assert_array_equal(layer.running_mean, before[0])
    np.testing.assert_array_equal(layer.running_var, before[1])
    layer.evaluate()
    np.testing.assert_array_equal(layer.forward(x), y)
    np.testing.assert_array_equal(layer.backward(x, np.ones((1, 3))), grad)
    # evaluate() also takes one sample without its batch dimension
    np.testing.assert_array_equal(layer.forward(x[0]), y[0])


def test_defaults_and_reset_are_lua_s():
    layer = nn.SpatialBatchNormalization(4)
    assert (layer.eps, layer.momentum, layer.affine) == (1e-5, 0.1, True)
    assert np.all((layer.weight >= 0) & (layer.weight < 1)) and not layer.bias.any()
    layer.running_mean += 1
    layer.reset()
    assert not layer.running_mean.any() and np.all(layer.running_var == 1)
    assert repr(layer) == "nn.SpatialBatchNormalization (4D) (4)"
    assert repr(nn.BatchNormalization(3, affine=False)) == "nn.BatchNormalization (2D) (3)"
    assert nn.BatchNormalization(3, affine=False).parameters() == ([], [])


def test_float32_converts_the_running_statistics_too():
    layer = nn.BatchNormalization(3).float()
    assert layer.running_mean.dtype == layer.weight.dtype == np.float32
    x = np.random.default_rng(2).normal(size=(6, 3)).astype(np.float32)
    assert layer.forward(x).dtype == np.float32
    assert layer.backward(x, x).dtype == np.float32
    assert layer.running_var.dtype == np.float32


@pytest.mark.parametrize(
    ("module", "bad", "words"),
    [
        (nn.BatchNormalization(4), np.ones((3, 5)), ["(n, C) with C = 4", "(3, 5)"]),
        (nn.BatchNormalization(4), np.ones(4), ["after evaluate()", "(4,)"]),  # training
        (nn.BatchNormalization(4), np.ones((2, 4, 3)), ["(n, C)", "(2, 4, 3)"]),
        (nn.SpatialBatchNormalization(3), np.ones((2, 3, 4)), ["(n, C, H, W)", "(2, 3, 4)"]),
        (nn.SpatialBatchNormalization(3), np.ones((2, 2, 4, 4)), ["C = 3", "(2, 2, 4, 4)"]),
    ],
)
def test_bad_input_is_named(module, bad, words):
    with pytest.raises(ValueError) as info:
        module.forward(bad)
    message = str(info.value)
    assert message.startswith(f"nn.{type(module).__name__}: ")
    for word in words:
        assert word in message


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ((0,), ValueError),
        ((4, -1.0), ValueError),
        ((4, 1e-5, 2.0), ValueError),
        ((4.0,), TypeError),
    ],
)
def test_bad_settings_are_named(args, error):
    with pytest.raises(error, match=r"nn\.BatchNormalization: "):
        nn.BatchNormalization(*args)
    with pytest.raises(TypeError, match=r"nn\.BatchNormalization: affine must be True or False"):
        nn.BatchNormalization(4, affine=1)
