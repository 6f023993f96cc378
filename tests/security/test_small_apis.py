"""Threat: a small API given a wrong argument that it takes silently, or refuses obscurely.

Issue 18, item 5: a truthy string taken as True (``size_average="no"`` averaging), an index of
the wrong type, a seed NumPy refuses with its own words, class weights that do not fit, noise so
large the points are NaN, a big-endian input told to convert the module (which cannot help).
Each gets a TypeError or ValueError naming the function (or module) and the fix; booleans must
be ``bool``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import minitorch_l2
from minitorch_l2 import data, nn, optim

X = np.random.default_rng(0).normal(size=(4, 3))


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda s: s.insert(nn.Tanh(), "a"), r"nn.Sequential.insert: index must be an int"),
        (lambda s: s.get("0"), r"nn.Sequential.get: index must be an int"),
        (lambda s: s.remove(1.5), r"nn.Sequential.remove: index must be an int"),
        (lambda s: s.insert(nn.Tanh(), True), r"nn.Sequential.insert: index must be an int"),
    ],
)
def test_container_indices_must_be_ints(call, match):
    with pytest.raises(TypeError, match=match):
        call(nn.Sequential(nn.Linear(3, 2)))


@pytest.mark.parametrize("dtype", ["garbage", None, np.int64, "float16"])
def test_type_takes_only_the_two_float_types(dtype):
    with pytest.raises(TypeError, match=r"nn.Linear.*type\(\).*float32 or float64"):
        nn.Linear(3, 2).type(dtype)


def test_manual_seed_takes_a_non_negative_int():
    with pytest.raises(ValueError, match=r"manual_seed: the seed must be an int >= 0, got -1"):
        minitorch_l2.manual_seed(-1)
    for seed in (1.5, "1", True):
        with pytest.raises(TypeError, match="manual_seed: expected an int seed"):
            minitorch_l2.manual_seed(seed)


@pytest.mark.parametrize("cls", [nn.ClassNLLCriterion, nn.CrossEntropyCriterion])
def test_class_weights_must_be_numbers(cls):
    with pytest.raises(TypeError, match=rf"nn.{cls.__name__}: weights must be .* real numbers"):
        cls(weights=["a"])
    with pytest.raises(ValueError, match=rf"nn.{cls.__name__}: weights must be a 1-D array"):
        cls(weights=[[1.0, 2.0]])


def test_cross_entropy_weights_for_another_number_of_classes_name_cross_entropy():
    criterion = nn.CrossEntropyCriterion(weights=[1.0, 2.0])
    target = np.array([0, 2, 1, 1])
    for step in (criterion.forward, criterion.backward):
        with pytest.raises(ValueError, match=r"nn.CrossEntropyCriterion: has 2 class weights but"):
            step(X, target)


def test_backward_scale_must_be_a_number():
    linear = nn.Linear(3, 2)
    linear.forward(X)
    for scale in ("x", True, None):
        with pytest.raises(TypeError, match="backward's scale must be a real number"):
            linear.backward(X, np.ones((4, 2)), scale=scale)


CRITERIA_WITH_SIZE_AVERAGE = [
    nn.AbsCriterion, nn.BCECriterion, nn.ClassNLLCriterion, nn.CosineEmbeddingCriterion,
    nn.CrossEntropyCriterion, nn.DistKLDivCriterion, nn.HingeEmbeddingCriterion,
    nn.L1HingeEmbeddingCriterion, nn.MSECriterion, nn.MarginCriterion, nn.MarginRankingCriterion,
    nn.MultiLabelMarginCriterion, nn.MultiLabelSoftMarginCriterion, nn.MultiMarginCriterion,
    nn.SmoothL1Criterion, nn.SoftMarginCriterion,
]  # fmt: skip


@pytest.mark.parametrize("cls", CRITERIA_WITH_SIZE_AVERAGE, ids=lambda c: c.__name__)
def test_size_average_must_be_a_bool(cls):
    with pytest.raises(TypeError, match=rf"nn.{cls.__name__}: size_average must be True or False"):
        cls(size_average="no")


@pytest.mark.parametrize(
    "make, name",
    [
        (lambda v: nn.Linear(3, 2, bias=v), "bias"),
        (lambda v: nn.Bilinear(3, 2, 2, bias=v), "bias"),
        (lambda v: nn.Add(3, scalar=v), "scalar"),
        (lambda v: nn.Reshape(3, batch_mode=v), "batch_mode"),
        (lambda v: nn.Sum(0, None, v), "size_average"),
        (lambda v: nn.Sum(0, None, False, v), "squeeze"),
        (lambda v: nn.Copy(force_copy=v), "force_copy"),
        (lambda v: nn.Copy(dont_cast=v), "dont_cast"),
        (lambda v: nn.BatchNormalization(3, affine=v), "affine"),
        (lambda v: nn.CAddTable(v), "inplace"),
        (lambda v: nn.ELU(inplace=v), "inplace"),
        (lambda v: nn.Threshold(0.1, 0, v), "inplace"),
        (lambda v: nn.MulConstant(2.0, v), "inplace"),
        (lambda v: nn.MM(v), "trans_a"),
        (lambda v: nn.MV(v), "trans"),
        (lambda v: nn.ParallelCriterion(v), "repeat_target"),
        (lambda v: nn.L2Normalize(jacobian=v), "jacobian"),
    ],
)
def test_flags_must_be_bools_not_truthy_values(make, name):
    for value in ("no", 1, None):
        if value is None and name == "batch_mode":
            continue  # None is Reshape's "decide from the input"
        with pytest.raises(TypeError, match=rf"{name} must be (True or False|a bool)"):
            make(value)


def test_optim_flags_must_be_bools():
    with pytest.raises(TypeError, match=r"optim.sgd: nesterov must be True or False, got 'no'"):
        config = {"nesterov": "no", "momentum": 0.9, "dampening": 0.0}
        optim.sgd(lambda p: (0.0, np.zeros(2)), np.zeros(2), config)


def test_data_flags_must_be_bools():
    with pytest.raises(TypeError, match=r"data.batches: shuffle must be True or False, got 'no'"):
        data.batches(X, np.arange(4), 2, shuffle="no")
    with pytest.raises(TypeError, match=r"shuffle_indices must be True or False"):
        nn.StochasticGradient(nn.Linear(3, 2), nn.MSECriterion(), shuffle_indices="no")


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: data.make_spiral(noise=1e308), r"data.make_spiral: noise=1e\+308 puts points"),
        (lambda: data.make_blobs(std=1e308), r"data.make_blobs: radius=.* with std=1e\+308"),
        (lambda: data.make_glyphs(2, noise=1e308), r"data.make_glyphs: noise=1e\+308 puts"),
    ],
)
def test_data_too_large_for_floats_is_refused_without_a_warning(make, match):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # NumPy's overflow warnings must not leak
        with pytest.raises(ValueError, match=match):
            make()


@pytest.mark.parametrize(
    "module", [nn.Linear(3, 2), nn.Sequential(nn.Linear(3, 2)), nn.Linear(3, 2).float()]
)
def test_a_big_endian_input_is_told_to_convert_the_input_not_the_module(module):
    big = X.astype(">f8")
    with pytest.raises(TypeError, match=r"non-native byte order '>f8'") as error:
        module.forward(big)
    assert ".double()" not in str(error.value) and ".float()" not in str(error.value)
    assert ".astype(np.float" in str(error.value)


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: data.make_spiral(10**30), r"data.make_spiral: n_per_class=10+ with n_classes=3"),
        (lambda: data.make_spiral(2, np.int64(2**40)), r"make_spiral: .*n_classes=1099511627776 "),
        (lambda: data.make_blobs(n_features=10**9), r"data.make_blobs: .*n_features=10+ would"),
        (lambda: data.make_glyphs(10**6), r"data.make_glyphs: n_per_class=10+ with size=28"),
        (lambda: data.make_glyphs(1, size=10**5), r"data.make_glyphs: .*size=10+ would"),
    ],
)
def test_data_counts_too_large_for_memory_are_refused_before_allocating(make, match):
    with pytest.raises(ValueError, match=match + r".*limit of 2\*\*26 = 67108864"):
        make()


def test_data_counts_one_past_the_limit_are_refused():
    with pytest.raises(ValueError, match=r"n_per_class=33554433 with n_classes=1 would make X"):
        data.make_spiral(2**25 + 1, 1)  # 2 coordinates: 2**26 + 2 numbers


@pytest.mark.parametrize("make", [data.make_spiral, data.make_blobs, data.make_glyphs])
@pytest.mark.parametrize("count", [-1, 0, 2.0, np.float64(3), True, "3", None])
def test_data_counts_must_be_positive_ints(make, count):
    with pytest.raises(ValueError, match=rf"data.{make.__name__}: n_per_class must be an int >= 1"):
        make(count)


@pytest.mark.parametrize(
    "settings, name",
    [({"pad_t": 1.5}, "pad_t"), ({"pad_t": -1}, "pad_t"), ({"pad_t": 1, "pad_w": 1.5}, "pad_w")],
)
def test_volumetric_convolution_names_the_pad_the_user_gave(settings, name):
    with pytest.raises((TypeError, ValueError), match=rf"nn.VolumetricConvolution: {name} must"):
        nn.VolumetricConvolution(1, 1, 1, 1, 1, **settings)
