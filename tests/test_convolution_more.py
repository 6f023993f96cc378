"""The rest of the convolution family: PyTorch as an oracle, Lua's own compositions, rules, errors.

Lua Torch 7's numbers for the cases it has are in tests/test_lua_reference_convolution.py; the
gradients of every module are checked by minitorch_l2/gradcheck/_recipes/convolution.py.
"""

from __future__ import annotations

import numpy as np
import pytest

import minitorch_l2
from minitorch_l2 import nn

from .test_convolution import _assert_all_close, _grads, _ours

RNG = np.random.default_rng(11)


# ---------------------------------------------------------------------- PyTorch as the oracle
def test_full_convolution_matches_conv_transpose2d(torch):
    module = nn.SpatialFullConvolution(2, 3, 4, 3, 3, 2, 1, 0, 2, 1)
    x = RNG.standard_normal((2, 2, 4, 5))
    g = RNG.standard_normal(module.forward(x).shape)

    def oracle(xt, w, b):
        return torch.nn.functional.conv_transpose2d(xt, w, b, (2, 3), (0, 1), (1, 2))

    _assert_all_close(_ours(module, x, g), _grads(torch, oracle, x, g, module.weight, module.bias))


def test_full_convolution_takes_its_size_from_a_target(torch):
    module = nn.SpatialFullConvolution(3, 2, 3, 3, 2, 2, 1, 1)
    x, target = RNG.standard_normal((2, 3, 3, 3)), np.zeros((2, 2, 6, 6))
    y = module.forward([x, target])
    assert y.shape == (2, 2, 6, 6)  # adj = 1 on both axes, as Lua's calculateAdj finds
    adjusted = nn.SpatialFullConvolution(3, 2, 3, 3, 2, 2, 1, 1, 1, 1)
    adjusted.weight[...], adjusted.bias[...] = module.weight, module.bias
    np.testing.assert_allclose(y, adjusted.forward(x), rtol=1e-14)
    grad = module.backward([x, target], np.ones_like(y))
    assert isinstance(grad, list) and not grad[1].any() and grad[1].shape == target.shape


@pytest.mark.parametrize("stride", [(2, 1), (1, 1)])  # (1, 1): the wide columns
def test_dilated_convolution_matches_torch(torch, stride):
    module = nn.SpatialDilatedConvolution(2, 3, 3, 2, *stride, 2, 1, 2, 3)
    x = RNG.standard_normal((2, 2, 9, 8))
    g = RNG.standard_normal(module.forward(x).shape)

    def oracle(xt, w, b):
        return torch.nn.functional.conv2d(xt, w, b, stride[::-1], (1, 2), (3, 2))

    _assert_all_close(_ours(module, x, g), _grads(torch, oracle, x, g, module.weight, module.bias))
    if stride == (2, 1):
        assert repr(module) == "nn.SpatialDilatedConvolution(2 -> 3, 3x2, 2,1, 2,1, 2,3)"


@pytest.mark.parametrize("stride", [(1, 1, 2), (1, 1, 1)])  # (1, 1, 1): the wide columns
def test_volumetric_layers_match_torch(torch, stride):
    conv = nn.VolumetricConvolution(2, 3, 2, 3, 2, stride[0], stride[2], stride[1], 1, 0, 1)
    x = RNG.standard_normal((2, 2, 4, 5, 6))
    g = RNG.standard_normal(conv.forward(x).shape)

    def oracle(xt, w, b):
        return torch.nn.functional.conv3d(xt, w, b, stride, (1, 1, 0))

    _assert_all_close(_ours(conv, x, g), _grads(torch, oracle, x, g, conv.weight, conv.bias))
    pool = nn.VolumetricMaxPooling(2, 3, 2, 2, 2, 1, 1, 1, 0).ceil()
    g = RNG.standard_normal(pool.forward(x).shape)

    def pooled(xt):
        return torch.nn.functional.max_pool3d(xt, (2, 2, 3), (2, 1, 2), (1, 0, 1), 1, True)

    _assert_all_close(_ours(pool, x, g), _grads(torch, pooled, x, g))


@pytest.mark.parametrize("sizes", [(5, 7, 3, 2), (9, 10, 4, 3), (3, 5, 4, 7), (8, 8, 1, 1)])
def test_adaptive_poolings_match_torch(torch, sizes):
    height, width, out_h, out_w = sizes
    x = RNG.standard_normal((2, 3, height, width))
    for module, oracle in (
        (nn.SpatialAdaptiveMaxPooling(out_w, out_h), torch.nn.functional.adaptive_max_pool2d),
        (nn.SpatialAdaptiveAveragePooling(out_w, out_h), torch.nn.functional.adaptive_avg_pool2d),
    ):
        g = RNG.standard_normal(module.forward(x).shape)
        theirs = _grads(torch, lambda xt, f=oracle: f(xt, (out_h, out_w)), x, g)
        _assert_all_close(_ours(module, x, g), theirs)


def test_fractional_max_pooling_matches_torch_for_the_same_samples(torch):
    pool = nn.SpatialFractionalMaxPooling(3, 2, 0.6, 0.5)
    x = RNG.standard_normal((2, 3, 10, 12))
    y = pool.forward(x)
    assert y.shape == (2, 3, 5, 7)  # ⌊10·0.5⌋ × ⌊12·0.6⌋
    samples = torch.from_numpy(pool.random_samples)
    g = RNG.standard_normal(y.shape)

    def oracle(xt):
        return torch.nn.functional.fractional_max_pool2d(
            xt, (2, 3), output_size=(5, 7), _random_samples=samples
        )

    _assert_all_close([y.copy(), pool.backward(x, g).copy()], _grads(torch, oracle, x, g))


@pytest.mark.parametrize(
    ("module", "mode", "pads"),
    [
        (nn.SpatialZeroPadding, "constant", (1, 2, 3, 0)),
        (nn.SpatialReflectionPadding, "reflect", (2, 1, 0, 3)),
        (nn.SpatialReplicationPadding, "replicate", (3, 0, 2, 4)),
    ],
)
def test_paddings_match_torch(torch, module, mode, pads):
    layer = module(*pads)
    x = RNG.standard_normal((2, 3, 4, 5))
    g = RNG.standard_normal(layer.forward(x).shape)
    oracle = lambda xt: torch.nn.functional.pad(xt, pads, mode=mode)  # noqa: E731
    _assert_all_close(_ours(layer, x, g), _grads(torch, oracle, x, g))


def test_negative_pads_crop():
    x = np.arange(20.0).reshape(1, 4, 5)
    np.testing.assert_array_equal(nn.SpatialZeroPadding(-1, -2, 0, -1).forward(x), x[:, :3, 1:3])
    cropped = nn.SpatialReplicationPadding(-1, 1, -2, 0).forward(x)
    np.testing.assert_array_equal(cropped[0, :, :-1], x[0, 2:, 1:])
    np.testing.assert_array_equal(cropped[0, :, -1], x[0, 2:, -1])  # the border repeated


@pytest.mark.parametrize(("size", "planes"), [(5, 7), (3, 2), (1, 3)])
def test_cross_map_lrn_matches_torch(torch, size, planes):
    module = nn.SpatialCrossMapLRN(size, 0.3, 0.6, 1.5)
    x = RNG.standard_normal((2, planes, 3, 4))
    g = RNG.standard_normal(x.shape)
    oracle = lambda xt: torch.nn.functional.local_response_norm(xt, size, 0.3, 0.6, 1.5)  # noqa: E731
    _assert_all_close(_ours(module, x, g), _grads(torch, oracle, x, g))


def test_spatial_softmaxes_match_torch_over_the_planes(torch):
    x = RNG.standard_normal((2, 4, 3, 5))
    for module, oracle in (
        (nn.SpatialSoftMax(), torch.nn.functional.softmax),
        (nn.SpatialLogSoftMax(), torch.nn.functional.log_softmax),
    ):
        g = RNG.standard_normal(x.shape)
        theirs = _grads(torch, lambda xt, f=oracle: f(xt, 1), x, g)
        _assert_all_close(_ours(module, x, g), theirs)
        # A single image's planes are its first axis, as in Lua.
        np.testing.assert_allclose(module.forward(x[1]), theirs[0][1], rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("weights", [None, np.array([1.0, 2.0, 0.5, 3.0])])
@pytest.mark.parametrize("size_average", [True, False])
def test_spatial_class_nll_matches_torch(torch, weights, size_average):
    x = RNG.standard_normal((2, 4, 3, 5))
    target = RNG.integers(0, 4, (2, 3, 5))
    criterion = nn.SpatialClassNLLCriterion(weights, size_average)
    loss = criterion.forward(x, target)
    grad = criterion.backward(x, target)
    xt = torch.from_numpy(x).requires_grad_()
    w = None if weights is None else torch.from_numpy(weights)
    expected = torch.nn.functional.nll_loss(
        xt, torch.from_numpy(target), w, reduction="mean" if size_average else "sum"
    )
    expected.backward()
    np.testing.assert_allclose(loss, expected.item(), rtol=1e-13)
    np.testing.assert_allclose(grad, xt.grad.numpy(), rtol=1e-13)


# ---------------------------------------------------------------------- Lua's own compositions
def _lua_mean_estimator(planes, kernel):
    """Lua's meanestimator: ZeroPadding, then SpatialConvolution (2-D kernel) or
    SpatialConvolutionMap(oneToOne) + SpatialConvolution (1-D), the kernel in every plane."""
    pad_h = kernel.shape[0] // 2
    pad_w = pad_h if kernel.ndim == 1 else kernel.shape[1] // 2
    net = nn.Sequential(nn.SpatialZeroPadding(pad_w, pad_w, pad_h, pad_h))
    if kernel.ndim == 2:
        conv = nn.SpatialConvolution(planes, 1, kernel.shape[1], kernel.shape[0])
        conv.weight[0] = kernel
        conv.bias[...] = 0
        return net.add(conv)
    rows = nn.SpatialConvolutionMap(nn.tables.one_to_one(planes), kernel.size, 1)
    rows.weight[...] = kernel
    rows.bias[...] = 0
    cols = nn.SpatialConvolution(planes, 1, 1, kernel.size)
    cols.weight[0, :, :, 0] = kernel
    cols.bias[...] = 0
    return net.add(rows).add(cols)


@pytest.mark.parametrize("kernel", [np.ones((3, 5)), np.array([1.0, 2.0, 1.0])])
def test_normalisations_equal_luas_composition_of_layers(kernel):
    planes = 3
    x = RNG.uniform(-1, 2, (2, planes, 6, 7))
    # Lua's subtractive: kernel / (Σ · n), the mean of the summed planes, corrected at borders.
    k_sub = kernel / (kernel.sum() * planes)
    mean = _lua_mean_estimator(planes, k_sub)
    coef = mean.forward(np.ones(x.shape[1:])).copy()
    expected = x - mean.forward(x) / coef
    sub = nn.SpatialSubtractiveNormalization(planes, kernel)
    np.testing.assert_allclose(sub.forward(x), expected, rtol=1e-12, atol=1e-13)
    # Lua's divisive: kernel / (Σ · n) for 2-D, / (Σ · √n) for 1-D; σ = √(smoothed Σ x²).
    k_div = kernel / (kernel.sum() * (planes if kernel.ndim == 2 else np.sqrt(planes)))
    smooth = _lua_mean_estimator(planes, k_div)
    coef = smooth.forward(np.ones(x.shape[1:])).copy()
    std = np.sqrt(smooth.forward(x * x)) / coef
    expected = x / np.where(std > 0.2, std, 0.1)
    div = nn.SpatialDivisiveNormalization(planes, kernel, 0.2, 0.1)
    np.testing.assert_allclose(div.forward(x), expected, rtol=1e-12, atol=1e-13)
    both = nn.SpatialContrastiveNormalization(planes, kernel, 0.2, 0.1)
    np.testing.assert_allclose(both.forward(x), div.forward(sub.forward(x)), rtol=1e-12)


def test_lp_pooling_is_luas_power_average_power_chain():
    x = RNG.uniform(0.1, 2, (2, 3, 6, 6))
    for p in (2, 3, 1.5):
        pool = nn.SpatialLPPooling(3, p, 3, 2, 1, 2)
        windows = nn.SpatialAveragePooling(3, 2, 1, 2).forward(x**p) * 6
        np.testing.assert_allclose(pool.forward(x), windows ** (1 / p), rtol=1e-13)


def test_a_map_with_the_full_table_is_a_spatial_convolution():
    conv = nn.SpatialConvolution(3, 2, 3, 2, 2, 1)
    table = nn.tables.full(3, 2)
    mapped = nn.SpatialConvolutionMap(table, 3, 2, 2, 1)
    mapped.weight[...] = conv.weight[table[:, 1], table[:, 0]]
    mapped.bias[...] = conv.bias
    x = RNG.standard_normal((2, 3, 6, 6))
    np.testing.assert_allclose(mapped.forward(x), conv.forward(x), rtol=1e-13)
    g = RNG.standard_normal(conv.output.shape)
    np.testing.assert_allclose(mapped.backward(x, g), conv.backward(x, g), rtol=1e-13)
    np.testing.assert_allclose(
        mapped.grad_weight, conv.grad_weight[table[:, 1], table[:, 0]], rtol=1e-13
    )


def test_a_full_map_with_the_full_table_is_a_full_convolution():
    full = nn.SpatialFullConvolution(2, 3, 2, 3, 2, 1)
    table = nn.tables.full(2, 3)
    mapped = nn.SpatialFullConvolutionMap(table, 2, 3, 2, 1)
    mapped.weight[...] = full.weight[table[:, 0], table[:, 1]]
    mapped.bias[...] = full.bias
    x = RNG.standard_normal((2, 4, 3))
    np.testing.assert_allclose(mapped.forward(x), full.forward(x), rtol=1e-13)
    assert mapped.output.shape == (3, (4 - 1) * 1 + 3, (3 - 1) * 2 + 2)  # Lua's output size


# ---------------------------------------------------------------------- Lua's rules
def test_tables_are_luas_zero_based():
    np.testing.assert_array_equal(nn.tables.full(2, 2), [[0, 0], [1, 0], [0, 1], [1, 1]])
    np.testing.assert_array_equal(nn.tables.oneToOne(3), [[0, 0], [1, 1], [2, 2]])
    minitorch_l2.manual_seed(3)
    table = nn.tables.random(6, 5, 2)
    assert table.shape == (10, 2) and table.dtype == np.int64
    np.testing.assert_array_equal(table[:, 1], np.repeat(np.arange(5), 2))
    inputs = table[:, 0].reshape(5, 2)
    assert all(len(set(row)) == 2 for row in inputs)  # distinct inputs per output plane
    # ⌊6/2⌋ = 3 chunks are dealt from one permutation: the first three outputs share no input.
    assert len(set(inputs[:3].ravel())) == 6


def test_spatial_dropout_drops_whole_planes_and_scales_in_evaluation():
    drop = nn.SpatialDropout(0.4)
    x = RNG.uniform(1, 2, (40, 10, 3, 3))
    y = drop.forward(x)
    kept = (y != 0).reshape(40, 10, 9)
    assert np.all(kept.all(axis=2) | ~kept.any(axis=2))  # a plane is kept or dropped whole
    np.testing.assert_array_equal(y[kept.all(axis=2)], x[kept.all(axis=2)])  # no rescale
    assert 0.5 < kept.all(axis=2).mean() < 0.7
    np.testing.assert_array_equal(drop.backward(x, np.ones_like(x)) != 0, y != 0)
    drop.evaluate()
    np.testing.assert_allclose(drop.forward(x), 0.6 * x)
    np.testing.assert_allclose(drop.backward(x, np.ones_like(x)), 0.6)
    assert repr(drop) == "nn.SpatialDropout(0.400000)"


def test_fractional_windows_are_redrawn_unless_fixed():
    pool = nn.SpatialFractionalMaxPooling(2, 2, 4, 4)
    x = RNG.standard_normal((3, 4, 9, 9))
    pool.forward(x)
    first = pool.random_samples.copy()
    pool.forward(x)
    assert not np.array_equal(pool.random_samples, first)
    pool.fix_pooling_regions()
    kept = pool.random_samples.copy()
    out = pool.forward(x).copy()
    np.testing.assert_array_equal(pool.random_samples, kept)
    np.testing.assert_array_equal(pool.forward(x), out)
    pool.clear_state()
    assert pool.random_samples is None


def test_adaptive_max_pooling_keeps_luas_float32_windows():
    # THNN computes the window ends as ⌈(i + 1)/out · size⌉ in float32: for 13 → 13 this
    # widens some windows to two elements (exact arithmetic would give the identity).
    x = np.arange(13.0)[None, None, :, None] * np.ones((1, 1, 1, 1))
    y = nn.SpatialAdaptiveMaxPooling(1, 13).forward(x)
    ends = np.ceil(np.arange(1, 14, dtype=np.float32) / np.float32(13) * np.float32(13))
    np.testing.assert_array_equal(y[0, 0, :, 0], ends - 1)


def test_up_sampling_repeats_and_sums_back():
    x = np.arange(6.0).reshape(1, 2, 3)
    up = nn.SpatialUpSamplingNearest(2)
    np.testing.assert_array_equal(up.forward(x)[0, :2, :4], [[0, 0, 1, 1], [0, 0, 1, 1]])
    np.testing.assert_array_equal(up.backward(x, np.ones((1, 4, 6))), np.full((1, 2, 3), 4.0))


# ---------------------------------------------------------------------- float32
@pytest.mark.parametrize(
    "make",
    [
        lambda: nn.SpatialFullConvolution(2, 3, 3, 3, 2, 2, 1, 1, 1, 1),
        lambda: nn.VolumetricConvolution(2, 2, 2, 2, 2),
        lambda: nn.SpatialConvolutionMap(nn.tables.full(2, 2), 3, 3),
        lambda: nn.SpatialAdaptiveMaxPooling(3, 2),
        lambda: nn.SpatialAdaptiveAveragePooling(3, 2),
        lambda: nn.SpatialCrossMapLRN(3),
        lambda: nn.SpatialReflectionPadding(1, 2, 1, 0),
        lambda: nn.SpatialLogSoftMax(),
        lambda: nn.SpatialContrastiveNormalization(2, np.ones((3, 3))),
        lambda: nn.SpatialLPPooling(2, 2, 2, 2),
    ],
)
def test_float32_gives_the_float64_result_to_float32_precision(make):
    double = make()
    single = double.clone().float()
    shape = (2, 2, 5, 6, 6) if isinstance(double, nn.VolumetricConvolution) else (2, 2, 6, 6)
    x = RNG.uniform(0.2, 2, shape)
    y = single.forward(x.astype(np.float32))
    assert y.dtype == np.float32
    np.testing.assert_allclose(y, double.forward(x), rtol=2e-5, atol=2e-5)
    g = single.backward(x.astype(np.float32), np.ones(y.shape, np.float32))
    assert g.dtype == np.float32


# ---------------------------------------------------------------------- bad input and settings
@pytest.mark.parametrize(
    ("module", "shape", "message"),
    [
        (
            lambda: nn.SpatialFullConvolution(3, 2, 3, 3, 1, 1, 2, 2),
            (3, 1, 1),
            r"input of shape \(3, 1, 1\) is too small, its output would be -1x-1; the smallest "
            r"input this layer accepts is \(3, 3, 3\)",
        ),
        (
            lambda: nn.VolumetricConvolution(2, 2, 3, 3, 3),
            (2, 2, 4, 4),
            r"nn.VolumetricConvolution\(2 -> 2, 3x3x3\): input of shape \(2, 2, 4, 4\) is too "
            r"small, its output would be 0x2x2; the smallest input this layer accepts is "
            r"\(2, 3, 3, 3\)",
        ),
        (
            lambda: nn.SpatialReflectionPadding(3, 1, 0, 0),
            (2, 4, 3),
            r"a reflection pad must be below the input's size .* the smallest input this layer "
            r"accepts is \(C, 1, 4\)",
        ),
        (
            lambda: nn.SpatialZeroPadding(-2, -2, 0, 0),
            (1, 3, 4),
            r"its output would be 3x0; the smallest input this layer accepts is \(C, 1, 5\)",
        ),
        (
            lambda: nn.SpatialFractionalMaxPooling(2, 2, 4, 4),
            (1, 5, 5),
            r"too small for 4x4 windows of 2x2; the smallest input this layer accepts is "
            r"\(C, 6, 6\)",
        ),
        (
            lambda: nn.SpatialConvolutionMap(nn.tables.full(3, 2), 3, 3),
            (2, 6, 6),
            r"expected input of shape \(3, H, W\) or \(N, 3, H, W\), got \(2, 6, 6\)",
        ),
        (
            lambda: nn.SpatialDropout(),
            (4, 5),
            r"nn.SpatialDropout: expected input of shape \(C, H, W\)",
        ),
        (
            lambda: nn.SpatialSoftMax(),
            (1, 2, 3, 4, 5),
            r"expected input of shape \(C,\), \(n, C\), \(C, H, W\) or \(N, C, H, W\)",
        ),
        (  # the outer module is named, not its first stage (SpatialSubtractiveNormalization)
            lambda: nn.SpatialContrastiveNormalization(2),
            (4, 4),
            r"^nn\.SpatialContrastiveNormalization: expected input of shape \(2, H, W\) or "
            r"\(N, 2, H, W\), got \(4, 4\)$",
        ),
    ],
)
def test_bad_input_names_the_module_and_the_smallest_input(module, shape, message):
    with pytest.raises(ValueError, match=message):
        module().forward(np.zeros(shape))


def test_spatial_class_nll_refuses_bad_targets():
    criterion = nn.SpatialClassNLLCriterion()
    x = np.zeros((2, 3, 2, 2))
    with pytest.raises(ValueError, match=r"expected targets of shape \(2, 2, 2\)"):
        criterion.forward(x, np.zeros((2, 2), np.int64))
    with pytest.raises(ValueError, match=r"must lie in \[0, 2\] \(0-based\)"):
        criterion.forward(x, np.full((2, 2, 2), 3))
    with pytest.raises(TypeError, match="expected integer class targets"):
        criterion.forward(x, np.zeros((2, 2, 2)))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: nn.SpatialFullConvolution(2, 2, 3, 3, 2, 2, 0, 0, 2),
            "adj_w and adj_h must be below",
        ),
        (lambda: nn.SpatialCrossMapLRN(4), "size must be odd"),
        (lambda: nn.SpatialDropout(1.5), r"p must be a finite number in \[0, 1\]"),
        (lambda: nn.SpatialUpSamplingNearest(1.5), "scale_factor must be an int"),
        (lambda: nn.SpatialFractionalMaxPooling(1, 2, 3, 3), r"pool_size_w must be in \[2, inf\]"),
        (lambda: nn.SpatialFractionalMaxPooling(2, 2, 1.5, 0.5), "ratios in"),
        (lambda: nn.SpatialConvolutionMap(np.array([[0, -1]]), 3, 3), "plane numbers from 0"),
        (lambda: nn.SpatialConvolutionMap(np.array([0, 1]), 3, 3), r"shape \(K, 2\)"),
        (lambda: nn.SpatialSubtractiveNormalization(1, np.ones((2, 3))), "odd sizes"),
        (lambda: nn.SpatialLPPooling(1, 0, 2, 2), "pnorm must be a finite number in"),
        (lambda: nn.SpatialAdaptiveMaxPooling(0, 2), r"w must be in \[1, inf\]"),
    ],
)
def test_bad_settings_are_refused(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make()
