"""Shape modules (View, Reshape, Narrow, Select, Transpose, Replicate, Squeeze, Unsqueeze,
Contiguous, Copy, Padding, Index, Sum, Mean, Max, Min): against real Lua Torch 7, Lua's own
documented and tested examples, PyTorch, and the properties that tie them together.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minitorch_l2 import nn

from . import lua_reference as ref
from .allocations import warm_peak
from .strategies import arrays, arrays_and_dims, small_shapes

# Each Lua case, its Lua constructor (from the manifest) translated by the 0-based rule.
LUA_CASES = {
    "View_12_batch_inference": lambda: nn.View(12),  # nn.View(12)
    "View_4_3": lambda: nn.View(4, 3),  # nn.View(4, 3)
    "View_minus1": lambda: nn.View(-1),  # nn.View(-1)
    "View_minus1_6": lambda: nn.View(-1, 6),  # nn.View(-1, 6)
    "Reshape_12_batch": lambda: nn.Reshape(12),  # nn.Reshape(12)
    "Reshape_3_4_nobatch": lambda: nn.Reshape(3, 4),  # nn.Reshape(3, 4)
    "Reshape_batchMode": lambda: nn.Reshape(6, 2, batch_mode=True),  # nn.Reshape(6, 2, true)
    "Narrow": lambda: nn.Narrow(1, 1, 3),  # nn.Narrow(2, 2, 3)
    "Narrow_dim1": lambda: nn.Narrow(0, 1, 2),  # nn.Narrow(1, 2, 2)
    "Select": lambda: nn.Select(1, 2),  # nn.Select(2, 3)
    "Select_negative": lambda: nn.Select(0, -1),  # nn.Select(1, -1)
    "Transpose": lambda: nn.Transpose((0, 1), (1, 2)),  # nn.Transpose({1, 2}, {2, 3})
    "Replicate": lambda: nn.Replicate(3),  # nn.Replicate(3)
    "Replicate_dim2": lambda: nn.Replicate(3, 1),  # nn.Replicate(3, 2)
    "Squeeze_all": nn.Squeeze,  # nn.Squeeze()
    "Squeeze_dim": lambda: nn.Squeeze(1),  # nn.Squeeze(2)
    "Unsqueeze": lambda: nn.Unsqueeze(1),  # nn.Unsqueeze(2)
    "Contiguous": nn.Contiguous,  # nn.Contiguous()
    # nn.Copy('torch.DoubleTensor', 'torch.DoubleTensor')
    "Copy": lambda: nn.Copy("torch.DoubleTensor", "torch.DoubleTensor"),
    "Padding_left": lambda: nn.Padding(0, -2),  # nn.Padding(1, -2)
    "Padding_right_batch": lambda: nn.Padding(0, 2, 1, -1),  # nn.Padding(1, 2, 1, -1)
    "Sum": lambda: nn.Sum(1),  # nn.Sum(2)
    "Sum_nInputDims_sizeAverage": lambda: nn.Sum(0, 1, True),  # nn.Sum(1, 1, true)
    "Mean": lambda: nn.Mean(1),  # nn.Mean(2)
    "Mean_nInputDims": lambda: nn.Mean(0, 1),  # nn.Mean(1, 1)
    "Max": lambda: nn.Max(1),  # nn.Max(2)
    "Min": lambda: nn.Min(0),  # nn.Min(1)
}
SHAPE_CLASSES = {
    "View", "Reshape", "Narrow", "Select", "Transpose", "Replicate", "Squeeze", "Unsqueeze",
    "Contiguous", "Copy", "Padding", "Index", "Sum", "Mean", "Max", "Min",
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(LUA_CASES))
def test_module_matches_lua(name):
    entry = ref.case("modules", name)
    module = LUA_CASES[name]()
    ref.run_module_case(module, name)
    assert entry["class"] == f"nn.{type(module).__name__}"
    assert repr(module) == entry["lua_tostring"] or name == "Unsqueeze"


def test_unsqueeze_prints_its_0_based_position():
    assert ref.case("modules", "Unsqueeze")["lua_tostring"] == "nn.Unsqueeze(dim 2)"
    assert repr(nn.Unsqueeze(1)) == "nn.Unsqueeze(dim 1)"


def test_index_matches_lua():
    # nn.Index(1) on {x, LongTensor{3, 1, 3}}: the indices become 0-based, [2, 0, 2].
    entry = ref.case("modules", "Index")
    assert entry["lua"] == "nn.Index(1)"
    flat = ref.arrays("modules", "Index")
    x, lua_indices = ref.table(flat, "input")
    module = nn.Index(0)
    indices = lua_indices - 1
    output = module.forward([x, indices])
    ref.assert_close(output, flat["output"], "Index: output")
    grad_input = module.backward([x, indices], flat["gradOutput"])
    ref.assert_close(grad_input[0], flat["gradInput/1"], "Index: grad_input[0]")
    ref.assert_close(grad_input[1], flat["gradInput/2"], "Index: grad_input[1]")


def test_every_lua_case_of_these_classes_is_compared():
    ref.require()
    lua = {
        name for name, entry in ref.cases("modules").items() if entry["class"][3:] in SHAPE_CLASSES
    }
    assert lua == set(LUA_CASES) | {"Index"}


# ---------------------------------------------------------------- Lua's documented behaviour
def test_view_infers_the_batch_as_lua():
    x = np.arange(24.0).reshape(2, 3, 4)
    assert nn.View(12).forward(x).shape == (2, 12)
    assert nn.View(-1).forward(x).shape == (24,)
    assert nn.View(-1, 6).forward(x).shape == (4, 6)
    assert nn.View(3, 4).forward(x).shape == (2, 3, 4)
    # Lua drops a batch of one unless told how many dims a sample has.
    one = np.ones((1, 12))
    assert nn.View(12).forward(one).shape == (12,)
    assert nn.View(12).set_num_input_dims(1).forward(one).shape == (1, 12)
    assert nn.View(-1, 6).setNumInputDims(2).forward(np.ones((5, 3, 4))).shape == (5, 2, 6)


def test_view_output_is_a_view_of_the_input():
    x = np.arange(12.0).reshape(3, 4)
    view = nn.View(4, 3)
    assert np.shares_memory(view.forward(x), x)
    g = np.ones((4, 3))
    assert np.shares_memory(view.backward(x, g), g)
    assert view.reset_size(2, 6).forward(x).shape == (2, 6)


def test_reshape_batch_rule_of_lua():
    x = np.ones((2, 3, 4))
    assert nn.Reshape(12).forward(np.ones(12)).shape == (12,)
    assert nn.Reshape(12).forward(np.ones((1, 12))).shape == (1, 12)  # first dim 1: a batch
    assert nn.Reshape(12, batch_mode=False).forward(np.ones((1, 12))).shape == (12,)
    assert nn.Reshape(6, 2, True).forward(x).shape == (2, 6, 2)  # Lua's trailing boolean
    assert repr(nn.Reshape(3, 4)) == "nn.Reshape(3x4)"


def test_reshape_copies_a_non_contiguous_input():
    x = np.arange(12.0).reshape(4, 3).T
    out = nn.Reshape(12).forward(x)
    assert np.array_equal(out, np.ascontiguousarray(x).reshape(12))


def test_narrow_negative_arguments_follow_luas_test_suite():
    # From nn's test.lua: nn.Narrow(1, 3, -3) on 9x4x14 is narrow(1, 3, 5).
    x = np.random.default_rng(0).standard_normal((9, 4, 14))
    assert np.array_equal(nn.Narrow(0, 2, -3).forward(x), x[2:7])
    # nn.Narrow(3, 1, -7) on 6x11x7 is narrow(3, 1, 1); nn.Narrow(-2, 5, -4) on 3x10x4 is
    # narrow(2, 5, 3).
    y = np.random.default_rng(1).standard_normal((6, 11, 7))
    assert np.array_equal(nn.Narrow(2, 0, -7).forward(y), y[:, :, 0:1])
    z = np.random.default_rng(2).standard_normal((3, 10, 4))
    assert np.array_equal(nn.Narrow(-2, 4, -4).forward(z), z[:, 4:7])
    # A negative offset keeps the first size - length entries: nn.Narrow(2, -1, 7) on 3x10x4
    # is narrow(2, 1, 3).
    negative_offset = nn.Narrow(1, -1, 7)
    assert np.array_equal(negative_offset.forward(z), z[:, 0:3])
    grad = negative_offset.backward(z, np.ones((3, 3, 4)))
    assert grad[:, :3].all() and not grad[:, 3:].any()


def test_padding_follows_luas_documented_examples():
    x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    # nn.Padding(1, -2, 1, -1): pad left x2 of each row of a batch.
    left = nn.Padding(0, -2, 1, -1).forward(x)
    assert np.array_equal(left, [[-1, -1, 1, 2, 3], [-1, -1, 4, 5, 6]])
    # nn.Padding(1, -2, 1, -1, 2): the padding after the first entry.
    inside = nn.Padding(0, -2, 1, -1, 1).forward(x)
    assert np.array_equal(inside, [[1, -1, -1, 2, 3], [4, -1, -1, 5, 6]])
    # nn.Padding(1, 2, 1, -1) on a vector: pad right x2.
    assert np.array_equal(nn.Padding(0, 2, 1, -1).forward(np.array([1.0, 2.0])), [1, 2, -1, -1])
    # Counted from the right: one entry stays after the padding.
    assert np.array_equal(nn.Padding(0, 1, index=1).forward(np.array([1.0, 2.0])), [1, 0, 2])


def test_squeeze_and_unsqueeze_with_batches():
    assert nn.Squeeze().forward(np.ones((2, 1, 3, 1))).shape == (2, 3)
    assert nn.Squeeze().forward(np.ones((1, 1))).shape == (1,)  # Torch keeps one dim
    assert nn.Squeeze(0).forward(np.ones((3, 4))).shape == (3, 4)  # size 3: left alone
    # A sample of 2 dims (1, 3): a batch of one stays a batch, and dim 0 means the sample's.
    assert nn.Squeeze(num_input_dims=2).forward(np.ones((1, 1, 3))).shape == (1, 3)
    assert nn.Squeeze(0, 2).forward(np.ones((5, 1, 3))).shape == (5, 3)
    assert nn.Unsqueeze(1).forward(np.ones((3, 4))).shape == (3, 1, 4)
    assert nn.Unsqueeze(1, 2).forward(np.ones((5, 3, 4))).shape == (5, 3, 1, 4)
    assert nn.Unsqueeze(-1).forward(np.ones((3, 4))).shape == (3, 4, 1)


def test_replicate_is_a_read_only_zero_stride_view():
    x = np.arange(4.0)
    out = nn.Replicate(3).forward(x)
    assert out.shape == (3, 4) and out.strides[0] == 0 and np.shares_memory(out, x)
    assert not out.flags.writeable
    # n_dim: a batch of vectors replicates along the sample's dim 0, which is dim 1 here.
    assert nn.Replicate(2, 0, 1).forward(np.ones((5, 4))).shape == (5, 2, 4)
    with pytest.raises(ValueError, match=r"nn\.MulConstant: inplace=True writes into the input"):
        nn.Sequential(nn.Replicate(3), nn.MulConstant(2.0, True)).forward(x)


def test_sum_and_max_of_a_vector_keep_one_element_as_lua():
    x = np.array([1.0, 5.0, 2.0])
    assert nn.Sum().forward(x).shape == (1,) and nn.Sum().forward(x)[0] == 8
    assert nn.Max().forward(x).tolist() == [5.0]
    smallest = nn.Min()
    smallest.forward(x)
    assert smallest.backward(x, np.array([2.0])).tolist() == [2.0, 0.0, 0.0]
    assert nn.Sum(1, squeeze=False).forward(np.ones((2, 3))).shape == (2, 1)


def test_max_gives_the_gradient_to_the_first_of_equal_maxima():
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])
    layer = nn.Max(1)
    layer.forward(x)
    grad = layer.backward(x, np.array([10.0, 20.0]))
    assert grad.tolist() == [[0, 10, 0], [20, 0, 0]]


def test_index_scatters_repeated_indices_and_zeroes_the_index_gradient():
    x = np.arange(12.0).reshape(4, 3)
    layer = nn.Index(0)
    indices = np.array([2, 0, 2])
    assert np.array_equal(layer.forward([x, indices]), x[[2, 0, 2]])
    grad, zeros = layer.backward([x, indices], np.ones((3, 3)))
    assert grad.tolist() == [[1, 1, 1], [0, 0, 0], [2, 2, 2], [0, 0, 0]]
    assert zeros.shape == (3,) and not zeros.any()
    assert nn.Index(1).forward([x, np.array([1])]).shape == (4, 1)


@pytest.mark.parametrize("bad", [[0, 4], [-1], [1, 9]])
def test_index_out_of_range_names_the_index(bad):
    x = np.ones((4, 3))
    with pytest.raises(ValueError, match=rf"nn\.Index: index {bad[-1]} is out of range"):
        nn.Index(0).forward([x, np.array(bad)])


def test_index_refuses_float_indices_and_other_inputs():
    x = np.ones((4, 3))
    with pytest.raises(TypeError, match=r"nn\.Index: expected input\[1\] to be an integer"):
        nn.Index(0).forward([x, np.array([1.0])])
    with pytest.raises(TypeError, match=r"nn\.Index: expected input \[tensor, indices\]"):
        nn.Index(0).forward(x)
    with pytest.raises(ValueError, match=r"nn\.Index: expected input\[1\] to be a 1-d"):
        nn.Index(0).forward([x, np.zeros((2, 2), dtype=np.int64)])


def test_copy_converts_between_types():
    x = np.arange(6.0).reshape(2, 3)
    same = nn.Copy()
    assert same.forward(x) is x  # equal types: no copy, as Lua
    to_float = nn.Copy("torch.DoubleTensor", "torch.FloatTensor")
    out = to_float.forward(x)
    assert out.dtype == np.float32 and np.array_equal(out, x)
    assert to_float.backward(x, np.ones((2, 3), np.float32)).dtype == np.float64
    assert nn.Copy(force_copy=True).forward(x) is not x
    with pytest.raises(TypeError, match=r"nn\.Copy: expected an input of the in_type float64"):
        to_float.forward(x.astype(np.float32))
    # type() converts both ends, as Lua's converts output and gradInput; dont_cast keeps them.
    assert nn.Copy(np.float64, np.float32).float().forward(x.astype(np.float32)).dtype == np.float32
    kept = nn.Copy(np.float64, np.float32, dont_cast=True).float()
    assert kept.forward(x).dtype == np.float32 and kept.type() == "torch.FloatTensor"
    with pytest.raises(TypeError, match="nn.Copy"):
        nn.Copy("torch.LongTensor")


def test_contiguous_copies_only_when_needed_and_never_into_an_old_input():
    layer = nn.Contiguous()
    x = np.arange(12.0).reshape(3, 4)
    assert layer.forward(x) is x
    t = np.arange(12.0).reshape(4, 3).T
    out = layer.forward(t)
    assert out.flags.c_contiguous and np.array_equal(out, t) and out is not x
    assert np.array_equal(x, np.arange(12.0).reshape(3, 4))  # the earlier input is untouched


def test_buffers_are_reused():
    x = np.ones((3, 5))
    for layer in (nn.Narrow(1, 1, 2), nn.Select(1, 0), nn.Sum(1), nn.Max(0), nn.Padding(0, 2)):
        first = layer.forward(x)
        assert layer.forward(x + 1) is first, layer


# ---------------------------------------------------------------- bad settings and input
@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: nn.View(0), ValueError, r"nn\.View: sizes must be positive"),
        (lambda: nn.View(-1, -1), ValueError, r"nn\.View: sizes must be positive, with at most"),
        (lambda: nn.View(2.5), TypeError, r"nn\.View: size\[0\] must be an int"),
        (lambda: nn.View(), ValueError, r"nn\.View: expected at least one size"),
        (lambda: nn.Reshape(3, batch_mode="yes"), TypeError, r"nn\.Reshape: batch_mode must be"),
        (lambda: nn.Narrow(0, 0, 0), ValueError, r"nn\.Narrow: length must be"),
        (lambda: nn.Select(0, 1.0), TypeError, r"nn\.Select: index must be an int"),
        (
            lambda: nn.Transpose((0, 1, 2)),
            TypeError,
            r"nn\.Transpose: each of permutations must be two",
        ),
        (lambda: nn.Replicate(0), ValueError, r"nn\.Replicate: n_features must be in"),
        (lambda: nn.Squeeze(num_input_dims=0), ValueError, r"nn\.Squeeze: num_input_dims"),
        (lambda: nn.Padding(0, 1, index=-1), ValueError, r"nn\.Padding: index must be in"),
        (lambda: nn.Sum(0, size_average=1), TypeError, r"nn\.Sum: size_average must be True"),
        (lambda: nn.Mean("1"), TypeError, r"nn\.Mean: dim must be an int"),
        (lambda: nn.Max(None), TypeError, r"nn\.Max: dim must be an int"),
    ],
)
def test_bad_settings_are_refused_naming_the_module(make, error, message):
    with pytest.raises(error, match=message):
        make()


@pytest.mark.parametrize(
    "layer, shape, message",
    [
        (nn.View(5), (2, 3), r"nn\.View: input view \(2, 3\) and desired view \(5,\) do not"),
        (nn.View(5).set_num_input_dims(3), (5,), r"nn\.View: num_input_dims is 3"),
        (nn.Reshape(5), (2, 3), r"nn\.Reshape: cannot reshape an input of shape \(2, 3\)"),
        (nn.Narrow(1, 2, 4), (3, 5), r"nn\.Narrow: cannot take 4 entries from offset 2"),
        (nn.Narrow(2, 0), (3, 5), r"nn\.Narrow: dim 2 is out of range for an input of shape"),
        (nn.Select(1, 4), (3, 4), r"nn\.Select: index 4 is out of range for dim 1"),
        (nn.Select(0, 0), (3,), r"nn\.Select: expected an input of 2 or more dims"),
        (nn.Transpose((0, 3)), (3, 4), r"nn\.Transpose: dim 3 is out of range"),
        (nn.Replicate(2, 3), (3, 4), r"nn\.Replicate: not enough input dimensions"),
        (nn.Squeeze(-3), (3, 4), r"nn\.Squeeze: dim -3 is out of range"),
        (nn.Unsqueeze(3), (3, 4), r"nn\.Unsqueeze: invalid position 3"),
        (nn.Padding(0, 2, index=4), (3,), r"nn\.Padding: index 4 is beyond dim 0"),
        (nn.Sum(2), (3, 4), r"nn\.Sum: dim 2 is out of range"),
        (nn.Mean(-3), (3, 4), r"nn\.Mean: dim -3 is out of range"),
        (nn.Min(1, 1), (2, 3), r"nn\.Min: dim 1 \(2 in a batch of 1-dim samples\) is out of range"),
    ],
)
def test_bad_input_names_the_module(layer, shape, message):
    with pytest.raises(ValueError, match=message):
        layer.forward(np.ones(shape))


@pytest.mark.parametrize("layer", [nn.View(4), nn.Narrow(0, 0), nn.Sum(), nn.Max(), nn.Copy()])
def test_wrong_dtype_names_the_module(layer):
    with pytest.raises(TypeError, match=rf"{repr(layer).split('(')[0]}"):
        layer.forward(np.ones(4, dtype=np.float16))


# ---------------------------------------------------------------- float32
FLOAT32_CASES = [
    (lambda: nn.View(-1, 2), (3, 4)),
    (lambda: nn.Reshape(12), (2, 3, 4)),
    (lambda: nn.Narrow(1, 1, -1), (3, 4)),
    (lambda: nn.Select(0, -1), (3, 4)),
    (lambda: nn.Transpose((0, 1)), (3, 4)),
    (lambda: nn.Replicate(2, 1), (3, 4)),
    (nn.Squeeze, (3, 1, 4)),
    (lambda: nn.Unsqueeze(0), (3, 4)),
    (nn.Contiguous, (3, 4)),
    (lambda: nn.Copy(force_copy=True), (3, 4)),
    (lambda: nn.Padding(1, -2, value=3.0), (3, 4)),
    (lambda: nn.Sum(1), (3, 4)),
    (lambda: nn.Mean(0), (3, 4)),
    (lambda: nn.Max(1), (3, 4)),
    (lambda: nn.Min(-1), (3, 4)),
]


@pytest.mark.parametrize("make, shape", FLOAT32_CASES)
def test_float32_gives_the_float64_result_in_float32(make, shape):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape)
    reference = make()
    y64 = reference.forward(x).copy()
    g = rng.standard_normal(y64.shape)
    gx64 = reference.backward(x, g).copy()
    layer = make().float()
    y32 = layer.forward(x.astype(np.float32))
    gx32 = layer.backward(x.astype(np.float32), g.astype(np.float32))
    assert y32.dtype == np.float32 and gx32.dtype == np.float32
    np.testing.assert_allclose(y32, y64, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(gx32, gx64, rtol=1e-6, atol=1e-6)


def test_index_in_float32():
    x = np.arange(12.0, dtype=np.float32).reshape(4, 3)
    layer = nn.Index(1).float()
    out = layer.forward([x, np.array([2, 2])])
    grad = layer.backward([x, np.array([2, 2])], np.ones((4, 2), np.float32))
    assert (
        out.dtype == np.float32
        and grad[0].dtype == np.float32
        and grad[0][:, 2].tolist() == [2] * 4
    )


# ---------------------------------------------------------------- properties
@settings(max_examples=60, deadline=None)
@given(x=arrays(small_shapes(1, 4)), data=st.data())
def test_view_and_reshape_round_trip(x, data):
    shape = tuple(data.draw(st.permutations(x.shape)))
    for there in (nn.View(*shape), nn.Reshape(*shape, batch_mode=False)):
        y = there.forward(x)
        back = nn.View(*x.shape).forward(y)
        assert back.shape == x.shape and np.array_equal(back, x)
        g = data.draw(arrays(y.shape))
        assert np.array_equal(there.backward(x, g), g.reshape(x.shape))


@settings(max_examples=60, deadline=None)
@given(x=arrays(small_shapes(2, 4)), data=st.data())
def test_transpose_twice_is_the_identity(x, data):
    pairs = data.draw(
        st.lists(st.tuples(*[st.integers(-x.ndim, x.ndim - 1)] * 2), min_size=1, max_size=3)
    )
    forth = nn.Transpose(*pairs)
    y = forth.forward(x)
    back = nn.Transpose(*reversed(pairs)).forward(y)
    assert np.array_equal(back, x)
    assert np.array_equal(forth.backward(x, y), x)  # backward undoes forward


@settings(max_examples=60, deadline=None)
@given(case=arrays_and_dims(1, 3), data=st.data())
def test_narrow_undoes_padding(case, data):
    x, dim = case
    pad = data.draw(st.integers(-3, 3).filter(bool))
    index = data.draw(st.integers(0, x.shape[dim]))
    padded = nn.Padding(dim, pad, value=7.0, index=index).forward(x)
    # The input's entries sit before and after |pad| padded ones.
    before = index if pad < 0 else x.shape[dim] - index
    head = nn.Narrow(dim, 0, before).forward(padded) if before else None
    tail_length = x.shape[dim] - before
    tail = nn.Narrow(dim, before + abs(pad), tail_length).forward(padded) if tail_length else None
    pieces = [p for p in (head, tail) if p is not None]
    assert np.array_equal(np.concatenate(pieces, axis=dim), x)
    middle = nn.Narrow(dim, before, abs(pad)).forward(padded)
    assert (middle == 7.0).all()


@settings(max_examples=60, deadline=None)
@given(case=arrays_and_dims(1, 4), data=st.data())
def test_narrow_and_select_backward_put_g_back_in_place(case, data):
    x, dim = case
    size = x.shape[dim]
    offset = data.draw(st.integers(0, size - 1))
    length = data.draw(st.integers(1, size - offset))
    narrow = nn.Narrow(dim, offset, length)
    y = narrow.forward(x)
    grad = narrow.backward(x, y)
    assert np.array_equal(grad, np.where(narrow_mask(x.shape, dim, offset, length), x, 0))
    if x.ndim > 1:
        select = nn.Select(dim, offset)
        assert np.array_equal(select.forward(x), np.take(x, offset, axis=dim))


def narrow_mask(shape, dim, offset, length):
    where = np.zeros(shape, dtype=bool)
    index = [slice(None)] * len(shape)
    index[dim] = slice(offset, offset + length)
    where[tuple(index)] = True
    return where


@settings(max_examples=60, deadline=None)
@given(x=arrays(small_shapes(1, 3)), data=st.data())
def test_unsqueeze_then_squeeze_is_the_identity(x, data):
    pos = data.draw(st.integers(0, x.ndim))
    unsqueeze = nn.Unsqueeze(pos)
    y = unsqueeze.forward(x)
    assert y.shape[pos] == 1
    assert np.array_equal(nn.Squeeze(pos).forward(y), x)
    assert np.array_equal(unsqueeze.backward(x, y), x)


@settings(max_examples=60, deadline=None)
@given(case=arrays_and_dims(2, 4))
def test_sum_and_mean_against_numpy_and_their_gradient_sums_to_the_count(case):
    x, dim = case
    assert np.allclose(nn.Sum(dim).forward(x), x.sum(axis=dim))
    mean = nn.Mean(dim)
    assert np.allclose(mean.forward(x), x.mean(axis=dim))
    grad = mean.backward(x, np.ones(mean.output.shape))
    assert np.isclose(grad.sum(), x.size / x.shape[dim])


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=arrays_and_dims(2, 4), data=st.data())
def test_max_and_min_against_pytorch(case, data, torch):
    x, dim = case
    g = data.draw(arrays(x.shape[: dim % x.ndim] + x.shape[dim % x.ndim + 1 :]))
    for layer, reduce in ((nn.Max(dim), torch.max), (nn.Min(dim), torch.min)):
        t = torch.tensor(x, requires_grad=True)
        values, _ = reduce(t, dim)
        values.backward(torch.tensor(g))
        assert np.array_equal(layer.forward(x), values.detach().numpy())
        ours = layer.backward(x, g)
        extreme = np.expand_dims(values.detach().numpy(), dim)
        assert np.all((ours == 0) | (x == extreme))  # g lands on an extreme of its slice
        assert np.allclose(ours.sum(axis=dim), g)
        if np.all((x == extreme).sum(axis=dim) == 1):  # no ties: PyTorch's gradient exactly
            assert np.array_equal(ours, t.grad.numpy())


def test_index_gradient_against_pytorch(torch):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((5, 4))
    g = rng.standard_normal((6, 4))
    indices = np.array([4, 0, 4, 1, 1, 4])
    t = torch.tensor(x, requires_grad=True)
    torch.index_select(t, 0, torch.tensor(indices)).backward(torch.tensor(g))
    layer = nn.Index(0)
    layer.forward([x, indices])
    np.testing.assert_allclose(layer.backward([x, indices], g)[0], t.grad.numpy(), rtol=1e-14)


@pytest.mark.parametrize(
    "layer",
    [
        nn.View(-1),
        nn.Reshape(8, 64),
        nn.Narrow(1, 2, 40),
        nn.Select(0, 3),
        nn.Transpose((0, 1)),
        nn.Replicate(3, 1),
        nn.Squeeze(),
        nn.Unsqueeze(1),
        nn.Contiguous(),
        nn.Copy(force_copy=True),
        nn.Padding(1, -3, index=2),
        nn.Sum(0),
        nn.Mean(1),
        nn.Max(0),
        nn.Min(1),
    ],
    ids=repr,
)
def test_a_warm_forward_and_backward_allocate_no_array_of_the_input_size(layer):
    # (256, 512): 1 MiB per array; NumPy's own 64 KiB iteration buffer is all that may appear.
    x = np.random.default_rng(0).standard_normal((512, 256)).T  # not contiguous: Contiguous copies
    if isinstance(layer, nn.View | nn.Reshape):
        x = np.ascontiguousarray(x)
    grad = np.ones(layer.forward(x).shape)
    peak = warm_peak(layer, x, grad)
    assert peak < 100 * 1024, f"{layer!r}: a warm call allocated {peak} bytes"
