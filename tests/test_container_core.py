"""nn.Container and the Lua module methods: a custom container's children are seen everywhere."""

from __future__ import annotations

import numpy as np
import pytest

import minitorch_l2
from minitorch_l2 import nn

from .gain_layers import LuaGain


class Twice(nn.Container):
    """y = m1(x) + m2(x), written the way a user writes a container: children in self.modules."""

    def __init__(self, first, second):
        super().__init__()
        self.modules = [first, second]

    def update_output(self, input):
        outputs = []
        for index, module in enumerate(self.modules):
            try:
                outputs.append(module.forward(input))
            except Exception as error:
                raise self.rethrow(error, index) from None
        self.output = outputs[0] + outputs[1]
        return self.output

    def update_grad_input(self, input, grad_output):
        grads = [m.update_grad_input(input, grad_output) for m in self.modules]
        self.grad_input = grads[0] + grads[1]
        return self.grad_input

    def acc_grad_parameters(self, input, grad_output, scale=1.0):
        for module in self.modules:
            module.acc_grad_parameters(input, grad_output, scale)


def twice():
    return Twice(nn.Linear(2, 3), nn.Sequential(nn.Linear(2, 3), nn.Tanh()))


def test_every_parameter_of_a_custom_container_is_found_flattened_and_zeroed():
    net = twice()
    params, grads = net.get_parameters()
    assert params.size == grads.size == 2 * (2 * 3 + 3)  # 18 numbers, all of them
    first, inner = net.modules[0], net.modules[1].modules[0]
    assert np.shares_memory(first.weight, params) and np.shares_memory(inner.grad_bias, grads)
    x = np.ones((4, 2))
    net.forward(x)
    net.backward(x, np.ones((4, 3)))
    assert np.abs(inner.grad_weight).sum() > 0
    net.zero_grad_parameters()
    assert not grads.any()
    names = [p.name for p in net.named_parameters()]
    assert names == ["0.weight", "0.bias", "1.0.weight", "1.0.bias"]


def test_tree_operations_reach_the_children_of_a_custom_container():
    net = twice()
    assert [type(m).__name__ for m in net.list_modules()] == [
        "Twice",
        "Linear",
        "Sequential",
        "Linear",
        "Tanh",
    ]
    net.evaluate()
    assert all(not m.train for m in net.list_modules())
    net.training()
    assert all(m.train for m in net.list_modules())
    net.forward(np.ones((1, 2)))
    net.float()
    assert all(p.dtype == np.float32 for p in net.parameters()[0])
    assert all(m.output is None for m in net.list_modules())  # type() ends with clear_state
    assert net.type() == "torch.FloatTensor"
    net.type("torch.DoubleTensor")
    assert net.modules[1].modules[0].weight.dtype == np.float64
    seen = []
    assert net.apply(lambda m: seen.append(type(m).__name__)) is net
    assert seen == ["Twice", "Linear", "Sequential", "Linear", "Tanh"]


def test_save_and_load_keep_a_custom_containers_children(tmp_path):
    net = twice()
    minitorch_l2.save(tmp_path / "twice.npz", net)
    loaded = minitorch_l2.load(tmp_path / "twice.npz")
    x = np.random.default_rng(0).normal(size=(3, 2))
    np.testing.assert_array_equal(loaded.forward(x), net.forward(x))
    assert len(loaded.parameters()[0]) == 4


def test_reset_on_a_container_resets_every_child():
    net = twice()
    before = [p.copy() for p in net.parameters()[0]]
    net.reset(0.01)
    after = net.parameters()[0]
    assert all(not np.array_equal(a, b) for a, b in zip(before, after))
    assert all(np.abs(p).max() <= 0.01 * np.sqrt(3) for p in after)


def test_find_modules_and_replace_as_lua():
    net = nn.Sequential(nn.Linear(2, 2), nn.Tanh(), nn.Sequential(nn.Linear(2, 2), nn.Tanh()))
    found, containers = net.find_modules("nn.Linear")
    assert found == [net.get(0), net.get(2).get(0)]
    assert containers == [net, net.get(2)]
    assert net.find_modules(nn.Tanh)[0] == [net.get(1), net.get(2).get(1)]
    assert net.findModules("Tanh") == net.find_modules("Tanh")
    # Lua's findModules (code and docs): the module without a parent is its own container.
    assert net.find_modules(nn.Sequential) == ([net, net.get(2)], [net, net])
    holder = nn.Sequential()  # empty, so falsy: still the container given
    assert nn.Tanh().find_modules(nn.Tanh, holder)[1][0] is holder
    swapped = net.replace(lambda m: nn.ReLU() if isinstance(m, nn.Tanh) else m)
    assert swapped is net
    assert [type(m).__name__ for m in net.list_modules()].count("ReLU") == 2
    with pytest.raises(TypeError, match="find_modules expects a class"):
        net.find_modules(3)


def test_clone_with_names_shares_those_arrays_and_gradients_add_up():
    a = nn.Linear(3, 2)
    b = a.clone("weight", "bias", "gradWeight", "gradBias")  # Lua's camelCase names work too
    assert b.weight is a.weight and b.grad_bias is a.grad_bias
    plain = a.clone()
    assert plain.weight is not a.weight and np.array_equal(plain.weight, a.weight)
    x1, x2 = np.ones((1, 3)), np.full((1, 3), 2.0)
    g = np.ones((1, 2))
    a.zero_grad_parameters()
    a.forward(x1)
    a.backward(x1, g)
    b.forward(x2)
    b.backward(x2, g)
    np.testing.assert_array_equal(a.grad_weight, g.T @ x1 + g.T @ x2)


def test_share_needs_trees_of_one_layout():
    with pytest.raises(ValueError, match="same layout"):
        nn.Sequential(nn.Linear(2, 2)).share(nn.Sequential(nn.Tanh()), "weight")
    with pytest.raises(TypeError, match="share expects an nn.Module"):
        nn.Linear(2, 2).share("weight", "weight")


def test_a_module_added_twice_later_is_caught_before_the_forward():
    shared = nn.Tanh()
    left, right = nn.Sequential(), nn.Sequential()
    net = nn.Sequential(left, right)
    left.add(shared)
    right.add(shared)  # each add only sees its own container's tree
    with pytest.raises(ValueError, match=r"nn\.Tanh appears twice.*clone\('weight'"):
        net.forward(np.ones((1, 2)))


def test_a_direct_edit_of_modules_after_a_forward_is_caught_before_the_next():
    x = np.ones((1, 2))
    tanh = nn.Tanh()
    net = nn.Sequential(tanh)
    net.forward(x)
    net.modules.append(tanh)  # Lua code edits the list itself too
    with pytest.raises(ValueError, match=r"nn\.Tanh appears twice"):
        net.forward(x)
    net.modules[1] = nn.Tanh()  # fixed: runs again
    assert net.forward(x).shape == (1, 2)
    net.modules[1] = tanh  # an item set to a module already there
    with pytest.raises(ValueError, match=r"nn\.Tanh appears twice"):
        net.forward(x)


@pytest.mark.parametrize("edit", ["append", "setitem", "reassign"])
def test_a_direct_edit_deep_in_the_tree_is_caught_by_the_outer_forward(edit):
    x = np.ones((1, 2))
    first, inner = nn.Tanh(), nn.Sequential(nn.Sigmoid())
    net = nn.Sequential(first, nn.Sequential(inner))
    net.forward(x)
    if edit == "append":
        inner.modules.append(first)
    elif edit == "setitem":
        inner.modules[0] = first
    else:
        inner.modules = [first]
    with pytest.raises(ValueError, match=r"nn\.Tanh appears twice"):
        net.forward(x)


def test_a_container_holding_itself_is_refused():
    net = nn.Sequential(nn.Tanh())
    with pytest.raises(ValueError, match="appears twice"):
        net.add(net)


def test_an_error_in_a_nested_child_names_the_whole_path():
    net = nn.Sequential(nn.Tanh(), twice())
    with pytest.raises(ValueError) as error:
        net.forward(np.ones((4, 5)))
    assert str(error.value).startswith(
        "In module (1) of nn.Sequential: In module (0) of nn.Twice: "
        "nn.Linear(2 -> 3): expected input"
    )


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda s: s.get("0"), TypeError, "index must be an int"),
        (lambda s: s.remove(1.5), TypeError, "index must be an int"),
        (lambda s: s.insert(nn.Tanh(), "a"), TypeError, "index must be an int"),
        (lambda s: s.get(5), IndexError, "out of range"),
        (lambda s: s.add("Tanh"), TypeError, "expected an nn.Module"),
        (lambda s: s.type(None), TypeError, "got None"),
        (lambda s: s.type("garbage"), TypeError, "float32 or float64, got 'garbage'"),
    ],
)
def test_small_container_apis_refuse_bad_arguments_clearly(call, error, words):
    with pytest.raises(error, match=words):
        call(nn.Sequential(nn.Linear(2, 2)))


def test_type_converts_every_floating_array_attribute_and_keeps_views():
    class Stats(nn.Module):
        def __init__(self):
            super().__init__()
            self.weight = np.ones(3)
            self.grad_weight = np.zeros(3)
            self.running = [np.zeros(3), np.ones(3)]  # not parameters: Lua's type converts them too
            self.counts = np.arange(3)  # integers stay integers

        def update_output(self, input):
            self.output = input * self.weight
            return self.output

    layer = Stats()
    flat, _ = nn.Sequential(layer).get_parameters()
    layer.float()
    assert layer.weight.dtype == layer.running[1].dtype == np.float32
    assert layer.counts.dtype.kind == "i"
    again, _ = layer.get_parameters()  # still views of one vector: no second copy needed
    assert again.dtype == np.float32 and np.shares_memory(layer.weight, again)


def test_a_lua_way_layer_is_flattened_converted_and_zeroed():
    layer = LuaGain(2)
    net = nn.Sequential(nn.Linear(2, 2), layer)
    params, grads = net.get_parameters()
    assert params.size == 6 + 2 and np.shares_memory(layer.gain, params)
    x = np.ones((3, 2))
    net.forward(x)
    net.backward(x, np.ones((3, 2)))
    assert layer.grad_gain.any()
    net.zero_grad_parameters()
    assert not grads.any()
    net.float()
    assert layer.gain.dtype == np.float32
    with pytest.raises(
        TypeError, match="has dtype float64 but the module's parameters are float32"
    ):
        layer.forward(np.ones((1, 2)))


def test_criteria_convert_and_clone():
    criterion = nn.ClassNLLCriterion(weights=np.array([1.0, 2.0]))
    assert criterion.float() is criterion and criterion.weights.dtype == np.float32
    twin = criterion.clone()
    assert twin.weights is not criterion.weights
    criterion.double()
    assert criterion.weights.dtype == np.float64
    with pytest.raises(TypeError, match="float32 or float64"):
        criterion.type("int64")


@pytest.mark.parametrize(
    "make",
    [
        lambda: nn.MSECriterion(),
        lambda: nn.ClassNLLCriterion(weights=np.array([1.0, 2.0, 0.5])),
        lambda: nn.CrossEntropyCriterion(),
        lambda: nn.ParallelCriterion(True).add(nn.MSECriterion()).add(nn.AbsCriterion(), 0.5),
    ],
    ids=["MSE", "ClassNLL", "CrossEntropy", "Parallel"],
)
def test_a_criterion_clone_has_no_per_call_state(make):
    criterion = make()
    x = np.linspace(-1.0, 1.0, 12).reshape(4, 3)
    classes = isinstance(criterion, nn.ClassNLLCriterion | nn.CrossEntropyCriterion)
    target = np.array([0, 2, 1, 1]) if classes else np.ones((4, 3))
    if isinstance(criterion, nn.ParallelCriterion):
        x = [x, x.copy()]
    loss = criterion.forward(x, target)
    criterion.backward(x, target)
    twin = criterion.clone()
    parts = [twin, *getattr(twin, "criterions", [])]
    parts += [value for value in vars(twin).values() if isinstance(value, nn.Module)]
    for part in parts:  # itself, the criteria it combines, a module it holds (LogSoftMax)
        for name in type(part).transient_attributes() - {"output"}:
            assert vars(part).get(name) is None, (part, name)
        assert part.output is None if isinstance(part, nn.Module) else part.output == 0.0
    assert len(parts) > 1 or not isinstance(twin, nn.ParallelCriterion | nn.CrossEntropyCriterion)
    assert twin.forward(x, target) == loss  # the settings and weights came along
    assert criterion.grad_input is not None  # the original keeps its state
    if isinstance(criterion, nn.ClassNLLCriterion):
        assert twin.weights is not criterion.weights


def test_a_criterion_answers_its_type_as_a_module_does():
    criterion = nn.ClassNLLCriterion(weights=np.array([1.0, 2.0]))
    assert criterion.type() == "torch.DoubleTensor"
    assert criterion.float().type() == "torch.FloatTensor"
    assert nn.MSECriterion().type() == "torch.DoubleTensor"  # no arrays: the default
    both = nn.ParallelCriterion().add(criterion).add(nn.MSECriterion())
    assert both.type() == "torch.FloatTensor"  # the type of the criteria it combines
    assert both.type("torch.DoubleTensor") is both and criterion.weights.dtype == np.float64


def test_a_criterion_takes_a_table_input():
    criterion = nn.CosineEmbeddingCriterion()
    x = np.eye(2)
    loss = criterion.forward([x, x], np.array([1, 1]))
    assert loss == pytest.approx(0.0, abs=1e-9)  # cos = 1 up to its 1e-12 epsilon
    grads = criterion.backward((x, x), np.array([1, 1]))
    assert isinstance(grads, list | tuple) and len(grads) == 2


def test_clone_copies_parameters_but_no_transient_state():
    net = nn.Sequential(nn.Linear(3, 4), nn.L2Normalize())
    x = np.ones((2, 3))
    net.forward(x)
    twin = net.clone()
    assert all(m.output is None for m in twin.list_modules())
    assert twin.get(0).weight is not net.get(0).weight
    np.testing.assert_array_equal(twin.get(0).weight, net.get(0).weight)
    np.testing.assert_array_equal(twin.forward(x), net.forward(x))
    assert net.get(1).output is not None  # the original keeps its state
