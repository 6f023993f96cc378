"""The table modules (JoinTable … Bilinear, and Cosine, Euclidean) against Lua, PyTorch and rules.

Every Lua case of these classes in ``../shared/lua-reference/modules/`` runs (skipped without
it), in float64 to 1e-12 and in float32 through ``.float()``; each case carries Lua's
constructor next to ours, translated by the 0-based rule.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minitorch_l2 import nn

from . import lua_reference as ref
from .strategies import float_dtypes, tables_of_one_shape

# case name: (Lua's constructor, as the manifest has it; ours, by the 0-based rule)
MODULES = {
    "Bilinear": ("nn.Bilinear(3, 4, 2)", lambda: nn.Bilinear(3, 4, 2)),
    "Bilinear_nobias": ("nn.Bilinear(3, 4, 2, false)", lambda: nn.Bilinear(3, 4, 2, False)),
    "CAddTable": ("nn.CAddTable()", nn.CAddTable),
    "CDivTable": ("nn.CDivTable()", nn.CDivTable),
    "CMaxTable": ("nn.CMaxTable()", nn.CMaxTable),
    "CMinTable": ("nn.CMinTable()", nn.CMinTable),
    "CMulTable": ("nn.CMulTable()", nn.CMulTable),
    "CSubTable": ("nn.CSubTable()", nn.CSubTable),
    "CosineDistance_batch": ("nn.CosineDistance()", nn.CosineDistance),
    "CosineDistance_nobatch": ("nn.CosineDistance()", nn.CosineDistance),
    "Cosine_batch": ("nn.Cosine(4, 3)", lambda: nn.Cosine(4, 3)),
    "Cosine_nobatch": ("nn.Cosine(4, 3)", lambda: nn.Cosine(4, 3)),
    "DotProduct_batch": ("nn.DotProduct()", nn.DotProduct),
    "DotProduct_nobatch": ("nn.DotProduct()", nn.DotProduct),
    "Euclidean_batch": ("nn.Euclidean(4, 3)", lambda: nn.Euclidean(4, 3)),
    "Euclidean_nobatch": ("nn.Euclidean(4, 3)", lambda: nn.Euclidean(4, 3)),
    "FlattenTable": ("nn.FlattenTable()", nn.FlattenTable),
    "JoinTable_1_nInputDims_batch": ("nn.JoinTable(1, 1)", lambda: nn.JoinTable(0, 1)),
    "JoinTable_1_nInputDims_nobatch": ("nn.JoinTable(1, 1)", lambda: nn.JoinTable(0, 1)),
    "JoinTable_2": ("nn.JoinTable(2)", lambda: nn.JoinTable(1)),
    "MM": ("nn.MM()", nn.MM),
    "MM_batch_transA": ("nn.MM(true, false)", lambda: nn.MM(True, False)),
    "MV": ("nn.MV()", nn.MV),
    "MV_batch": ("nn.MV()", nn.MV),
    "NarrowTable": ("nn.NarrowTable(2, 2)", lambda: nn.NarrowTable(1, 2)),
    "PairwiseDistance_batch": ("nn.PairwiseDistance(2)", lambda: nn.PairwiseDistance(2)),
    "PairwiseDistance_nobatch": ("nn.PairwiseDistance(2)", lambda: nn.PairwiseDistance(2)),
    "PairwiseDistance_p1": ("nn.PairwiseDistance(1)", lambda: nn.PairwiseDistance(1)),
    "SelectTable_1": ("nn.SelectTable(1)", lambda: nn.SelectTable(0)),
    "SelectTable_minus1": ("nn.SelectTable(-1)", lambda: nn.SelectTable(-1)),
    "SelectTable_nested": ("nn.SelectTable(2)", lambda: nn.SelectTable(1)),
    "SplitTable_1_nInputDims2_batch": ("nn.SplitTable(1, 2)", lambda: nn.SplitTable(0, 2)),
    "SplitTable_1_nInputDims2_nobatch": ("nn.SplitTable(1, 2)", lambda: nn.SplitTable(0, 2)),
    "SplitTable_1_nInputDims_batch": ("nn.SplitTable(1, 1)", lambda: nn.SplitTable(0, 1)),
    "SplitTable_2": ("nn.SplitTable(2)", lambda: nn.SplitTable(1)),
}
CLASSES = {f"nn.{type(make()).__name__}" for _, make in MODULES.values()}


def zero_based(lua_text: str) -> str:
    """Lua's printout with its 1-based numbers ``(k)`` shifted to ours and spaces normalised."""
    shifted = re.sub(r"\((\d+)\)", lambda m: f"({int(m.group(1)) - 1})", lua_text)
    return " ".join(shifted.split())


def as_float32(value: object) -> object:
    if isinstance(value, list):
        return [as_float32(item) for item in value]
    return value.astype(np.float32)


def leaves(value: object) -> list[np.ndarray]:
    if isinstance(value, list):
        return [leaf for item in value for leaf in leaves(item)]
    return [value]


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_matches_lua(name):
    entry = ref.case("modules", name)
    lua, make = MODULES[name]
    assert entry["lua"] == lua  # the translation beside it is ours, by the 0-based rule
    module = make()
    ref.run_module_case(module, name)
    assert entry["class"] == f"nn.{type(module).__name__}"
    assert " ".join(repr(module).split()) == zero_based(entry["lua_tostring"])


def test_every_lua_case_of_these_classes_is_run():
    ref.require()
    cases = {name for name, entry in ref.cases("modules").items() if entry["class"] in CLASSES}
    assert cases == set(MODULES)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_float32_matches_lua_to_float32_precision(name):
    flat = ref.arrays("modules", name)
    module = MODULES[name][1]()
    ref.load_parameters(module, flat)
    module.float()
    input = as_float32(ref.table(flat, "input"))
    output = module.forward(input)
    assert {leaf.dtype for leaf in leaves(output)} == {np.dtype(np.float32)}
    ref.assert_close(output, ref.table(flat, "output"), f"{name}: float32 output", rtol=1e-5)
    grad_input = module.backward(input, as_float32(ref.table(flat, "gradOutput")))
    assert {leaf.dtype for leaf in leaves(grad_input)} == {np.dtype(np.float32)}
    lua_grad = ref.table(flat, "gradInput")
    ref.assert_close(grad_input, lua_grad, f"{name}: float32 grad_input", rtol=1e-5)


# ---------------------------------------------------------------- bad settings and input
@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: nn.JoinTable("2"), TypeError, r"nn.JoinTable: dimension must be an int"),
        (lambda: nn.JoinTable(1, 0), ValueError, r"nn.JoinTable: n_input_dims must be in \[1"),
        (lambda: nn.SplitTable(1.0), TypeError, r"nn.SplitTable: dimension must be an int"),
        (lambda: nn.SelectTable(True), TypeError, r"nn.SelectTable: index must be an int"),
        (lambda: nn.NarrowTable(0, 0), ValueError, r"nn.NarrowTable: length must be in \[1"),
        (lambda: nn.CAddTable("yes"), TypeError, r"nn.CAddTable: inplace must be True or False"),
        (lambda: nn.MM(1), TypeError, r"nn.MM: trans_a must be True or False"),
        (lambda: nn.MV(trans=None), TypeError, r"nn.MV: trans must be True or False"),
        (lambda: nn.PairwiseDistance(0.5), ValueError, r"nn.PairwiseDistance: norm must be"),
        (lambda: nn.Cosine(0, 3), ValueError, r"nn.Cosine: input_size must be in \[1"),
        (lambda: nn.Euclidean(4, 2.5), TypeError, r"nn.Euclidean: output_size must be an int"),
        (lambda: nn.Bilinear(3, 4, 2, "no"), TypeError, r"nn.Bilinear: bias must be True"),
    ],
)
def test_constructors_refuse_bad_settings(make, error, message):
    with pytest.raises(error, match=message):
        make()


A, B = np.ones((2, 3)), np.ones((3, 2))


@pytest.mark.parametrize(
    ("module", "input", "error", "message"),
    [
        (nn.CAddTable(), [A, B], ValueError, r"nn.CAddTable: expected input\[1\] of input\[0\]"),
        (nn.CAddTable(), A, TypeError, r"nn.CAddTable: expected a table \(a list\) of tensors"),
        (nn.CMulTable(), [A, [A]], TypeError, r"input\[1\] to be a tensor.*nn.FlattenTable"),
        (nn.CSubTable(), [A, A, A], ValueError, r"nn.CSubTable: expected a table of 2 tensors"),
        (nn.CMaxTable(), [A, A.astype(np.float32)], TypeError, r"input\[1\] has dtype float32"),
        (nn.JoinTable(2), [A, A], ValueError, r"nn.JoinTable: dim=2 is out of range"),
        (nn.JoinTable(0), [A, B], ValueError, r"expected input\[1\] of input\[0\]'s shape"),
        (nn.SplitTable(-3), A, ValueError, r"nn.SplitTable: dim=-3 is out of range"),
        (nn.SplitTable(0), [A], TypeError, r"nn.SplitTable: expected a tensor"),
        (nn.SelectTable(2), [A, A], ValueError, r"nn.SelectTable: index 2 is out of range"),
        (nn.SelectTable(-3), [A, A], ValueError, r"index -3 is out of range for a table of 2"),
        (nn.NarrowTable(1, 2), [A, A], ValueError, r"nn.NarrowTable: entries 1 to 2"),
        (nn.FlattenTable(), A, TypeError, r"nn.FlattenTable: expected a table"),
        (nn.MM(), [A, A], ValueError, r"nn.MM: cannot multiply \(2, 3\) by \(2, 3\)"),
        (nn.MM(), [A, np.ones((2, 2, 2))], ValueError, r"nn.MM: expected two matrices"),
        (nn.MV(), [A, np.ones(2)], ValueError, r"nn.MV: cannot multiply \(2, 3\) by"),
        (nn.DotProduct(), [A, B], ValueError, r"nn.DotProduct: expected input\[1\]"),
        (nn.CosineDistance(), [np.ones((2, 2, 2))] * 2, ValueError, r"pair of vectors"),
        (nn.PairwiseDistance(2), [A], ValueError, r"expected a table of 2 tensors"),
        (nn.Cosine(4, 3), A, ValueError, r"nn.Cosine: expected input of shape \(4,\)"),
        (nn.Euclidean(2, 3), A, ValueError, r"nn.Euclidean: expected input of shape \(2,\)"),
        (nn.Bilinear(3, 4, 2), [A, A], ValueError, r"nn.Bilinear\(3x4 -> 2\): expected a pair"),
        (nn.Bilinear(3, 4, 2), [A, A.astype(np.float32)], TypeError, r"input\[1\] has dtype"),
        (nn.Cosine(3, 2), A.astype(np.float32), TypeError, r"convert the module with .float"),
    ],
)
def test_bad_input_is_a_clear_error_naming_the_module(module, input, error, message):
    with pytest.raises(error, match=message):
        module.forward(input)


def test_a_bad_leaf_of_a_nested_table_is_named_by_its_path():
    table = [np.ones(2), [np.ones(3, dtype=np.int64), np.ones(4)]]
    with pytest.raises(TypeError, match=r"nn.FlattenTable: expected input\[1\]\[0\] of a floating"):
        nn.FlattenTable().forward(table)


def test_a_tuple_input_is_read_as_a_list():
    x, y = np.arange(3.0), np.ones(3)
    module = nn.CSubTable()
    assert np.array_equal(module.forward((x, y)), x - y)
    grads = module.backward((x, y), np.ones(3))
    assert type(grads) is list and [g.tolist() for g in grads] == [[1, 1, 1], [-1, -1, -1]]
    flat = nn.FlattenTable().forward((x, (y, (x,))))
    assert type(flat) is list and [a is b for a, b in zip(flat, [x, y, x])] == [True] * 3


# ---------------------------------------------------------------- semantics beyond the cases
def test_select_table_gives_the_entry_itself_and_zeros_elsewhere():
    x = [np.ones(2), [np.ones(3), np.ones(4)], np.ones(5)]
    module = nn.SelectTable(-2)
    assert module.forward(x) is x[1]
    g = [np.full(3, 2.0), np.full(4, 3.0)]
    grads = module.backward(x, g)
    assert np.array_equal(grads[0], np.zeros(2)) and np.array_equal(grads[2], np.zeros(5))
    assert [a.tolist() for a in grads[1]] == [b.tolist() for b in g]
    assert grads[1][0] is not g[0]  # a copy: the caller's grad_output stays the caller's


def test_narrow_table_with_a_negative_offset_and_changing_lengths_never_writes_a_callers_array():
    module = nn.NarrowTable(-2, 2)  # the last two entries
    first = [np.ones(2) * k for k in range(3)]
    g = [np.full(2, 7.0), np.full(2, 8.0)]
    assert [a is b for a, b in zip(module.forward(first), first[1:])] == [True, True]
    grads = module.backward(first, g)
    assert grads[1] is g[0] and grads[2] is g[1] and not grads[0].any()
    longer = [np.ones(2) * k for k in range(4)]
    module.forward(longer)
    grads = module.backward(longer, [np.ones(2), np.ones(2)])
    assert not grads[0].any() and not grads[1].any()
    assert g[0].tolist() == [7.0, 7.0] and g[1].tolist() == [8.0, 8.0]


def test_cadd_table_inplace_adds_into_the_first_input_and_passes_grad_output_through():
    x = [np.ones(3), np.full(3, 2.0)]
    module = nn.CAddTable(inplace=True)
    assert module.forward(x) is x[0] and x[0].tolist() == [3.0, 3.0, 3.0]
    g = np.arange(3.0)
    assert all(grad is g for grad in module.backward(x, g))
    copied = nn.CAddTable()
    y = [np.ones(3), np.full(3, 2.0)]
    assert copied.forward(y) is not y[0] and y[0].tolist() == [1.0, 1.0, 1.0]
    assert all(grad is not g and np.array_equal(grad, g) for grad in copied.backward(y, g))


def test_extremum_ties_go_to_the_first_entry_as_in_lua():
    x = [np.array([1.0, 2.0]), np.array([1.0, 3.0]), np.array([0.0, 3.0])]
    module = nn.CMaxTable()
    module.forward(x)
    grads = module.backward(x, np.array([5.0, 6.0]))
    assert [g.tolist() for g in grads] == [[5.0, 0.0], [0.0, 6.0], [0.0, 0.0]]
    module = nn.CMinTable()
    assert module.forward(x).tolist() == [0.0, 2.0]
    assert [g.tolist() for g in module.backward(x, np.ones(2))] == [[0, 1], [0, 0], [1, 0]]


def test_extremum_never_hides_a_nan():
    for module in (nn.CMaxTable(), nn.CMinTable()):
        out = module.forward([np.array([1.0, np.nan]), np.array([np.nan, 2.0])])
        assert np.isnan(out).all()


def test_pairwise_distance_gradient_for_p_between_1_and_2_is_exact_where_lua_is_not():
    # Lua leaves out |d|^(p-2) for 1 < p < 2; finite differences side with the formula.
    rng = np.random.default_rng(0)
    x = [rng.normal(size=(3, 4)), rng.normal(size=(3, 4))]
    module = nn.PairwiseDistance(1.5)
    module.forward(x)
    grads = module.backward(x, np.ones(3))
    eps = 1e-6
    for k in range(4):
        step = np.zeros((3, 4))
        step[:, k] = eps
        up = nn.PairwiseDistance(1.5).forward([x[0] + step, x[1]]).copy()
        down = nn.PairwiseDistance(1.5).forward([x[0] - step, x[1]])
        np.testing.assert_allclose(grads[0][:, k], (up - down) / (2 * eps), rtol=1e-5)
    np.testing.assert_array_equal(grads[1], -grads[0])


def test_pairwise_distance_gradient_of_equal_rows_is_zero_not_nan():
    x = [np.ones((2, 3)), np.ones((2, 3))]
    for p in (1, 1.5, 2, 3):
        module = nn.PairwiseDistance(p)
        module.forward(x)
        assert all(np.array_equal(g, np.zeros((2, 3))) for g in module.backward(x, np.ones(2)))


def test_split_table_of_a_vector_gives_0d_tensors():
    # Lua gives numbers here and its backward cannot run; ours gives 0-d arrays and can.
    module = nn.SplitTable(0)
    parts = module.forward(np.arange(3.0))
    assert [p.shape for p in parts] == [()] * 3 and [float(p) for p in parts] == [0, 1, 2]
    grads = [np.array(1.0), np.array(2.0), np.array(3.0)]
    assert module.backward(np.arange(3.0), grads).tolist() == [1, 2, 3]


# ---------------------------------------------------------------- lazy buffers for tables
def run_twice(module, make_input, make_grad):
    x1, g1 = make_input(0), make_grad(0)
    out1 = module.forward(x1)
    grad1 = module.backward(x1, g1)
    kept = (out1, leaves(out1), grad1, leaves(grad1))
    x2, g2 = make_input(1), make_grad(1)
    out2 = module.forward(x2)
    grad2 = module.backward(x2, g2)
    return kept, (out2, leaves(out2), grad2, leaves(grad2))


def draw(*shapes):
    return lambda seed: [np.random.default_rng(seed).normal(size=s) for s in shapes]


@pytest.mark.parametrize(
    ("make", "make_input", "make_grad"),
    [
        (lambda: nn.SplitTable(1), lambda s: draw((2, 3))(s)[0], draw((2,), (2,), (2,))),
        (lambda: nn.JoinTable(0), draw((2,), (3,)), lambda s: draw((5,))(s)[0]),
        (nn.CSubTable, draw((2, 3), (2, 3)), lambda s: draw((2, 3))(s)[0]),
        (nn.CMulTable, draw((2, 3), (2, 3), (2, 3)), lambda s: draw((2, 3))(s)[0]),
        (nn.CMaxTable, draw((2, 3), (2, 3)), lambda s: draw((2, 3))(s)[0]),
        (nn.MM, draw((2, 3), (3, 4)), lambda s: draw((2, 4))(s)[0]),
        (nn.CosineDistance, draw((2, 3), (2, 3)), lambda s: draw((2,))(s)[0]),
        (lambda: nn.Bilinear(3, 4, 2), draw((5, 3), (5, 4)), lambda s: draw((5, 2))(s)[0]),
    ],
)
def test_table_buffers_are_the_same_list_and_arrays_on_the_next_call(make, make_input, make_grad):
    module = make()
    fresh = module.clone()  # the same weights, for the values of the second call
    (out1, leaves1, grad1, grad_leaves1), (out2, leaves2, grad2, grad_leaves2) = run_twice(
        module, make_input, make_grad
    )
    if isinstance(out1, list):
        assert out2 is out1 and all(a is b for a, b in zip(leaves1, leaves2))
    if isinstance(grad1, list):
        assert grad2 is grad1 and all(a is b for a, b in zip(grad_leaves1, grad_leaves2))
    # ... and they hold the second call's values, as a fresh module computes them.
    x2, g2 = make_input(1), make_grad(1)
    ref.assert_close(out2, fresh.forward(x2), "output", rtol=0)
    ref.assert_close(grad2, fresh.backward(x2, g2), "grad_input", rtol=0)


def test_table_buffers_follow_a_change_of_shape():
    module = nn.SplitTable(0)
    small = module.forward(np.zeros((2, 3)))
    assert len(small) == 2
    large = module.forward(np.ones((4, 5)))
    assert len(large) == 4 and all(part.shape == (5,) and part.all() for part in large)
    module = nn.JoinTable(0)
    module.forward([np.ones(2), np.ones(2)])
    grads = module.backward([np.ones(2), np.ones(2)], np.arange(4.0))
    kept = grads[0]
    module.forward([np.ones(3), np.ones(1)])
    grads = module.backward([np.ones(3), np.ones(1)], np.arange(4.0))
    assert grads[0] is not kept and grads[0].tolist() == [0, 1, 2] and grads[1].tolist() == [3]


# ---------------------------------------------------------------- properties
@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(1, 4), min_size=1, max_size=4),
    st.data(),
    float_dtypes(),
)
def test_split_table_slices_stack_back_to_the_input_along_any_dim(shape, data, dtype):
    x = np.arange(np.prod(shape), dtype=dtype).reshape(shape)
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    module = nn.SplitTable(dim)
    parts = module.forward(x)
    assert len(parts) == x.shape[dim] and all(p.dtype == dtype for p in parts)
    assert np.array_equal(np.stack(parts, axis=dim % x.ndim), x)
    # backward puts each slice's gradient back in its place: here the slices themselves.
    assert np.array_equal(module.backward(x, [p.copy() for p in parts]), x)


@settings(max_examples=40, deadline=None)
@given(tables_of_one_shape(max_entries=4))
def test_extremum_gradient_goes_to_exactly_one_entry_per_element(table):
    g = np.arange(table[0].size, dtype=table[0].dtype).reshape(table[0].shape) + 1
    for module, reduce in ((nn.CMaxTable(), np.max), (nn.CMinTable(), np.min)):
        assert np.array_equal(module.forward(table), reduce(np.stack(table), axis=0))
        grads = module.backward(table, g)
        assert np.array_equal(sum(grads), g)  # each element's gradient lands once
        for x, grad in zip(table, grads):
            assert np.all((grad == 0) | (x == module.output))


@settings(max_examples=40, deadline=None)
@given(tables_of_one_shape(max_entries=4))
def test_cmul_table_gradient_is_the_product_of_the_others(table):
    module = nn.CMulTable()
    g = np.ones(table[0].shape, table[0].dtype)
    module.forward(table)
    for index, grad in enumerate(module.backward(table, g)):
        others = [x for k, x in enumerate(table) if k != index]
        expected = np.prod(np.stack(others), axis=0) if others else g
        np.testing.assert_allclose(grad, expected, rtol=1e-5)


# ---------------------------------------------------------------- PyTorch as an oracle
@pytest.mark.parametrize("trans_a", [False, True])
@pytest.mark.parametrize("trans_b", [False, True])
@pytest.mark.parametrize("batch", [False, True])
def test_mm_matches_pytorch_for_every_transposition(torch, trans_a, trans_b, batch):
    rng = np.random.default_rng(3)
    front = (2,) if batch else ()
    a = rng.normal(size=front + ((3, 2) if trans_a else (2, 3)))
    b = rng.normal(size=front + ((4, 3) if trans_b else (3, 4)))
    g = rng.normal(size=front + (2, 4))
    ta, tb = (torch.tensor(v, requires_grad=True) for v in (a, b))
    product = (ta.transpose(-1, -2) if trans_a else ta) @ (tb.transpose(-1, -2) if trans_b else tb)
    product.backward(torch.tensor(g))
    module = nn.MM(trans_a, trans_b)
    np.testing.assert_allclose(module.forward([a, b]), product.detach().numpy(), rtol=1e-12)
    grads = module.backward([a, b], g)
    np.testing.assert_allclose(grads[0], ta.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(grads[1], tb.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("trans", [False, True])
@pytest.mark.parametrize("batch", [False, True])
def test_mv_matches_pytorch(torch, trans, batch):
    rng = np.random.default_rng(4)
    front = (2,) if batch else ()
    m = rng.normal(size=front + (3, 4))
    v = rng.normal(size=front + ((3,) if trans else (4,)))
    g = rng.normal(size=front + ((4,) if trans else (3,)))
    tm, tv = (torch.tensor(x, requires_grad=True) for x in (m, v))
    y = ((tm.transpose(-1, -2) if trans else tm) @ tv.unsqueeze(-1)).squeeze(-1)
    y.backward(torch.tensor(g))
    module = nn.MV(trans)
    np.testing.assert_allclose(module.forward([m, v]), y.detach().numpy(), rtol=1e-12)
    grads = module.backward([m, v], g)
    np.testing.assert_allclose(grads[0], tm.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(grads[1], tv.grad.numpy(), rtol=1e-12)


def test_bilinear_matches_pytorch_with_scale(torch):
    rng = np.random.default_rng(5)
    x1, x2, g = rng.normal(size=(4, 3)), rng.normal(size=(4, 5)), rng.normal(size=(4, 2))
    module = nn.Bilinear(3, 5, 2)
    tx1, tx2 = (torch.tensor(x, requires_grad=True) for x in (x1, x2))
    tw = torch.tensor(module.weight, requires_grad=True)
    tb = torch.tensor(module.bias, requires_grad=True)
    y = torch.nn.functional.bilinear(tx1, tx2, tw, tb)
    y.backward(torch.tensor(g))
    np.testing.assert_allclose(module.forward([x1, x2]), y.detach().numpy(), rtol=1e-12)
    module.zero_grad_parameters()
    grads = module.backward([x1, x2], g, 0.5)
    np.testing.assert_allclose(grads[0], tx1.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(grads[1], tx2.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(module.grad_weight, 0.5 * tw.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(module.grad_bias, 0.5 * tb.grad.numpy(), rtol=1e-12)


def test_cosine_distance_and_cosine_match_pytorch(torch):
    rng = np.random.default_rng(6)
    x1, x2, g = rng.normal(size=(4, 3)), rng.normal(size=(4, 3)), rng.normal(size=4)
    t1, t2 = (torch.tensor(x, requires_grad=True) for x in (x1, x2))
    y = torch.nn.functional.cosine_similarity(t1, t2, dim=1, eps=0)
    y.backward(torch.tensor(g))
    module = nn.CosineDistance()
    np.testing.assert_allclose(module.forward([x1, x2]), y.detach().numpy(), rtol=1e-10)
    grads = module.backward([x1, x2], g)
    np.testing.assert_allclose(grads[0], t1.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(grads[1], t2.grad.numpy(), rtol=1e-10)
    layer = nn.Cosine(3, 2)
    tx, tw = torch.tensor(x1, requires_grad=True), torch.tensor(layer.weight, requires_grad=True)
    y = (tx / tx.norm(dim=1, keepdim=True)) @ (tw / tw.norm(dim=1, keepdim=True)).T
    gy = rng.normal(size=(4, 2))
    y.backward(torch.tensor(gy))
    np.testing.assert_allclose(layer.forward(x1), y.detach().numpy(), rtol=1e-10)
    np.testing.assert_allclose(layer.backward(x1, gy), tx.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(layer.grad_weight, tw.grad.numpy(), rtol=1e-10)


def test_euclidean_matches_pytorch(torch):
    rng = np.random.default_rng(7)
    x, g = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    layer = nn.Euclidean(3, 2)
    tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(layer.weight, requires_grad=True)
    y = (tx[:, :, None] - tw[None]).pow(2).sum(1).sqrt()
    y.backward(torch.tensor(g))
    np.testing.assert_allclose(layer.forward(x), y.detach().numpy(), rtol=1e-12)
    # Lua's guard: the gradient divides by y + 1e-7.
    np.testing.assert_allclose(layer.backward(x, g), tx.grad.numpy(), rtol=1e-6)
    np.testing.assert_allclose(layer.grad_weight, tw.grad.numpy(), rtol=1e-6)
