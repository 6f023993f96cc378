"""Threat: a file that sets a module's attributes to what its constructor would refuse.

``load`` builds each module without ``__init__`` and fills its attributes from the file, so
every attribute is the attacker's: a wrong type, a wrong shape or dtype, an out-of-domain value,
a parameter that is the very array of its gradient (weights that then move on every forward),
per-call state such as ``output`` made the array of ``weight``, one module object nested in two
places. Each is refused at load with a ValueError naming the class and the attribute (issue
18, item 1), through both formats: every attribute of an example of every built-in class, each
set to values of the wrong kind, for the ``.npz`` loader; every Lua field of every mapped class
for the ``.t7`` loader.
"""

from __future__ import annotations

import copy
import io
import json
import math
import zipfile

import numpy as np
import pytest

import minitorch_l2
from minitorch_l2 import nn
from minitorch_l2.serialization.saving import _save_unchecked
from minitorch_l2.serialization.t7 import TorchObject, _registry, write_t7
from minitorch_l2.serialization.t7.mapping import Storage, lua_fields, own_dtype

from ..test_t7_mapping import EXAMPLES

#: Variants with other settings than EXAMPLES' (None where EXAMPLES has a value, and back).
VARIANTS = [
    nn.Linear(3, 2, bias=False),
    nn.BatchNormalization(3, affine=False),
    nn.LookupTable(5, 3, padding_value=1, max_norm=2.0),
    nn.Reshape(3, 4, batch_mode=True),
    nn.View(-1, 4).set_num_input_dims(2),
    nn.Squeeze(),
    nn.Sum(0, 1, True),
    nn.JoinTable(1, 1),
    nn.Replicate(2, 0, 1),
    nn.Padding(1, -2, 1),
    nn.AddConstant(np.arange(3.0)),
    nn.Add(3, True),
    nn.Bilinear(2, 3, 2, bias=False),
    nn.L2Normalize(eps=1e-8),
    nn.ClassNLLCriterion(),
    nn.MultiMarginCriterion(1, weights=[1.0, 2.0]),
    # Not mapped to Lua (so not in EXAMPLES), but built in: fuzzed all the same.
    nn.SpatialSubtractiveNormalization(2, np.ones((3, 3))),
    nn.SpatialDivisiveNormalization(2, np.ones((3, 3)), 1e-3, 0.5),
    nn.SpatialContrastiveNormalization(2, np.ones((3, 3))),
]

#: Attributes whose shape no setting fixes: any array of floats is valid there.
FREE_SHAPE = {("WeightedMSECriterion", "weight"), ("AddConstant", "constant_scalar")}
#: Criterion class weights: the constructor takes any real numbers (ints, a list) and copies
#: them to floats, so those forms are normalised, not refused; a None is no weights; their
#: number is checked against the input's classes at each call.
WEIGHTS = {"weights", "conn_table", "kernel"}  # a connection table, a kernel: copied too
#: Attributes ``validate()`` computes from others (what a file says there is not read).
DERIVED = {("Reshape", "num_elements"), ("View", "num_elements")}


def examples() -> list[object]:
    found = [make() for make, _ in EXAMPLES.values()] + [copy.deepcopy(v) for v in VARIANTS]
    assert {f"nn.{type(o).__name__}" for o in found} >= set(EXAMPLES)
    return found


def test_every_exported_class_has_an_example():
    exported = {
        name
        for name in nn.__all__
        if isinstance(cls := getattr(nn, name), type)
        and issubclass(cls, nn.Module | nn.Criterion)
        and cls not in (nn.Module, nn.Criterion, nn.Container)  # the abstract bases
    }
    assert exported - {type(o).__name__ for o in examples()} == set()


def state(owner: object) -> dict:
    transient = type(owner).transient_attributes()
    return {k: v for k, v in vars(owner).items() if k not in transient}


def wrong_values(cls: type, name: str, value: object) -> list[object]:
    """Values of the wrong kind for an attribute holding ``value``; each must be refused."""
    if (cls.__name__, name) in DERIVED:
        return []
    if isinstance(value, bool | np.bool_):
        return ["no", 1]
    if isinstance(value, int | np.integer):
        return [1.5, "3", True]
    if isinstance(value, float | np.floating):
        return ["x", True, math.nan]
    if value is None:
        return ["x"]
    if isinstance(value, np.dtype):
        return ["garbage", np.dtype(np.int64)]
    if isinstance(value, nn.Module):
        return [1.5, nn.MSECriterion()]
    if isinstance(value, nn.Criterion):
        return [1.5, nn.Tanh()]
    if isinstance(value, tuple):
        return ["x", ("a", *value[1:]), (1.5, *value[1:])]
    if isinstance(value, list):
        if value and isinstance(value[0], float):
            return ["x", ["a"] + value[1:], [math.nan] * len(value)]
        wrong: list[object] = ["x", [1.5] + value[1:]]
        if value and isinstance(value[0], nn.Module):
            wrong.append([value[0], *value])  # one module object in two places
        return wrong
    if isinstance(value, np.ndarray):
        wrong = [value.astype(np.complex128), "x", np.full(value.shape, "a")]
        if name not in WEIGHTS:
            wrong += [value.astype(np.float16), value.tolist(), None]
            wrong.append(value.astype(value.dtype.newbyteorder(">")))
            if value.dtype.kind == "f":
                wrong.append(value.astype(np.int64))
        if (cls.__name__, name) not in FREE_SHAPE:
            wrong.append(value[None])
            if name not in WEIGHTS:
                wrong.append(np.concatenate([value.reshape(-1)] * 2))
        return wrong
    raise AssertionError(f"no wrong values for {cls.__name__}.{name} = {value!r}")


def npz_bytes(value: object) -> bytes:
    """The ``.npz`` of ``value``, written without save's checks (which refuse a broken module)."""
    buffer = io.BytesIO()
    _save_unchecked(buffer, value)
    return buffer.getvalue()


def refused(data: bytes, who: str, *names: str) -> None:
    """``load`` refuses the file with a ValueError naming the class and one of ``names``."""
    with pytest.raises(ValueError) as error:
        minitorch_l2.load(io.BytesIO(data))
    message = str(error.value)
    assert who in message and any(name in message for name in names), message


CASES = [(type(o).__name__, o) for o in examples()]


@pytest.mark.parametrize("name, example", CASES, ids=[n for n, _ in CASES])
def test_every_attribute_of_the_wrong_kind_is_refused_from_an_npz(name, example):
    cls = type(example)
    assert type(minitorch_l2.load(io.BytesIO(npz_bytes(example)))) is cls  # the example loads
    for attribute, value in state(example).items():
        for wrong in wrong_values(cls, attribute, value):
            broken = copy.deepcopy(example)
            setattr(broken, attribute, wrong)
            refused(npz_bytes(broken), f"nn.{name}", attribute)
        derived = (name, attribute) in DERIVED
        if value is not None and not hasattr(cls, attribute) and not derived:  # no default
            broken = copy.deepcopy(example)
            delattr(broken, attribute)
            refused(npz_bytes(broken), f"nn.{name}", attribute)


@pytest.mark.parametrize("name, example", CASES, ids=[n for n, _ in CASES])
def test_two_parameters_that_are_one_array_are_refused(name, example):
    arrays = [(k, v) for k, v in state(example).items() if isinstance(v, np.ndarray)]
    pairs = [
        (a, b)
        for i, (a, x) in enumerate(arrays)
        for b, y in arrays[:i]
        if x.shape == y.shape and x.dtype == y.dtype
        and (a in _parameter_attributes(example) or b in _parameter_attributes(example))
    ]  # fmt: skip
    for a, b in pairs:
        broken = copy.deepcopy(example)
        setattr(broken, a, getattr(broken, b))
        refused(npz_bytes(broken), f"nn.{name}", f"{a} and {b}", f"{b} and {a}")


def _parameter_attributes(module: object) -> set[str]:
    names = {n for pair in getattr(type(module), "parameter_names", ()) for n in pair}
    return names | ({"running_mean", "running_var"} & set(vars(module)))


def with_architecture(data: bytes, change) -> bytes:
    """The archive ``data`` with its architecture JSON passed through ``change``."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    with np.load(io.BytesIO(data), allow_pickle=False) as loaded:
        architecture = json.loads(str(loaded["architecture"][()]))
    change(architecture)
    buffer = io.BytesIO()
    np.save(buffer, np.array(json.dumps(architecture)), allow_pickle=False)
    members["architecture.npy"] = buffer.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return out.getvalue()


@pytest.mark.parametrize("transient", ["output", "grad_input", "_buffers"])
def test_output_made_the_array_of_weight_is_refused(transient):
    def alias(architecture: dict) -> None:
        attributes = architecture["value"]["attributes"]
        attributes[transient] = attributes["weight"]

    data = with_architecture(npz_bytes(nn.Linear(3, 2)), alias)
    refused(data, "nn.Linear", transient)


def test_a_weight_that_is_another_modules_gradient_is_refused():
    first, second = nn.Linear(3, 3), nn.Linear(3, 3)
    second.weight = first.grad_weight
    refused(npz_bytes(nn.Sequential(first, second)), "nn.Linear", "grad_weight", "weight")
    refused(write_t7(nn.Sequential(first, second)), "nn.Linear", "grad_weight", "weight")
    # The same field of two modules, as clone('weight', ...) shares it, is a legitimate share.
    twin = first.clone("weight", "bias", "grad_weight", "grad_bias")
    loaded = minitorch_l2.load(io.BytesIO(npz_bytes(nn.Sequential(first, twin))))
    assert loaded.get(0).weight is loaded.get(1).weight


def test_one_module_nested_in_two_places_is_refused():
    def twice(architecture: dict) -> None:
        modules = architecture["value"]["attributes"]["modules"]
        modules.append({"$": "module_ref", "id": modules[0]["id"]})

    data = with_architecture(npz_bytes(nn.Sequential(nn.Linear(2, 2), nn.Tanh())), twice)
    refused(data, "nn.Sequential", "appears twice")


def test_out_of_domain_settings_are_refused():
    cases = [
        (nn.Dropout(), "p", 2.5),
        (nn.Dropout(), "p", 1.0),
        (nn.L2Normalize(), "eps", 0.0),
        (nn.Linear(4, 3), "input_size", 5),
        (nn.Linear(4, 3), "bias", np.ones(1)),
        (nn.BatchNormalization(3), "momentum", 2.0),
        (nn.BatchNormalization(3), "running_var", -np.ones(3)),
        (nn.LookupTable(5, 3), "padding_value", 7),
        (nn.MultiMarginCriterion(), "p", 3),
        (nn.CosineEmbeddingCriterion(), "margin", 1.5),
        (nn.View(4), "size", (0,)),
        (nn.Narrow(0, 1, 2), "length", 0),
        (nn.SpatialSubtractiveNormalization(1, np.ones(3)), "kernel", np.zeros(3)),  # Σk = 0
        (nn.SpatialDivisiveNormalization(1, np.ones(3)), "kernel", np.array([1, math.nan, 1])),
        (nn.SpatialDivisiveNormalization(1, np.ones(3)), "kernel", None),
    ]
    for module, attribute, value in cases:
        setattr(module, attribute, value)
        refused(npz_bytes(module), f"nn.{type(module).__name__}", attribute)


# ---------------------------------------------------------------------- .t7


def lua_wrong_values(value: object) -> list[object]:
    """Wrong values for a Lua field holding ``value`` (Lua numbers, booleans, tensors, ...)."""
    if isinstance(value, bool):
        return ["no", 1]
    if isinstance(value, int | float):
        return ["x", True]
    if isinstance(value, np.ndarray):
        return [
            "x",
            value.astype(np.int64) if value.dtype.kind == "f" else value + 0.5,
            value[None],
        ]
    if isinstance(value, Storage):
        return ["x", value.array.astype(np.float64) + 0.5]
    if isinstance(value, list):
        return ["x", ["a"] + value[1:]]
    if isinstance(value, nn.Module | nn.Criterion):
        return [1.5]
    raise AssertionError(f"no wrong Lua values for {value!r}")


T7_CASES = [
    (entry, make())
    for entry in _registry.BY_CLASS.values()
    for make, _ in [EXAMPLES[entry.lua_name]]
    if entry.fields
]


@pytest.mark.parametrize("entry, example", T7_CASES, ids=[e.lua_name for e, _ in T7_CASES])
def test_every_lua_field_of_the_wrong_kind_is_refused_from_a_t7(entry, example):
    fields = lua_fields(entry, example, own_dtype(example) or np.dtype(np.float64))
    good = TorchObject(entry.lua_name, fields, entry.version)
    assert type(minitorch_l2.load(io.BytesIO(write_t7(good)))) is type(example)
    for name in entry.fields:
        if name not in fields or (type(example).__name__, entry.attribute(name)) in DERIVED:
            continue  # an optional field left nil, as Lua's constructor does; a derived one
        for wrong in lua_wrong_values(fields[name]):
            if _harmless(entry, name, wrong):
                continue
            broken = TorchObject(entry.lua_name, {**fields, name: wrong}, entry.version)
            refused(write_t7(broken), entry.lua_name, name, entry.attribute(name))


def _harmless(entry: object, name: str, wrong: object) -> bool:
    # An int tensor of class weights is real numbers (converted, as the constructor does), and
    # WeightedMSE's weight may have any shape.
    if name in ("weights", "connTable") and isinstance(wrong, np.ndarray):
        return wrong.dtype.kind in "iuf" and (name == "weights" or wrong.ndim == 2)
    return entry.lua_name == "nn.WeightedMSECriterion" and isinstance(wrong, np.ndarray)


# ---------------------------------------------------------------------- what is never saved


@pytest.mark.parametrize("lua_name", sorted(EXAMPLES))
def test_a_forward_and_backward_leave_no_state_that_would_be_saved(lua_name):
    """Per-call state lives in ``output``, ``grad_input``, buffers or ``per_call_attributes``:
    after a forward and a backward, the attributes a file would hold are the same ones."""
    make, arguments = EXAMPLES[lua_name]
    subject = make()
    owners = subject.list_modules() if isinstance(subject, nn.Module) else [subject]
    before = [set(state(owner)) for owner in owners]
    output = subject.forward(*arguments)
    if isinstance(subject, nn.Module):
        subject.backward(arguments[0], copy.deepcopy(output))
    else:
        subject.backward(*arguments)
    assert [set(state(owner)) for owner in owners] == before


@pytest.mark.parametrize("name, example", CASES, ids=[n for n, _ in CASES])
def test_every_class_s_validate_ends_in_the_shared_checks(name, example, monkeypatch):
    """Each class's validate() calls super().validate(), down to Module's or Criterion's."""
    calls = []
    for base in (nn.Module, nn.Criterion):
        original = base.validate

        def counted(self, original=original):
            calls.append(type(self))
            original(self)

        monkeypatch.setattr(base, "validate", counted)
    example.validate()
    assert type(example) in calls


# ---------------------------------------------------------------------- what the class defines


@pytest.mark.parametrize(
    "module, attribute, node",
    [
        # A Linear computing a tanh, printing as a Linear: the method replaced by a module.
        (nn.Linear(2, 2), "update_output", {"$": "module", "id": 99,
                                            "class": "minitorch_l2.nn:Tanh",
                                            "attributes": {"train": True}}),
        (nn.Linear(2, 2), "forward", 1),
        (nn.Linear(2, 2), "gradWeight", 1.0),  # a Lua alias: a property
        (nn.Tanh(), "__class__", "x"),
        (nn.BatchNormalization(2), "n_dim", 4),  # class constants of built-in classes
        (nn.SpatialReflectionPadding(1, 1), "rule", "replicate"),
        (nn.Linear(2, 2), "parameter_names", []),
    ],
)  # fmt: skip
def test_a_file_cannot_set_what_the_class_defines(module, attribute, node):
    def add(architecture: dict) -> None:
        architecture["value"]["attributes"][attribute] = node

    refused(with_architecture(npz_bytes(module), add), f"nn.{type(module).__name__}", attribute)


class _Scaled(nn.Module):
    """A user's module whose class holds a default an instance overrides."""

    factor = 1.0

    def __init__(self, factor: float) -> None:
        super().__init__()
        self.factor = factor

    def update_output(self, input: np.ndarray) -> np.ndarray:
        self.output = input * self.factor
        return self.output


def test_class_defaults_an_instance_overrides_still_load():
    relu = nn.ReLU(True)  # inplace: a default annotated on the class
    assert minitorch_l2.load(io.BytesIO(npz_bytes(relu))).inplace is True
    assert minitorch_l2.load(io.BytesIO(npz_bytes(nn.Tanh().evaluate()))).train is False
    assert minitorch_l2.load(io.BytesIO(npz_bytes(_Scaled(3.0)))).factor == 3.0


@pytest.mark.parametrize("cls", [nn.MultiCriterion, nn.ParallelCriterion])
def test_a_criterion_holding_itself_is_refused(cls):
    """A cycle through criterions would recurse at every forward until RecursionError."""

    def cycle(architecture: dict) -> None:
        root = architecture["value"]
        inner = root["attributes"]["criterions"][0]  # the inner one holds the outer again
        inner["attributes"]["criterions"].append({"$": "module_ref", "id": root["id"]})
        inner["attributes"]["weights"].append(1.0)

    outer = cls().add(nn.MultiCriterion().add(nn.MSECriterion()))
    refused(with_architecture(npz_bytes(outer), cycle), f"nn.{cls.__name__}", "itself")
    inner = nn.MultiCriterion()
    outer = cls().add(inner)
    with pytest.raises(ValueError, match="itself"):
        inner.add(outer)
    assert inner.criterions == [] and inner.weights == []
    shared = nn.MSECriterion()  # the same criterion twice is no cycle
    assert nn.MultiCriterion().add(shared).add(shared).forward(np.ones(2), np.zeros(2)) == 2.0
