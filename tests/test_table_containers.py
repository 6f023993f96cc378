"""Concat, Parallel, ConcatTable, ParallelTable: Lua's numbers and printout, errors with their
place, one-pass backward, sharing, and the core statements of tables that involve them.
"""

from __future__ import annotations

import numpy as np
import pytest

import minitorch_l2
from minitorch_l2 import nn

from . import lua_reference as ref
from .test_table_modules import leaves

# case name: (Lua's constructor, as the manifest has it; ours, by the 0-based rule)
CONTAINERS = {
    "ConcatTable": (
        "nn.ConcatTable():add(nn.Linear(4, 3)):add(nn.Linear(4, 2))",
        lambda: nn.ConcatTable().add(nn.Linear(4, 3)).add(nn.Linear(4, 2)),
    ),
    "Concat_2": (
        "nn.Concat(2):add(nn.Linear(4, 3)):add(nn.Linear(4, 2))",
        lambda: nn.Concat(1).add(nn.Linear(4, 3)).add(nn.Linear(4, 2)),
    ),
    "Parallel": (
        "nn.Parallel(1, 1):add(nn.Linear(3, 2)):add(nn.Linear(3, 4))",
        lambda: nn.Parallel(0, 0).add(nn.Linear(3, 2)).add(nn.Linear(3, 4)),
    ),
    "ParallelTable": (
        "nn.ParallelTable():add(nn.Linear(4, 3)):add(nn.Tanh())",
        lambda: nn.ParallelTable().add(nn.Linear(4, 3)).add(nn.Tanh()),
    ),
}


@pytest.mark.parametrize("name", sorted(CONTAINERS))
def test_container_matches_lua(name):
    entry = ref.case("modules", name)
    lua, make = CONTAINERS[name]
    assert entry["lua"] == lua
    module = make()
    assert isinstance(module, nn.Container)
    ref.run_module_case(module, name)


@pytest.mark.parametrize("name", sorted(CONTAINERS))
def test_printout_is_luas_layout_with_zero_based_numbers(name):
    lua = ref.case("modules", name)["lua_tostring"]
    expected = lua.replace("(1):", "(0):").replace("(2):", "(1):")
    assert repr(CONTAINERS[name][1]()) == expected


def test_every_lua_case_of_these_containers_is_run():
    ref.require()
    classes = {f"nn.{type(make()).__name__}" for _, make in CONTAINERS.values()}
    cases = {name for name, entry in ref.cases("modules").items() if entry["class"] in classes}
    assert cases == set(CONTAINERS)


def test_nested_printout_indents_each_branch():
    net = nn.ConcatTable(nn.Sequential(nn.Linear(4, 3), nn.Tanh()), nn.Identity())
    assert repr(net) == (
        "nn.ConcatTable {\n"
        "  input\n"
        "    |`-> (0): nn.Sequential {\n"
        "    |      [input -> (0) -> (1) -> output]\n"
        "    |      (0): nn.Linear(4 -> 3)\n"
        "    |      (1): nn.Tanh\n"
        "    |    }\n"
        "     `-> (1): nn.Identity\n"
        "     ... -> output\n"
        "}"
    )


# ---------------------------------------------------------------- errors with their place
def test_an_error_in_a_nested_child_gives_the_whole_path():
    net = nn.ConcatTable(nn.Identity(), nn.Sequential(nn.Linear(4, 3), nn.Tanh()))
    with pytest.raises(ValueError) as caught:
        net.forward(np.ones((2, 5)))
    assert str(caught.value).startswith(
        "In module (1) of nn.ConcatTable: In module (0) of nn.Sequential: nn.Linear(4 -> 3): "
        "expected input of shape (4,) or (n, 4), got (2, 5)"
    )


@pytest.mark.parametrize(
    ("net", "input", "message"),
    [
        (
            nn.ParallelTable(nn.Tanh(), nn.Linear(2, 2)),
            [np.ones(3), np.ones(3)],
            r"^In module \(1\) of nn.ParallelTable: nn.Linear\(2 -> 2\): expected input",
        ),
        (
            nn.Concat(0, nn.Identity(), nn.ParallelTable(nn.Tanh())),
            np.ones(3),
            r"^In module \(1\) of nn.Concat: nn.ParallelTable: expected a table of 1 entries",
        ),
        (
            nn.Parallel(0, 0, nn.Tanh(), nn.Sequential(nn.CAddTable())),
            np.ones((2, 3)),
            r"^In module \(1\) of nn.Parallel: In module \(0\) of nn.Sequential: nn.CAddTable: "
            r"expected a table",
        ),
    ],
)
def test_every_container_rethrows_with_the_childs_place(net, input, message):
    with pytest.raises((ValueError, TypeError), match=message):
        net.forward(input)


def test_checks_name_the_leaf_path_through_containers():
    net = nn.Sequential(nn.FlattenTable(), nn.JoinTable(0))
    bad = [np.ones(2), [np.ones(3, dtype=np.float16), np.ones(4)]]
    with pytest.raises(TypeError, match=r"nn.Sequential: input\[1\]\[0\] has dtype float16"):
        net.forward(bad)
    pair = nn.ParallelTable(nn.Identity(), nn.ParallelTable(nn.Identity(), nn.Identity()))
    x = [np.ones(2), [np.ones(3), np.ones(4)]]
    pair.forward(x)
    wrong = [np.ones(2), [np.ones(3), np.ones(5)]]
    with pytest.raises(ValueError, match=r"nn.ParallelTable: expected grad_output\[1\]\[1\] of"):
        pair.backward(x, wrong)
    with pytest.raises(TypeError, match=r"grad_output\[0\] has dtype float32"):
        pair.backward(x, [np.ones(2, np.float32), [np.ones(3), np.ones(4)]])


def test_a_tuple_input_is_read_as_a_list_by_containers():
    net = nn.Sequential(nn.ParallelTable(nn.Tanh(), nn.Identity()), nn.CAddTable())
    x = (np.zeros(3), np.ones(3))
    assert net.forward(x).tolist() == [1.0, 1.0, 1.0]
    grads = net.backward(x, (np.ones(3)))
    assert type(grads) is list and len(grads) == 2
    nested = nn.ParallelTable(nn.Identity(), nn.FlattenTable())
    assert type(nested.forward((np.ones(1), (np.ones(2), (np.ones(3),))))[1]) is list


def test_container_input_must_fit_its_children():
    with pytest.raises(ValueError, match=r"nn.ParallelTable: expected a table of 2 entries"):
        nn.ParallelTable(nn.Tanh(), nn.Tanh()).forward([np.ones(2)] * 3)
    with pytest.raises(ValueError, match=r"nn.Parallel: expected input of size 2 .* along"):
        nn.Parallel(1, 0, nn.Tanh(), nn.Tanh()).forward(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"nn.Concat: module \(1\) gave ndarray \(4, 3\)"):
        nn.Concat(0, nn.Identity(), nn.Linear(2, 3)).forward(np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"nn.ConcatTable has no modules"):
        nn.ConcatTable().forward(np.ones(2))
    with pytest.raises(TypeError, match=r"nn.Concat: dimension must be an int"):
        nn.Concat("1")


# ---------------------------------------------------------------- backward
class CountingLinear(nn.Linear):
    """Records which public steps its container called."""

    def __init__(self, *args):
        super().__init__(*args)
        self.calls = []

    def backward(self, input, grad_output, scale=1.0):
        self.calls.append("backward")
        return super().backward(input, grad_output, scale)


def make_each():
    return {
        "ConcatTable": (
            nn.ConcatTable(CountingLinear(4, 3), CountingLinear(4, 2)),
            lambda rng: rng.normal(size=(5, 4)),
        ),
        "Concat": (
            nn.Concat(1, CountingLinear(4, 3), CountingLinear(4, 2)),
            lambda rng: rng.normal(size=(5, 4)),
        ),
        "Parallel": (
            nn.Parallel(1, 1, CountingLinear(4, 3), CountingLinear(4, 2)),
            lambda rng: rng.normal(size=(5, 2, 4)),
        ),
        "ParallelTable": (
            nn.ParallelTable(CountingLinear(4, 3), CountingLinear(2, 2)),
            lambda rng: [rng.normal(size=(5, 4)), rng.normal(size=(5, 2))],
        ),
    }


def random_like(value, rng):
    if isinstance(value, list):
        return [random_like(item, rng) for item in value]
    return rng.normal(size=value.shape)


def copy(value):
    return [copy(item) for item in value] if isinstance(value, list) else value.copy()


@pytest.mark.parametrize("name", ["ConcatTable", "Concat", "Parallel", "ParallelTable"])
def test_backward_is_one_pass_of_the_childrens_backward_and_equals_the_two_steps(name):
    rng = np.random.default_rng(0)
    net, draw = make_each()[name]
    x = draw(rng)
    g = random_like(net.forward(x), rng)
    net.zero_grad_parameters()
    one_pass = copy(net.backward(x, g, 0.5))
    grads = [grad.copy() for grad in net.parameters()[1]]
    assert all(module.calls == ["backward"] for module in net.modules)
    net.zero_grad_parameters()
    two_steps = net.update_grad_input(x, g)
    net.acc_grad_parameters(x, g, 0.5)
    ref.assert_close(two_steps, one_pass, "grad_input", rtol=0)
    for ours, theirs in zip(net.parameters()[1], grads):
        np.testing.assert_array_equal(ours, theirs)
    assert all(module.calls == ["backward"] for module in net.modules)  # steps, not backward


@pytest.mark.parametrize("name", ["ConcatTable", "Concat", "Parallel", "ParallelTable"])
def test_float32_containers_compute_in_float32(name):
    rng = np.random.default_rng(1)
    net, draw = make_each()[name]
    x64 = draw(rng)
    y64 = copy(net.forward(x64))
    g64 = random_like(y64, rng)
    grad64 = copy(net.backward(x64, g64))
    net.float()
    as32 = lambda v: [as32(i) for i in v] if isinstance(v, list) else v.astype(np.float32)  # noqa: E731
    y32 = net.forward(as32(x64))
    grad32 = net.backward(as32(x64), as32(g64))
    assert {leaf.dtype for leaf in leaves(y32) + leaves(grad32)} == {np.dtype(np.float32)}
    ref.assert_close(y32, y64, "output", rtol=1e-5)
    ref.assert_close(grad32, grad64, "grad_input", rtol=1e-5)


def test_concat_table_sums_the_branches_gradients_for_a_table_input_too():
    net = nn.ConcatTable(nn.SelectTable(0), nn.CAddTable(), nn.Identity())
    x = [np.arange(3.0), np.ones(3)]
    out = net.forward(x)
    assert out[0] is x[0] and out[2] is x
    g = [np.ones(3), np.full(3, 2.0), [np.full(3, 3.0), np.full(3, 4.0)]]
    grads = net.backward(x, g)
    assert [grad.tolist() for grad in grads] == [[6.0] * 3, [6.0] * 3]
    assert (
        g[2][0].tolist() == [3.0] * 3
    )  # the Identity branch's gradient was copied, not summed into


def test_a_child_without_grad_input_adds_nothing_and_a_container_may_skip_its_own():
    first, second = nn.Linear(4, 3), nn.Linear(4, 3)
    net = nn.ConcatTable(first, second)
    x, rng = np.ones((2, 4)), np.random.default_rng(2)
    g = [rng.normal(size=(2, 3)), rng.normal(size=(2, 3))]
    first.compute_grad_input = False
    net.forward(x)
    np.testing.assert_allclose(net.backward(x, g), g[1] @ second.weight, rtol=1e-12)
    net.compute_grad_input = False
    net.zero_grad_parameters()
    assert net.backward(x, g) is None
    np.testing.assert_allclose(second.grad_weight, g[1].T @ x, rtol=1e-12)
    parallel = nn.Parallel(0, 0, nn.Linear(4, 3), nn.Linear(4, 3))
    parallel.modules[1].compute_grad_input = False
    parallel.forward(np.ones((2, 4)))
    with pytest.raises(ValueError, match=r"nn.Parallel: module \(1\) has compute_grad_input"):
        parallel.backward(np.ones((2, 4)), np.ones(6))


def test_container_outputs_are_reused_lists():
    net = nn.ParallelTable(nn.Linear(2, 2), nn.Tanh())
    x = [np.ones((1, 2)), np.ones(3)]
    out = net.forward(x)
    arrays = list(out)
    again = net.forward([np.zeros((1, 2)), np.zeros(3)])
    assert again is out and all(a is b for a, b in zip(again, arrays))
    assert again[1].tolist() == [0.0, 0.0, 0.0]
    grads = net.backward(x, [np.ones((1, 2)), np.ones(3)])
    assert net.backward(x, [np.ones((1, 2)), np.ones(3)]) is grads


def test_residual_block_is_f_of_x_plus_x():
    branch = nn.Sequential(nn.Linear(4, 4), nn.Tanh(), nn.Linear(4, 4))
    block = nn.Sequential(nn.ConcatTable(branch, nn.Identity()), nn.CAddTable())
    rng = np.random.default_rng(3)
    x, g = rng.normal(size=(5, 4)), rng.normal(size=(5, 4))
    alone = branch.clone()
    np.testing.assert_allclose(block.forward(x), alone.forward(x) + x, rtol=1e-12)
    np.testing.assert_allclose(block.backward(x, g), alone.backward(x, g) + g, rtol=1e-12)


# ---------------------------------------------------------------- sharing and the tree
def siamese():
    minitorch_l2.manual_seed(0)
    branch = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    twin = branch.clone("weight", "bias", "grad_weight", "grad_bias")
    return nn.Sequential(nn.ParallelTable(branch, twin), nn.CosineDistance()), branch, twin


def test_siamese_clones_share_weights_and_get_parameters_gives_them_one_place():
    net, branch, twin = siamese()
    assert twin.get(0).weight is branch.get(0).weight
    flat, grad_flat = net.get_parameters()
    assert flat.size == sum(p.size for p in branch.parameters()[0]) == 3 * 4 + 4 + 4 * 2 + 2
    for mine, theirs in zip(branch.parameters()[0], twin.parameters()[0]):
        assert mine is theirs and np.shares_memory(mine, flat)
    for mine, theirs in zip(branch.parameters()[1], twin.parameters()[1]):
        assert mine is theirs and np.shares_memory(mine, grad_flat)


def test_siamese_gradient_is_the_sum_of_both_branches():
    net, branch, _ = siamese()
    _, grad_flat = net.get_parameters()
    rng = np.random.default_rng(4)
    x = [rng.normal(size=(5, 3)), rng.normal(size=(5, 3))]
    g = rng.normal(size=5)
    net.zero_grad_parameters()
    net.forward(x)
    net.backward(x, g)
    # By hand: one branch, the two embeddings' gradients from CosineDistance, added.
    alone = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    for mine, theirs in zip(alone.parameters()[0], branch.parameters()[0]):
        mine[...] = theirs
    cosine = nn.CosineDistance()
    e = [alone.forward(x[0]).copy(), alone.forward(x[1]).copy()]
    cosine.forward(e)
    ge = [grad.copy() for grad in cosine.backward(e, g)]
    alone.zero_grad_parameters()
    for side in (0, 1):
        alone.forward(x[side])
        alone.backward(x[side], ge[side])
    _, expected = alone.get_parameters()
    np.testing.assert_allclose(grad_flat, expected, rtol=1e-12)


def test_the_same_module_twice_in_a_parallel_table_is_refused_with_the_sharing_recipe():
    linear = nn.Linear(2, 2)
    with pytest.raises(ValueError, match=r"clone\('weight', 'bias', 'grad_weight', 'grad_bias'\)"):
        nn.ParallelTable(linear, linear)


def test_tree_operations_see_the_children_of_every_container():
    net = nn.Sequential(
        nn.Concat(1, nn.Linear(4, 3), nn.Parallel(0, 0, nn.Linear(2, 1), nn.Linear(2, 1))),
        nn.ConcatTable(nn.Linear(5, 2), nn.ParallelTable()),
    )
    assert len(net.find_modules(nn.Linear)[0]) == 4
    assert len(net.parameters()[0]) == 8
    flat, _ = net.get_parameters()
    assert flat.size == (4 * 3 + 3) + 2 * (2 + 1) + (5 * 2 + 2)
    assert [type(m).__name__ for m in net.list_modules()].count("Linear") == 4


def test_save_and_load_keep_containers_settings_and_outputs(tmp_path):
    net = nn.Sequential(
        nn.ConcatTable(nn.Concat(-1, nn.Linear(4, 3), nn.Identity()), nn.Linear(4, 2)),
        nn.ParallelTable(nn.Tanh(), nn.Identity()),
        nn.JoinTable(0, 1),
    )
    x = np.random.default_rng(5).normal(size=(3, 4))
    expected = net.forward(x).copy()
    minitorch_l2.save(tmp_path / "net.npz", net)
    loaded = minitorch_l2.load(tmp_path / "net.npz")
    assert repr(loaded) == repr(net)
    np.testing.assert_array_equal(loaded.forward(x), expected)
    assert loaded.get(0).get(0).dimension == -1 and loaded.get(2).dimension == 0
    assert loaded.get(2).n_input_dims == 1


def test_replace_cannot_put_one_module_in_two_places():
    # A container checks its tree once per change made through add/insert/remove; replace
    # changes children directly, so it must refuse a duplicate itself.
    linear, other = nn.Linear(2, 2), nn.Linear(2, 2)
    net = nn.Sequential(nn.ConcatTable(linear, nn.Identity()), nn.ParallelTable(other, nn.Tanh()))
    net.forward(np.ones((1, 2)))
    with pytest.raises(ValueError, match=r"nn.Linear\(2 -> 2\) appears twice in one module tree"):
        net.replace(lambda m: linear if m is other else m)
    fresh = nn.Linear(2, 2)
    net = nn.Sequential(nn.ConcatTable(linear, nn.Identity()), nn.ParallelTable(other, nn.Tanh()))
    assert net.replace(lambda m: fresh if m is other else m).get(1).get(0) is fresh
