"""The convolution family: PyTorch as an oracle, float32, Lua's rules, settings and bad input.

Lua Torch 7's own numbers are in tests/test_lua_reference_convolution.py; gradients are checked
by the recipes of minitorch_l2/gradcheck/_recipes/convolution.py.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings

from minitorch_l2 import nn

from .strategies import window_geometries


def _grads(torch, make_torch, x, g, *parameters):
    """PyTorch's output, grad_input and parameter gradients for ``make_torch(x, *params)``."""
    xt = torch.from_numpy(x).requires_grad_()
    pt = [torch.from_numpy(p.copy()).requires_grad_() for p in parameters]
    yt = make_torch(xt, *pt)
    yt.backward(torch.from_numpy(g))
    return [yt.detach().numpy(), xt.grad.numpy()] + [p.grad.numpy() for p in pt]


def _ours(module, x, g):
    y = module.forward(x).copy()
    module.zero_grad_parameters()
    gi = module.backward(x, g).copy()
    return [y, gi] + [p.copy() for p in module.parameters()[1]]


def _assert_all_close(ours, theirs, rtol=1e-12, atol=1e-13):
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b.reshape(a.shape), rtol=rtol, atol=atol)


# ---------------------------------------------------------------------- PyTorch as the oracle
CONVOLUTIONS = [
    # (C, O, kW, kH, dW, dH, padW, padH, input shape)
    (3, 4, 3, 3, 1, 1, 1, 1, (2, 3, 5, 5)),
    (2, 3, 3, 2, 2, 1, 1, 0, (2, 2, 6, 7)),
    (1, 6, 5, 5, 1, 1, 0, 0, (3, 1, 12, 12)),
    (2, 2, 2, 3, 3, 2, 2, 1, (3, 2, 9, 8)),
    (2, 3, 1, 1, 1, 1, 0, 0, (2, 2, 3, 4)),
    (2, 3, 4, 4, 1, 1, 0, 0, (2, 4, 4)),
]


@pytest.mark.parametrize("case", CONVOLUTIONS)
def test_spatial_convolution_matches_torch(torch, case):
    c, o, kw, kh, dw, dh, pw, ph, shape = case
    if len(shape) == 3:
        c = shape[0]
    module = nn.SpatialConvolution(c, o, kw, kh, dw, dh, pw, ph)
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape)
    g = rng.standard_normal(module.forward(x).shape)

    def conv(xt, w, b):
        batch = xt if xt.ndim == 4 else xt[None]
        y = torch.nn.functional.conv2d(batch, w, b, stride=(dh, dw), padding=(ph, pw))
        return y if xt.ndim == 4 else y[0]

    theirs = _grads(torch, conv, x, g, module.weight, module.bias)
    _assert_all_close(_ours(module, x, g), theirs)


def lua_keeps_an_empty_window(geometry) -> bool:
    """Whether THNN's ceil mode keeps a last window past the input (PyTorch drops it)."""
    kernel, stride, pad, shape = geometry
    if any(pad):
        return False
    return any(-(-(n - k) // s) * s >= n for n, k, s in zip(shape[2:], kernel, stride))


@settings(max_examples=30, deadline=None)
@given(window_geometries())
def test_convolution_and_pooling_match_torch_for_any_geometry(geometry):
    torch = pytest.importorskip("torch")
    functional = torch.nn.functional
    (kh, kw), (dh, dw), (ph, pw), shape = geometry
    rng = np.random.default_rng(sum(shape))
    x = rng.standard_normal(shape)
    conv = nn.SpatialConvolution(shape[1], 2, kw, kh, dw, dh, pw, ph)
    layers = [(conv, lambda xt, w, b: functional.conv2d(xt, w, b, (dh, dw), (ph, pw)))]
    options = ((kh, kw), (dh, dw), (ph, pw))
    for ceil in (False, True) if not lua_keeps_an_empty_window(geometry) else (False,):
        pool = nn.SpatialMaxPooling(kw, kh, dw, dh, pw, ph)
        pool.ceil_mode = ceil
        layers.append((pool, lambda xt, c=ceil: functional.max_pool2d(xt, *options, 1, c)))
        for include in (True, False):
            mean = nn.SpatialAveragePooling(kw, kh, dw, dh, pw, ph)
            mean.ceil_mode, mean.count_include_pad = ceil, include
            oracle = lambda xt, c=ceil, i=include: functional.avg_pool2d(xt, *options, c, i)  # noqa: E731
            layers.append((mean, oracle))
    for module, oracle in layers:
        g = rng.standard_normal(module.forward(x).shape)
        theirs = _grads(torch, oracle, x, g, *module.parameters()[0])
        _assert_all_close(_ours(module, x, g), theirs)


def test_temporal_convolution_matches_torch_conv1d(torch):
    module = nn.TemporalConvolution(3, 4, 3, 2)
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 9, 3))
    g = rng.standard_normal(module.forward(x).shape)

    def conv(xt, w, b):
        # Lua's weight row is (kW, F) frame-major; conv1d's is (F, kW).
        w3 = w.reshape(4, 3, 3).permute(0, 2, 1)
        y = torch.nn.functional.conv1d(xt.permute(0, 2, 1), w3, b, stride=2)
        return y.permute(0, 2, 1)

    theirs = _grads(torch, conv, x, g, module.weight, module.bias)
    _assert_all_close(_ours(module, x, g), theirs)


def test_temporal_max_pooling_matches_torch(torch):
    module = nn.TemporalMaxPooling(3, 2)
    x = np.random.default_rng(2).standard_normal((2, 9, 4))
    g = np.random.default_rng(3).standard_normal(module.forward(x).shape)

    def pool(xt):
        return torch.nn.functional.max_pool1d(xt.permute(0, 2, 1), 3, 2).permute(0, 2, 1)

    _assert_all_close(_ours(module, x, g), _grads(torch, pool, x, g))


# ---------------------------------------------------------------------- Lua's rules
def test_max_pooling_gives_a_tie_to_the_first_maximum_in_row_major_order():
    # After a ReLU, windows of equal zeros are common: Lua sends the gradient to the first one.
    x = np.array([[[[0.0, 0.0, 1.0, 3.0], [0.0, 0.0, 3.0, 2.0]]]])
    pool = nn.SpatialMaxPooling(2, 2)
    np.testing.assert_array_equal(pool.forward(x), [[[[0.0, 3.0]]]])
    grad = pool.backward(x, np.array([[[[5.0, 7.0]]]]))
    np.testing.assert_array_equal(grad, [[[[5.0, 0.0, 0.0, 7.0], [0.0, 0.0, 0.0, 0.0]]]])


def test_overlapping_max_windows_add_their_gradients():
    x = np.array([[[1.0, 5.0, 2.0, 0.0]]])  # the 5 is the maximum of both 3-wide windows
    pool = nn.SpatialMaxPooling(3, 1, 1, 1)
    np.testing.assert_array_equal(pool.forward(x), [[[5.0, 5.0]]])
    np.testing.assert_array_equal(pool.backward(x, np.array([[[1.0, 2.0]]])), [[[0, 3.0, 0, 0]]])


@pytest.mark.parametrize(
    ("size", "kernel", "stride", "pad", "ceil", "expected"),
    [
        (5, 2, 2, 0, False, 2),
        (5, 2, 2, 0, True, 3),  # a last window of one element
        (6, 3, 2, 1, True, 4),
        (4, 2, 3, 1, True, 2),  # ceil gives 3, but that window would start in the padding
        (5, 1, 3, 0, True, 3),  # THNN keeps a last window starting past the input (at 6)
    ],
)
def test_pooling_output_sizes_follow_thnn(size, kernel, stride, pad, ceil, expected):
    mean = nn.SpatialAveragePooling(kernel, kernel, stride, stride, pad, pad)
    mean.ceil_mode = ceil
    assert mean.forward(np.zeros((1, size, size))).shape == (1, expected, expected)
    if expected == 3 and stride > kernel:
        return  # max pooling refuses that window (below)
    pool = nn.SpatialMaxPooling(kernel, kernel, stride, stride, pad, pad)
    pool.ceil_mode = ceil
    assert pool.forward(np.zeros((1, size, size))).shape == (1, expected, expected)


def test_padding_in_one_dimension_drops_the_last_window_in_both_as_thnn():
    # THNN: "if (padW || padH)" drops a last window starting past the input + pad, in both
    # dimensions. Here H (no padding): ⌈(4 − 1)/2⌉ + 1 = 3 windows, the last one at 4, dropped.
    pool = nn.SpatialMaxPooling(2, 1, 2, 2, 1, 0).ceil()
    assert pool.forward(np.zeros((1, 4, 4))).shape == (1, 2, 3)


def test_ceil_mode_keeps_thnns_window_past_the_input_for_average_pooling():
    # THNN's SpatialAveragePooling(1, 1, 3, 3):ceil() on 5×5 has windows at 0, 3 and 6 along each
    # side; the one at 6 holds nothing and THNN divides its zero sum by its count, (5 − 6)·1 =
    # −1 beside an ordinary window and (−1)·(−1) = 1 in the corner: −0 and 0. Its gradient
    # reaches no element.
    x = np.arange(25.0).reshape(1, 1, 5, 5) + 1
    for mean in (
        nn.SpatialAveragePooling(1, 1, 3, 3).ceil(),
        nn.SpatialAveragePooling(1, 1, 3, 3).ceil().set_count_exclude_pad(),
    ):
        y = mean.forward(x)
        np.testing.assert_array_equal(y, [[[[1, 4, 0], [16, 19, 0], [0, 0, 0]]]])
        assert np.signbit(y[0, 0, 0, 2]) and not np.signbit(y[0, 0, 2, 2])  # −0 and +0
        grad = mean.backward(x, np.arange(9.0).reshape(1, 1, 3, 3) + 1)
        expected = np.zeros((1, 1, 5, 5))
        expected[0, 0, ::3, ::3] = [[1, 2], [4, 5]]
        np.testing.assert_array_equal(grad, expected)


@pytest.mark.parametrize(
    ("make", "shape", "what"),
    [
        (lambda: nn.SpatialMaxPooling(1, 1, 2, 2).ceil(), (1, 4, 4), "its maximum as −inf"),
        (lambda: nn.SpatialMaxPooling(1, 1, 3, 3).ceil(), (1, 5, 5), "its maximum as −inf"),
        (lambda: nn.VolumetricMaxPooling(1, 1, 1, 2, 2, 2).ceil(), (1, 4, 3, 3), "−inf"),
        (lambda: nn.SpatialAveragePooling(1, 1, 2, 2).ceil(), (1, 4, 4), r"0/0 = NaN"),
    ],
)
def test_ceil_mode_refuses_a_last_window_where_lua_gives_inf_or_nan(make, shape, what):
    # THNN keeps these windows (Lua: a 3×3 output for 4×4, last row and column −inf for max
    # pooling, NaN for average pooling); refused, naming the layer and Lua's value.
    layer = make()
    with pytest.raises(ValueError, match=rf"^{re.escape(repr(layer))}: in ceil mode.*{what}"):
        layer.forward(np.zeros(shape))
    layer.floor()
    assert layer.forward(np.zeros(shape)).size > 0


def test_average_pooling_divisors_count_padding_or_not():
    x = np.ones((1, 1, 2, 2))
    include = nn.SpatialAveragePooling(3, 3, 2, 2, 1, 1)
    exclude = nn.SpatialAveragePooling(3, 3, 2, 2, 1, 1).set_count_exclude_pad()
    # One window covering the 2x2 ones and five padding zeros.
    np.testing.assert_allclose(include.forward(x), [[[[4 / 9]]]])
    np.testing.assert_allclose(exclude.forward(x), [[[[1.0]]]])
    assert exclude.setCountIncludePad() is exclude and exclude.count_include_pad


def test_reset_follows_lua_rule():
    conv = nn.SpatialConvolution(4, 50, 5, 5)
    bound = 1 / math.sqrt(5 * 5 * 4)
    assert np.abs(conv.weight).max() <= bound and conv.weight.std() > bound / 2
    weight = conv.weight
    conv.reset(0.02)  # a given stdv is the standard deviation: U(-√3·0.02, √3·0.02)
    assert conv.weight is weight
    assert abs(conv.weight.std() - 0.02) < 0.001
    assert np.abs(conv.weight).max() <= 0.02 * math.sqrt(3)
    with pytest.raises(ValueError, match=r"nn.SpatialConvolution\(4 -> 50, 5x5\): reset"):
        conv.reset(-1.0)


def test_mm_is_the_same_map_with_a_matrix_weight():
    mm = nn.SpatialConvolutionMM(2, 3, 3, 2, 1, 2, 1)
    plain = nn.SpatialConvolution(2, 3, 3, 2, 1, 2, 1)
    assert mm.weight.shape == (3, 2 * 2 * 3) and plain.weight.shape == (3, 2, 2, 3)
    plain.weight[...] = mm.weight.reshape(plain.weight.shape)
    plain.bias[...] = mm.bias
    x = np.random.default_rng(4).standard_normal((2, 2, 5, 6))
    np.testing.assert_allclose(mm.forward(x), plain.forward(x), rtol=1e-14)
    g = np.ones_like(mm.output)
    mm.backward(x, g)
    plain.backward(x, g)
    np.testing.assert_allclose(mm.grad_weight, plain.grad_weight.reshape(3, -1), rtol=1e-13)


def test_padding_height_defaults_to_the_width_padding():
    conv = nn.SpatialConvolution(1, 1, 3, 3, 1, 1, 2)
    assert conv.pad_h == 2 and conv.padH == 2
    assert conv.forward(np.zeros((1, 4, 4))).shape == (1, 6, 6)


def test_no_bias_prints_and_computes_without_it():
    conv = nn.SpatialConvolution(1, 2, 3, 3).no_bias()
    assert repr(conv) == "nn.SpatialConvolution(1 -> 2, 3x3) without bias"
    assert len(conv.parameters()[0]) == 1
    np.testing.assert_array_equal(conv.forward(np.zeros((1, 4, 4))), np.zeros((2, 2, 2)))


def test_gradients_accumulate_with_scale():
    conv = nn.SpatialConvolution(2, 3, 2, 2)
    x = np.random.default_rng(5).standard_normal((2, 2, 4, 4))
    g = np.random.default_rng(6).standard_normal(conv.forward(x).shape)
    conv.zero_grad_parameters()
    conv.backward(x, g)
    once = conv.grad_weight.copy(), conv.grad_bias.copy()
    conv.backward(x, g, 0.5)
    np.testing.assert_allclose(conv.grad_weight, 1.5 * once[0], rtol=1e-13)
    np.testing.assert_allclose(conv.grad_bias, 1.5 * once[1], rtol=1e-13)


def test_flat_parameters_and_buffers_are_reused():
    net = nn.Sequential(nn.SpatialConvolution(1, 2, 3, 3), nn.SpatialMaxPooling(2, 2))
    params, grads = net.get_parameters()
    x = np.random.default_rng(7).standard_normal((2, 1, 6, 6))
    out = net.forward(x)
    net.zero_grad_parameters()
    net.backward(x, np.ones_like(out))
    assert net.forward(x) is out  # the output buffer is the same array, as in Torch
    assert np.abs(grads).sum() > 0  # gradients reached the flat vector
    params[:] = 0
    np.testing.assert_array_equal(net.forward(x), 0)


def test_a_non_contiguous_input_is_read_correctly():
    conv = nn.SpatialConvolution(2, 2, 3, 3, 1, 1, 1)
    x = np.random.default_rng(8).standard_normal((2, 5, 5, 2)).transpose(0, 3, 1, 2)
    np.testing.assert_allclose(conv.forward(x), conv.clone().forward(x.copy()), rtol=1e-15)


# ---------------------------------------------------------------------- float32
@pytest.mark.parametrize(
    "make",
    [
        lambda: nn.SpatialConvolution(2, 3, 3, 3, 1, 1, 1),
        lambda: nn.SpatialConvolutionMM(2, 3, 3, 3, 2, 2),
        lambda: nn.SpatialMaxPooling(3, 3, 2, 2, 1, 1).ceil(),
        lambda: nn.SpatialAveragePooling(2, 2, 2, 2),
    ],
)
def test_float32_gives_the_float64_result_to_float32_precision(make):
    double = make()
    single = double.clone().float()
    x = np.random.default_rng(9).standard_normal((2, 2, 7, 7))
    y = single.forward(x.astype(np.float32))
    assert y.dtype == np.float32
    np.testing.assert_allclose(y, double.forward(x), rtol=1e-5, atol=1e-5)
    g = np.ones(y.shape, np.float32)
    assert single.backward(x.astype(np.float32), g).dtype == np.float32


def test_temporal_layers_in_float32():
    conv = nn.TemporalConvolution(3, 2, 2).float()
    x = np.random.default_rng(10).standard_normal((4, 3)).astype(np.float32)
    assert conv.forward(x).dtype == np.float32 and conv.forward(x).shape == (3, 2)
    pool = nn.TemporalMaxPooling(2)
    assert pool.forward(x).dtype == np.float32


# ---------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("module", "shape", "message"),
    [
        (
            lambda: nn.SpatialConvolution(3, 4, 5, 5),
            (2, 2, 8, 8),
            r"nn.SpatialConvolution\(3 -> 4, 5x5\): expected input of shape \(3, H, W\) or "
            r"\(N, 3, H, W\), got \(2, 2, 8, 8\)",
        ),
        (
            lambda: nn.SpatialConvolution(3, 4, 5, 5),
            (3, 8),
            r"expected input of shape \(3, H, W\) or \(N, 3, H, W\), got \(3, 8\)",
        ),
        (
            lambda: nn.SpatialConvolution(3, 4, 5, 3, 1, 1, 1),
            (2, 3, 4, 2),
            r"nn.SpatialConvolution\(3 -> 4, 5x3, 1,1, 1,1\): input of shape \(2, 3, 4, 2\) is "
            r"too small, its output would be 4x0; the smallest input this layer accepts is "
            r"\(3, 1, 3\)",
        ),
        (
            lambda: nn.SpatialMaxPooling(2, 2),
            (3, 1, 4),
            r"nn.SpatialMaxPooling\(2x2, 2,2\): input of shape \(3, 1, 4\) is too small, its "
            r"output would be 0x2; the smallest input this layer accepts is \(C, 2, 2\)",
        ),
        (
            lambda: nn.SpatialAveragePooling(3, 3).ceil(),
            (1, 2, 2, 2, 2),
            r"nn.SpatialAveragePooling\(3x3, 1,1\): expected input of shape \(C, H, W\) or "
            r"\(N, C, H, W\), got \(1, 2, 2, 2, 2\)",
        ),
        (
            lambda: nn.TemporalConvolution(3, 4, 5),
            (4, 3),
            r"nn.TemporalConvolution\(3 -> 4, kW 5, dW 1\): input of shape \(4, 3\) is too "
            r"short, 4 frames for a kernel of 5; the smallest input this layer accepts is "
            r"\(5, 3\)",
        ),
        (
            lambda: nn.TemporalConvolution(3, 4, 2),
            (6, 2),
            r"expected input of shape \(T, 3\) or \(N, T, 3\)",
        ),
        (
            lambda: nn.TemporalMaxPooling(3),
            (2, 2, 5),
            r"nn.TemporalMaxPooling\(kW 3, dW 3\): input of shape \(2, 2, 5\) is too short",
        ),
    ],
)
def test_bad_input_names_the_module_and_the_smallest_input(module, shape, message):
    with pytest.raises(ValueError, match=message):
        module().forward(np.zeros(shape))


def test_the_smallest_accepted_input_is_accepted():
    conv = nn.SpatialConvolution(3, 4, 5, 3, 1, 1, 1)
    assert conv.forward(np.zeros((3, 1, 3))).shape == (4, 1, 1)
    assert nn.SpatialMaxPooling(3, 3, 2, 2, 1, 1).ceil().forward(np.zeros((1, 1, 1))).shape == (
        1,
        1,
        1,
    )


def test_an_input_of_the_other_dtype_is_refused():
    with pytest.raises(TypeError, match=r"nn.SpatialConvolution.*convert the module with"):
        nn.SpatialConvolution(1, 1, 2, 2).forward(np.zeros((1, 3, 3), np.float32))


def test_backward_before_forward_is_a_clear_error():
    pool = nn.SpatialMaxPooling(2, 2)
    with pytest.raises(ValueError, match="backward called before forward"):
        pool.backward(np.zeros((1, 2, 2)), np.zeros((1, 1, 1)))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: nn.SpatialConvolution(0, 4, 3, 3), r"n_input_plane must be in \[1, inf\]"),
        (lambda: nn.SpatialConvolution(1, 4, 3, 3, 0), r"d_w must be in \[1, inf\]"),
        (lambda: nn.SpatialConvolution(1, 4, 3, 3, 1, 1, -1), r"pad_w must be in \[0, inf\]"),
        (lambda: nn.SpatialConvolution(1, 4, 3.0, 3), "k_w must be an int, got 3.0"),
        (lambda: nn.SpatialConvolutionMM(1, True, 3, 3), "n_output_plane must be an int"),
        (lambda: nn.SpatialMaxPooling(3, 3, 1, 1, 2, 0), r"pad must be at most half the kernel"),
        (lambda: nn.SpatialAveragePooling(2, 2, 1, 1, 0, 2), r"pad must be at most half"),
        (lambda: nn.TemporalConvolution(3, 4, 0), r"k_w must be in \[1, inf\]"),
        (lambda: nn.TemporalMaxPooling(2, -1), r"d_w must be in \[1, inf\]"),
    ],
)
def test_bad_settings_are_refused(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make()


def test_validate_refuses_a_weight_of_the_wrong_shape():
    conv = nn.SpatialConvolution(2, 3, 3, 3)
    conv.weight = np.zeros((3, 2, 3, 2))
    with pytest.raises(ValueError, match=r"weight must have shape \(3, 2, 3, 3\)"):
        conv.validate()
    pool = nn.SpatialMaxPooling(2, 2)
    pool.ceil_mode = "yes"
    with pytest.raises(TypeError, match="ceil_mode must be True or False"):
        pool.validate()
