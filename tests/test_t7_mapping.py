"""The Lua ↔ ours class mapping (``serialization/t7/_lua_classes/``): which classes, and how.

To map a new class: add its entry to its family's file in ``_lua_classes/``, its name and an
example to ``EXAMPLES`` below, and the Lua fields its constructor creates to ``LUA_FIELDS`` (from
Lua's source). ``test_every_exported_class_is_mapped_or_said_not_to_be`` fails until then.
"""

from __future__ import annotations

import io
import math

import numpy as np
import pytest

import minitorch_l2
from minitorch_l2 import nn
from minitorch_l2.serialization import TorchObject, mapped_lua_classes
from minitorch_l2.serialization.t7 import _registry, write_t7
from minitorch_l2.serialization.t7.mapping import LuaClass, LuaOnly, shift, snake_case
from minitorch_l2.serialization.t7.upgrades import running_std_to_running_var

from .t7_structure import raw_graph

RNG = np.random.default_rng(17)

#: An example of each mapped class, and an input it runs on (a target too, for a criterion).
EXAMPLES = {
    "nn.ClassNLLCriterion": (
        lambda: nn.ClassNLLCriterion(weights=[1.0, 2.0, 0.5], size_average=False),
        (RNG.normal(size=(4, 3)), np.array([0, 2, 1, 1])),
    ),
    "nn.CosineEmbeddingCriterion": (
        lambda: nn.CosineEmbeddingCriterion(0.25, size_average=False),
        ([RNG.normal(size=(4, 3)), RNG.normal(size=(4, 3))], np.array([1, -1, 1, -1])),
    ),
    "nn.CrossEntropyCriterion": (
        lambda: nn.CrossEntropyCriterion(weights=[1.0, 2.0, 0.5], size_average=False),
        (RNG.normal(size=(4, 3)), np.array([0, 2, 1, 1])),
    ),
    "nn.Dropout": (lambda: nn.Dropout(0.3), (RNG.normal(size=(4, 3)),)),
    "nn.Identity": (nn.Identity, (RNG.normal(size=(4, 3)),)),
    "nn.Linear": (lambda: nn.Linear(3, 2), (RNG.normal(size=(4, 3)),)),
    "nn.LogSoftMax": (nn.LogSoftMax, (RNG.normal(size=(4, 3)),)),
    "nn.MSECriterion": (lambda: nn.MSECriterion(False), (RNG.normal(size=(4, 3)),) * 2),
    "nn.ReLU": (nn.ReLU, (RNG.normal(size=(4, 3)),)),
    "nn.Sequential": (
        lambda: nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2)),
        (RNG.normal(size=(4, 3)),),
    ),
    "nn.Sigmoid": (nn.Sigmoid, (RNG.normal(size=(4, 3)),)),
    "nn.SoftMax": (nn.SoftMax, (RNG.normal(size=(4, 3)),)),
    "nn.Tanh": (nn.Tanh, (RNG.normal(size=(4, 3)),)),
}

#: The fields Lua's constructor gives each class (torch/nn 8726825, ``self.X =`` in ``__init``
#: and its parents'), so a file we write holds what a Lua-made object holds.
MODULE = {"_type", "output", "gradInput"}
CRITERION = {"output", "gradInput"}
LUA_FIELDS = {
    "nn.ClassNLLCriterion": CRITERION
    | {"sizeAverage", "ignoreIndex", "weights", "output_tensor", "total_weight_tensor", "target"},
    "nn.CosineEmbeddingCriterion": CRITERION | {"margin", "sizeAverage"},
    "nn.CrossEntropyCriterion": CRITERION | {"lsm", "nll", "sizeAverage", "oldSizeAverage"},
    "nn.Dropout": MODULE | {"p", "train", "inplace", "stochastic_inference", "v2", "noise"},
    "nn.Identity": MODULE,
    "nn.Linear": MODULE | {"weight", "gradWeight", "bias", "gradBias"},
    "nn.LogSoftMax": MODULE,
    "nn.MSECriterion": CRITERION | {"sizeAverage"},
    "nn.ReLU": MODULE | {"threshold", "val", "inplace"},
    "nn.Sequential": MODULE | {"modules"},
    "nn.Sigmoid": MODULE,
    "nn.SoftMax": MODULE,
    "nn.Tanh": MODULE,
}

#: Exported classes deliberately not mapped, and why.
NOT_MAPPED = {
    "Container": "an abstract base (Lua's nn.Container is never saved on its own)",
    "Criterion": "an abstract base",
    "Module": "an abstract base",
    "Jacobian": "a testing tool, not a layer",
    "L2Normalize": "Lua's nn.Normalize(2) divides by sqrt(sum x^2 + eps), ours by the exact norm",
    "gModule": (
        "Lua's gModule is a web of nngraph.Node and graph.Graph objects, not mapped yet; rebuild "
        "the graph in Python and copy the weights in model:parameters() order (same order here)"
    ),
}


def load_t7(value: object, **options: object) -> object:
    return minitorch_l2.load(io.BytesIO(write_t7(value)), **options)


def lua_object(name: str, **fields: object) -> TorchObject:
    return TorchObject(name, fields)


def same(a: object, b: object) -> bool:
    """Equal values: arrays bit for bit (dtype too), modules attribute by attribute."""
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b)
    if isinstance(a, nn.Module | nn.Criterion):
        return (
            type(a) is type(b)
            and state(a).keys() == state(b).keys()
            and all(same(v, state(b)[k]) for k, v in state(a).items())
        )
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(same, a, b))
    return type(a) is type(b) and a == b


def state(module: object) -> dict:
    transient = type(module).transient_attributes()
    return {k: v for k, v in vars(module).items() if k not in transient}


# ---------------------------------------------------------------------- which classes


def test_the_mapped_lua_classes():
    assert mapped_lua_classes() == sorted(EXAMPLES) == sorted(LUA_FIELDS)


def test_every_exported_class_is_mapped_or_said_not_to_be():
    exported = {
        name
        for name in nn.__all__
        if isinstance(getattr(nn, name), type)
        and issubclass(getattr(nn, name), nn.Module | nn.Criterion)
    }
    mapped = {entry.cls.__name__ for entry in _registry.BY_CLASS.values()}
    assert exported - mapped - set(NOT_MAPPED) == set(), "map these, or say why not"
    assert not mapped & set(NOT_MAPPED)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_a_mapped_class_round_trips_and_writes_lua_s_fields(name):
    make, arguments = EXAMPLES[name]
    original = make()
    fresh = make()
    if isinstance(original, nn.Module):
        original.forward(*arguments)  # per-call state exists now: it must not be written
    data = write_t7(original)
    root, _ = raw_graph(data)
    assert root.class_name == name
    assert {key.decode() for key, _ in root.payload.pairs} == LUA_FIELDS[name]
    loaded = minitorch_l2.load(io.BytesIO(data))
    assert type(loaded) is type(original) and repr(loaded) == repr(original)
    assert state(loaded).keys() == state(fresh).keys()  # no attribute forgotten, none extra
    assert same(loaded, original)
    if isinstance(original, nn.Module):
        minitorch_l2.manual_seed(3)
        expected = original.forward(*arguments).copy()
        minitorch_l2.manual_seed(3)
        np.testing.assert_array_equal(loaded.forward(*arguments), expected)
    else:
        assert loaded.forward(*arguments) == original.forward(*arguments)


def test_train_flag_linear_without_bias_and_float32_survive():
    net = nn.Sequential(nn.Linear(3, 2, bias=False), nn.Dropout(0.5)).float()
    net.evaluate()
    loaded = load_t7(net)
    assert [m.train for m in loaded.list_modules()] == [False, False, False]
    assert loaded.get(0).bias is None and loaded.get(0).weight.dtype == np.float32
    assert repr(loaded.get(0)) == "nn.Linear(3 -> 2) without bias"
    root, _ = raw_graph(write_t7(net))
    fields = dict(root.payload.pairs)
    assert fields[b"_type"] == b"torch.FloatTensor"


def test_an_unmapped_module_cannot_be_written():
    with pytest.raises(ValueError, match=r"nn\.L2Normalize, which has no Lua mapping"):
        write_t7(nn.Sequential(nn.L2Normalize()))


def test_an_attribute_lua_has_no_field_for_is_refused_unless_it_is_the_default():
    linear = nn.Linear(2, 2)
    linear.compute_grad_input = True  # the class default: nothing lost
    load_t7(linear)
    linear.compute_grad_input = False
    with pytest.raises(ValueError, match="'compute_grad_input' has no field in Lua's nn.Linear"):
        write_t7(linear)


# ---------------------------------------------------------------------- refused from a file


def linear_fields(**changes: object) -> dict:
    fields = {"weight": np.ones((2, 3)), "gradWeight": np.zeros((2, 3)), "bias": np.ones(2)}
    fields.update(gradBias=np.zeros(2), _type="torch.DoubleTensor")
    fields.update(changes)
    return {k: v for k, v in fields.items() if v is not None}


@pytest.mark.parametrize(
    "name, fields, match",
    [
        ("nn.Dropout", {"p": 0.5}, "field 'v2' is False; .* no version-1 dropout"),
        ("nn.Dropout", {"p": 0.5, "v2": True, "stochastic_inference": True}, "stochastic_inf"),
        ("nn.Dropout", {"p": 2.5, "v2": True}, "p must be a finite number in"),
        ("nn.Dropout", {"p": math.nan, "v2": True}, "p must be a finite number"),
        ("nn.Dropout", {"p": 0.5, "v2": True, "train": "no"}, "'train' must be a boolean"),
        ("nn.ReLU", {"threshold": 0.5, "val": 0}, "'threshold' is 0.5; .* no threshold other"),
        ("nn.Tanh", {"weight": np.ones(2)}, r"field\(s\) \['weight'\] are not known"),
        ("nn.Linear", linear_fields(weight=None), "the file has no field 'weight'"),
        ("nn.Linear", linear_fields(weight=np.ones(3)), "weight must be a non-empty 2-D"),
        ("nn.Linear", linear_fields(bias=np.ones(1)), r"bias must have shape \(2,\)"),
        ("nn.Linear", linear_fields(gradBias=np.ones(3)), "gradBias .* does not match bias"),
        ("nn.Linear", linear_fields(weight=np.ones((2, 3), np.int64)), "must be a float tensor"),
        (
            "nn.Linear",
            linear_fields(bias=np.ones(2, np.float32), gradBias=np.ones(2, np.float32)),
            "parameters mix",
        ),  # fmt: skip
        ("nn.Sequential", {"modules": [1.5]}, r"modules\[0\] \(Lua's \[1\]\) is a float"),
        ("nn.ClassNLLCriterion", {"sizeAverage": True, "ignoreIndex": 2}, "ignored class"),
        ("nn.ClassNLLCriterion", {"sizeAverage": "yes"}, "sizeAverage must be True or False"),
        ("nn.ClassNLLCriterion", {"sizeAverage": True, "weights": np.ones((2, 2))}, "1-D float"),
        ("nn.CosineEmbeddingCriterion", {"margin": 3, "sizeAverage": True}, "margin must be"),
    ],
)
def test_a_field_its_constructor_would_refuse_is_refused_naming_class_and_field(
    name, fields, match
):
    with pytest.raises(ValueError, match=rf"cannot load .*at byte \d+: {name}: .*{match}"):
        load_t7(lua_object(name, **fields))


def test_weight_and_gradient_sharing_memory_in_the_file_are_refused():
    storage = np.zeros(12)
    fields = linear_fields(weight=storage[:6].reshape(2, 3), gradWeight=storage[3:9].reshape(2, 3))
    with pytest.raises(ValueError, match="gradWeight and weight share memory"):
        load_t7(lua_object("nn.Linear", **fields))
    # Side by side in one storage (as getParameters() leaves them) is fine.
    fields = linear_fields(weight=storage[:6].reshape(2, 3), gradWeight=storage[6:].reshape(2, 3))
    assert load_t7(lua_object("nn.Linear", **fields)).weight.base is not None


def test_transient_state_is_never_taken_from_the_file():
    output = np.full((4, 2), 7.0)
    linear = load_t7(lua_object("nn.Linear", **linear_fields(output=output, gradInput=output)))
    assert linear.output is None and linear.grad_input is None
    dropout = load_t7(lua_object("nn.Dropout", p=0.5, v2=True, noise=np.ones(3)))
    assert "_buffers" not in vars(dropout) and dropout._trained_forward is None


def test_cross_entropy_size_average_follows_lua_s_propagation():
    nll = lua_object("nn.ClassNLLCriterion", sizeAverage=False)
    lsm = lua_object("nn.LogSoftMax", _type="torch.DoubleTensor")
    # Unchanged since the last call (sizeAverage == oldSizeAverage): the nll's own flag counts.
    kept = load_t7(lua_object("nn.CrossEntropyCriterion", lsm=lsm, nll=nll, sizeAverage=True,
                              oldSizeAverage=True))  # fmt: skip
    assert kept.size_average is False and kept.nll.size_average is False
    changed = load_t7(lua_object("nn.CrossEntropyCriterion", lsm=lsm, nll=nll, sizeAverage=True,
                                 oldSizeAverage=False))  # fmt: skip
    assert changed.size_average is True


# ---------------------------------------------------------------------- the mechanism itself


class Pick(nn.Module):
    """A test layer with a 0-based dimension and index (Lua's Select(dim, index))."""

    def __init__(self, dimension: int, index: int) -> None:
        super().__init__()
        self.dimension, self.index = dimension, index

    def update_output(self, input: np.ndarray) -> np.ndarray:
        self.output = np.take(input, self.index, axis=self.dimension)
        return self.output


def _rename_dim(fields: dict, version: int) -> dict:
    # Version 1 of the test class called its dimension "dim".
    return {("dimension" if k == "dim" else k): v for k, v in fields.items()}


PICK = LuaClass(
    "nn.TestPick",
    Pick,
    fields=("dimension", "index"),
    zero_based=("dimension", "index"),
    version=2,
    upgrade=_rename_dim,
    lua_only={"flag": LuaOnly(write=True, accept=lambda v: v is True, missing=True)},
)


@pytest.fixture
def pick_mapped(monkeypatch):
    monkeypatch.setitem(_registry.BY_LUA_NAME, "nn.TestPick", PICK)
    monkeypatch.setitem(_registry.BY_CLASS, Pick, PICK)


def test_zero_based_fields_are_shifted_both_ways(pick_mapped):
    root, _ = raw_graph(write_t7(Pick(0, 2)))
    assert root.class_name == "nn.TestPick" and root.version == 2
    fields = dict(root.payload.pairs)
    assert (fields[b"dimension"], fields[b"index"], fields[b"flag"]) == (1.0, 3.0, True)
    loaded = load_t7(lua_object("nn.TestPick", dimension=2, index=1))
    assert (loaded.dimension, loaded.index) == (1, 0)
    np.testing.assert_array_equal(loaded.forward(np.arange(6.0).reshape(2, 3)), [0.0, 3.0])


def test_an_old_class_version_is_upgraded(pick_mapped):
    old = TorchObject("nn.TestPick", {"dim": 1, "index": 1}, version=1)
    assert load_t7(old).dimension == 0
    current = TorchObject("nn.TestPick", {"dim": 1, "index": 1}, version=2)  # not upgraded
    with pytest.raises(ValueError, match="no field 'dimension'"):
        load_t7(current)


def test_the_helpers():
    assert (
        snake_case("gradWeight") == "grad_weight" and snake_case("nInputPlane") == "n_input_plane"
    )
    assert shift(3, -1, "nn.X", "dim") == 2 and shift([1, 2], -1, "nn.X", "dim") == [0, 1]
    np.testing.assert_array_equal(shift(np.array([1, 5]), -1, "nn.X", "i"), [0, 4])
    with pytest.raises(ValueError, match="must be an integer index"):
        shift(1.5, -1, "nn.X", "dim")


def test_batch_normalization_s_old_running_std_becomes_running_var():
    std = np.array([0.5, 2.0], np.float32)
    fields = running_std_to_running_var({"running_std": std, "eps": 1e-5}, 1)
    assert "running_std" not in fields and fields["running_var"].dtype == np.float32
    np.testing.assert_array_equal(fields["running_var"], std**-2 - np.float32(1e-5))
    untouched = {"running_var": np.ones(2), "eps": 1e-5}
    assert running_std_to_running_var(untouched, 2) is untouched
