"""minitorch_l2.save / load: round trips, bit-identical outputs, and refusal of foreign files."""

from __future__ import annotations

import io
import json
import math
import os
import pickle
import sys
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minitorch_l2
from minitorch_l2 import nn

from .strategies import arrays, float_dtypes

# ---------------------------------------------------------------------- helpers and test modules

UNPICKLED: list[str] = []


def record_unpickling(tag: str) -> str:
    """What a malicious pickle in these tests calls when (if) it is unpickled."""
    UNPICKLED.append(tag)
    return tag


class Bait:
    """Unpickling this calls record_unpickling: proof of whether pickled code ran."""

    def __reduce__(self):
        return record_unpickling, ("bait unpickled",)


class PermutedScale(nn.Module):
    """A user-defined layer: y = x[..., permutation] · weight / temperature (element-wise)."""

    parameter_names = (("weight", "grad_weight"),)
    init_calls = 0

    def __init__(self, size: int, temperature: float) -> None:
        super().__init__()
        PermutedScale.init_calls += 1
        self.temperature = temperature
        self.permutation = np.arange(size)[::-1].copy()
        self.weight = minitorch_l2.generator().uniform(0.5, 1.5, size)
        self.grad_weight = np.zeros(size)
        self.mask = np.ones(size, dtype=bool)
        self.eps = np.float32(1e-6)
        self.bounds = (-math.inf, math.inf)
        self.missing = math.nan
        self.config = {"mode": "reverse", 3: [1, 2.5, None], (1, 2): True}
        self.work_dtype = np.dtype(np.float32)
        self.scalar_type = np.float16
        self.name = "perm"

    def update_output(self, input: np.ndarray) -> np.ndarray:
        self.output = input[..., self.permutation] * self.weight / self.temperature
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        self.grad_input = np.empty_like(input)
        self.grad_input[..., self.permutation] = grad_output * self.weight / self.temperature
        return self.grad_input


class Holder(nn.Module):
    """A parameter-free module whose attributes the tests fill in."""


class Slotted(nn.Module):
    """State in __slots__ is outside __dict__: save must refuse rather than drop it."""

    __slots__ = ("alpha",)


def rewrite(path: Path, **changes: np.ndarray | None) -> None:
    """Rewrite the archive at ``path`` with entries replaced (or removed when None)."""
    with np.load(path, allow_pickle=False) as archive:
        entries = {name: archive[name] for name in archive.files}
    for name, value in changes.items():
        if value is None:
            entries.pop(name)
        else:
            entries[name] = value
    with open(path, "wb") as file:
        np.savez(file, **entries)


def architecture_of(path: Path) -> dict:
    with np.load(path, allow_pickle=False) as archive:
        return json.loads(str(archive["architecture"][()]))


def with_architecture(path: Path, architecture: object) -> None:
    rewrite(path, architecture=np.array(json.dumps(architecture)))


def round_trip(module: nn.Module, path: Path) -> nn.Module:
    minitorch_l2.save(path, module)
    return minitorch_l2.load(path)


def assert_bits_equal(a: np.ndarray, b: np.ndarray) -> None:
    assert a.dtype == b.dtype and a.shape == b.shape
    assert a.tobytes() == b.tobytes()


def mlp(*sizes: int, bias: bool = True) -> nn.Sequential:
    net = nn.Sequential()
    for i in range(len(sizes) - 1):
        if i:
            net.add(nn.Tanh())
        net.add(nn.Linear(sizes[i], sizes[i + 1], bias=bias))
    return net


X = np.random.default_rng(7).normal(size=(6, 4))

# ---------------------------------------------------------------------- round trips


@pytest.mark.parametrize("bias", [True, False])
def test_linear_round_trip_is_exact(tmp_path, bias):
    lin = nn.Linear(4, 3, bias=bias)
    lin.forward(X)
    lin.backward(X, np.ones((6, 3)))  # accumulated gradients are state too
    expected = X @ lin.weight.T + (lin.bias if bias else 0)

    loaded = round_trip(lin, tmp_path / "linear.npz")

    assert type(loaded) is nn.Linear and repr(loaded) == repr(lin)
    assert (loaded.input_size, loaded.output_size) == (4, 3)
    for name in ("weight", "grad_weight"):
        assert_bits_equal(getattr(loaded, name), getattr(lin, name))
        assert not np.shares_memory(getattr(loaded, name), getattr(lin, name))
    if bias:
        assert_bits_equal(loaded.bias, lin.bias)
        assert_bits_equal(loaded.grad_bias, lin.grad_bias)
    else:
        assert loaded.bias is None and loaded.grad_bias is None
    assert loaded.output is None and loaded.grad_input is None
    assert "_buffers" not in vars(loaded)
    np.testing.assert_allclose(loaded.forward(X), expected, rtol=1e-14)
    assert_bits_equal(loaded.forward(X), lin.forward(X))


def test_nested_sequential_round_trip(tmp_path):
    net = nn.Sequential(nn.Linear(4, 5), nn.Tanh(), nn.Sequential(nn.Linear(5, 3), nn.Tanh()))
    net.get(2).evaluate()
    loaded = round_trip(net, tmp_path / "nested.npz")

    assert repr(loaded) == repr(net)
    assert [type(m) for m in loaded.list_modules()] == [type(m) for m in net.list_modules()]
    assert [m.train for m in loaded.list_modules()] == [True, True, True, False, False, False]
    for (name, p, g), (name2, p2, g2) in zip(net.named_parameters(), loaded.named_parameters()):
        assert name == name2
        assert_bits_equal(p2, p)
        assert_bits_equal(g2, g)
    assert_bits_equal(loaded.forward(X), net.forward(X))
    assert_bits_equal(loaded.backward(X, np.ones((6, 3))), net.backward(X, np.ones((6, 3))))


def test_tanh_round_trip(tmp_path):
    loaded = round_trip(nn.Tanh(), tmp_path / "tanh.npz")
    assert type(loaded) is nn.Tanh and loaded.train is True
    np.testing.assert_array_equal(loaded.forward(X), np.tanh(X))


def test_user_defined_module_round_trips_every_kind_of_attribute(tmp_path):
    layer = PermutedScale(4, temperature=2.5)
    weight = layer.weight.copy()
    calls_before = PermutedScale.init_calls
    rng_state = minitorch_l2.generator().bit_generator.state

    loaded = round_trip(layer, tmp_path / "user.npz")

    # Rebuilt without __init__: no re-initialisation, no draw from the generator.
    assert PermutedScale.init_calls == calls_before
    assert minitorch_l2.generator().bit_generator.state == rng_state
    assert type(loaded) is PermutedScale
    assert type(loaded.temperature) is float and loaded.temperature == 2.5
    assert loaded.permutation.dtype == np.int64
    np.testing.assert_array_equal(loaded.permutation, [3, 2, 1, 0])
    assert loaded.mask.dtype == np.bool_ and loaded.mask.all()
    assert type(loaded.eps) is np.float32 and loaded.eps == np.float32(1e-6)
    assert loaded.bounds == (-math.inf, math.inf) and type(loaded.bounds) is tuple
    assert type(loaded.missing) is float and math.isnan(loaded.missing)
    assert loaded.config == {"mode": "reverse", 3: [1, 2.5, None], (1, 2): True}
    assert loaded.work_dtype == np.dtype(np.float32)
    assert loaded.scalar_type is np.float16
    assert loaded.name == "perm" and loaded.train is True
    expected = X[:, ::-1] * weight / 2.5
    np.testing.assert_allclose(loaded.forward(X), expected, rtol=1e-15)
    assert_bits_equal(loaded.forward(X), layer.forward(X))


def test_architecture_is_strict_json_even_with_inf_and_nan(tmp_path):
    minitorch_l2.save(tmp_path / "user.npz", PermutedScale(3, temperature=math.inf))

    def refuse(name):
        raise AssertionError(f"non-standard JSON constant {name}")

    with np.load(tmp_path / "user.npz", allow_pickle=False) as archive:
        text = str(archive["architecture"][()])
    architecture = json.loads(text, parse_constant=refuse)
    assert architecture["format"] == "minitorch_l2.module"
    assert architecture["format_version"] == 2
    assert architecture["value"]["class"] == f"{__name__}:PermutedScale"
    assert minitorch_l2.load(tmp_path / "user.npz").temperature == math.inf


def test_float32_model_round_trip(tmp_path):
    net = mlp(4, 5, 2).float()
    x = X.astype(np.float32)
    loaded = round_trip(net, tmp_path / "f32.npz")
    assert all(p.dtype == np.float32 for p in loaded.parameters()[0] + loaded.parameters()[1])
    assert_bits_equal(loaded.forward(x), net.forward(x))


def test_model_after_get_parameters_round_trips(tmp_path):
    net = mlp(4, 5, 3)
    flat, flat_grads = net.get_parameters()
    flat += 0.25  # moves every parameter through the views
    loaded = round_trip(net, tmp_path / "views.npz")

    assert "_flat" not in vars(loaded)
    loaded_flat, loaded_grads = loaded.get_parameters()
    assert_bits_equal(loaded_flat, flat)
    assert not np.shares_memory(loaded_flat, flat)
    assert np.shares_memory(loaded.get(0).weight, loaded_flat)
    assert_bits_equal(loaded.forward(X), net.forward(X))


def test_training_continues_identically_after_load(tmp_path):
    target = np.random.default_rng(3).normal(size=(6, 2))
    net = mlp(4, 8, 2)
    loaded = round_trip(net, tmp_path / "train.npz")
    losses = {}
    for name, model in (("saved", net), ("loaded", loaded)):
        flat, grads = model.get_parameters()
        losses[name] = []
        for _ in range(20):
            model.zero_grad_parameters()
            y = model.forward(X)
            losses[name].append(float(np.mean((y - target) ** 2)))
            model.backward(X, 2 * (y - target) / y.size)  # ∂/∂y of the mean squared error
            flat -= 0.1 * grads
    assert losses["loaded"] == losses["saved"]
    assert losses["loaded"][-1] < losses["loaded"][0]
    assert_bits_equal(loaded.get_parameters()[0], net.get_parameters()[0])


def test_shared_modules_arrays_and_cycles_stay_shared(tmp_path):
    lin = nn.Linear(4, 4)
    holder = Holder()
    holder.child = PermutedScale(2, 1.0)
    holder.child.parent = holder
    holder.child.alias = holder.child.weight
    net = nn.Sequential(
        lin, nn.Tanh(), lin.clone("weight", "bias", "grad_weight", "grad_bias"), holder
    )
    loaded = round_trip(net, tmp_path / "shared.npz")
    assert loaded.get(0) is not loaded.get(2)
    assert loaded.get(0).weight is loaded.get(2).weight
    assert loaded.get(0).grad_bias is loaded.get(2).grad_bias
    assert loaded.get(3).child.parent is loaded.get(3)
    assert loaded.get(3).child.alias is loaded.get(3).child.weight


@pytest.mark.parametrize("as_path", [str, Path])
def test_path_as_str_or_pathlib_is_used_as_given(tmp_path, as_path):
    path = as_path(tmp_path / "model.weights")  # no .npz appended
    minitorch_l2.save(path, nn.Linear(2, 2))
    assert os.listdir(tmp_path) == ["model.weights"]
    assert type(minitorch_l2.load(path)) is nn.Linear


@settings(max_examples=25, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 5), min_size=2, max_size=4),
    bias=st.booleans(),
    dtype=float_dtypes(),
    n=st.integers(1, 4),
    data=st.data(),
)
def test_random_mlps_round_trip_bit_identically(tmp_path_factory, sizes, bias, dtype, n, data):
    net = mlp(*sizes, bias=bias).type(dtype)
    x = data.draw(arrays((n, sizes[0]), dtype))
    path = tmp_path_factory.mktemp("mlp") / "mlp.npz"
    loaded = round_trip(net, path)
    assert repr(loaded) == repr(net)
    for p, p2 in zip(net.parameters()[0], loaded.parameters()[0]):
        assert_bits_equal(p2, p)
    assert_bits_equal(loaded.forward(x), net.forward(x))


# ---------------------------------------------------------------------- refused at save time


@pytest.mark.parametrize(
    "value, what",
    [
        (lambda x: x, "function"),
        (object(), "builtins.object"),
        ({1, 2}, "builtins.set"),
        (np.array([None, 1], dtype=object), "object dtype"),
        ([1, print], "builtin_function_or_method"),
    ],
)
def test_save_refuses_attributes_that_are_not_data(tmp_path, value, what):
    holder = Holder()
    holder.hook = value
    net = nn.Sequential(nn.Linear(2, 2), holder)
    with pytest.raises(ValueError, match=r"attribute 'hook' of nn\.Holder") as error:
        minitorch_l2.save(tmp_path / "bad.npz", net)
    assert what in str(error.value) and "model.modules[1].hook" in str(error.value)
    assert not (tmp_path / "bad.npz").exists()


def test_save_refuses_a_list_that_contains_itself(tmp_path):
    holder = Holder()
    holder.loop = [1]
    holder.loop.append(holder.loop)
    with pytest.raises(ValueError, match=r"'loop' of nn\.Holder .*contains itself"):
        minitorch_l2.save(tmp_path / "loop.npz", holder)


def test_save_refuses_state_in_slots(tmp_path):
    slotted = Slotted()
    slotted.alpha = 0.5
    with pytest.raises(ValueError, match=r"nn\.Slotted .*\['alpha'\] in __slots__"):
        minitorch_l2.save(tmp_path / "slots.npz", slotted)


def test_save_refuses_a_class_defined_inside_a_function(tmp_path):
    class Local(nn.Module):
        pass

    with pytest.raises(ValueError, match="inside a function"):
        minitorch_l2.save(tmp_path / "local.npz", Local())


def test_plain_data_round_trips(tmp_path):
    value = {"weights": np.ones(3), "step": 7, "names": ["a", "b"], (1, 2): None, b"raw": 1.5}
    loaded = round_trip(value, tmp_path / "data.npz")
    assert loaded.keys() == value.keys() and loaded["step"] == 7 and loaded[b"raw"] == 1.5
    assert_bits_equal(loaded["weights"], value["weights"])


def test_files_of_format_version_1_still_load(tmp_path):
    # A version-1 file held one module, its classes recorded by the file defining them; the
    # layout of the package has changed since (nn/linear.py is now nn/simple/linear.py).
    path = tmp_path / "v1.npz"
    minitorch_l2.save(path, nn.Sequential(nn.Linear(2, 3), nn.Tanh()))
    architecture = architecture_of(path)
    root = architecture.pop("value")
    root["class"] = "minitorch_l2.nn.sequential:Sequential"
    root["attributes"]["modules"][0]["class"] = "minitorch_l2.nn.simple.linear:Linear"
    root["attributes"]["modules"][1]["class"] = "minitorch_l2.nn.tanh:Tanh"
    with_architecture(path, {**architecture, "format_version": 1, "module": root})
    loaded = minitorch_l2.load(path)
    assert [type(m) for m in loaded.list_modules()] == [nn.Sequential, nn.Linear, nn.Tanh]


def test_built_in_classes_are_recorded_by_their_public_name(tmp_path):
    minitorch_l2.save(tmp_path / "net.npz", nn.Sequential(nn.Linear(2, 2)))
    root = architecture_of(tmp_path / "net.npz")["value"]
    assert root["class"] == "minitorch_l2.nn:Sequential"
    assert root["attributes"]["modules"][0]["class"] == "minitorch_l2.nn:Linear"


# ---------------------------------------------------------------------- refused at load time


@pytest.fixture
def saved(tmp_path) -> Path:
    path = tmp_path / "model.npz"
    minitorch_l2.save(path, mlp(4, 3, 2))
    return path


def refused(path: Path, match: str) -> None:
    with pytest.raises(ValueError, match=match) as error:
        minitorch_l2.load(path)
    assert str(path) in str(error.value)


def test_an_object_array_is_refused_and_never_unpickled(tmp_path, saved):
    UNPICKLED.clear()
    path = tmp_path / "pickled.npz"
    with open(path, "wb") as file:
        np.savez(file, allow_pickle=True, architecture=np.array([Bait()], dtype=object))
    rewrite(saved, payload=np.array([Bait()], dtype=object))  # a real model plus a bait
    for bad in (path, saved):
        refused(bad, "pickled object array; refused")
    assert UNPICKLED == []
    # The bait is real: numpy with pickle allowed would have run it.
    with np.load(path, allow_pickle=True) as archive:
        archive["architecture"]
    assert UNPICKLED == ["bait unpickled"]
    UNPICKLED.clear()


def test_a_pickle_file_is_refused_and_never_unpickled(tmp_path):
    UNPICKLED.clear()
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps(Bait()))
    refused(path, "not an .npz archive")
    assert UNPICKLED == []


@pytest.mark.parametrize(
    "content, match",
    [
        (b"", "not an .npz archive"),
        (b"hello, not a model\n", "not an .npz archive"),
        (b"PK\x03\x04 truncated zip", "not an .npz archive"),
    ],
)
def test_files_that_are_not_npz_are_refused(tmp_path, content, match):
    path = tmp_path / "junk.npz"
    path.write_bytes(content)
    refused(path, match)


def test_a_single_npy_array_is_refused(tmp_path):
    path = tmp_path / "array.npy"
    np.save(path, np.ones(3))
    refused(path, "single .npy array")


def test_a_plain_npz_of_arrays_is_refused(tmp_path):
    path = tmp_path / "plain.npz"
    np.savez(path, weight=np.ones((2, 2)), bias=np.zeros(2))
    refused(path, "no 'architecture' entry")


@pytest.mark.parametrize(
    "entry, match",
    [
        (np.array('{"format": "minitorch_l2.module", "format_ver'), "not valid JSON"),
        (np.array("[1, NaN]"), "non-standard constant NaN"),
        (np.array(3.0), "not a JSON string"),
        (np.array(["{}", "{}"]), "not a JSON string"),
        (np.array('{"id": ' + "1" * 5000 + "}"), "not valid JSON .*4300 digits"),  # Python's
    ],
)
def test_a_garbled_architecture_is_refused(saved, entry, match):
    rewrite(saved, architecture=entry)
    refused(saved, match)


@pytest.mark.parametrize(
    "key, value, match",
    [
        ("format_version", 3, "format version 3 is not supported"),
        ("format_version", "1", "format version '1' is not supported"),
        ("format_version", True, "format version True is not supported"),
        ("format", "other.tool", "does not say format 'minitorch_l2.module'"),
        ("value", {"$": "eval"}, "unknown entry"),
    ],
)
def test_a_wrong_header_is_refused(saved, key, value, match):
    architecture = architecture_of(saved)
    architecture[key] = value
    with_architecture(saved, architecture)
    refused(saved, match)


@pytest.mark.parametrize(
    "record, match",
    [
        ("os:system", "is a function, not an nn.Module subclass"),
        ("json:JSONDecoder", "type, not an nn.Module subclass"),
        ("builtins:eval", "not an nn.Module subclass"),
        ("minitorch_l2.nn.simple.linear:np", "module, not an nn.Module subclass"),
        ("some.unimported.module:Thing", "'some.unimported.module' is not imported"),
        ("minitorch_l2.nn.simple.linear:Nothing", "not found in module"),
        (f"{__name__}:test_tanh_round_trip.<locals>.X", "not found in module"),
        ("Linear", "not of the form 'module:qualname'"),
    ],
)
def test_a_class_that_is_not_an_imported_module_class_is_refused(saved, monkeypatch, record, match):
    calls = []
    monkeypatch.setattr(os, "system", lambda *args: calls.append(args))
    architecture = architecture_of(saved)
    architecture["value"]["attributes"]["modules"][1]["class"] = record
    with_architecture(saved, architecture)
    minitorch_l2.load(_warm_copy(saved))
    modules_before = set(sys.modules)
    refused(saved, match)
    assert set(sys.modules) == modules_before
    assert "some" not in sys.modules and calls == []


def _warm_copy(saved: Path) -> Path:
    # One successful load first, so modules numpy imports lazily are not counted as ours.
    path = saved.with_name("warm.npz")
    minitorch_l2.save(path, nn.Linear(1, 1))
    return path


def test_an_importable_but_unimported_module_is_not_imported(tmp_path, saved, monkeypatch):
    marker = tmp_path / "imported.txt"
    (tmp_path / "serialization_trap.py").write_text(
        "from pathlib import Path\n"
        f"Path({str(marker)!r}).write_text('imported')\n"
        "from minitorch_l2 import nn\n"
        "class Trap(nn.Module):\n"
        "    pass\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    architecture = architecture_of(saved)
    architecture["value"]["class"] = "serialization_trap:Trap"
    with_architecture(saved, architecture)
    refused(saved, "'serialization_trap' is not imported")
    assert "serialization_trap" not in sys.modules and not marker.exists()


def test_missing_and_mismatched_arrays_are_refused(saved):
    rewrite(saved, array_0=None)
    refused(saved, "array 'array_0' .* is missing")
    rewrite(saved, array_0=np.ones((3, 4), dtype=np.float32))
    refused(saved, "has dtype <f4, expected <f8")
    rewrite(saved, array_0=np.ones((4, 3)))
    refused(saved, r"has shape \(4, 3\), expected \[3, 4\]")


def test_extra_arrays_are_refused(saved):
    rewrite(saved, stowaway=np.ones(2))
    refused(saved, r"arrays \['stowaway'\] are not described")


@pytest.mark.parametrize(
    "node, match",
    [
        ({"$": "eval", "code": "1"}, "unknown entry"),
        ({"no": "tag"}, "unknown entry"),
        ({"$": "float", "value": "1e5"}, "not one of inf, -inf, nan"),
        ({"$": "module_ref", "id": 99}, "unknown module id 99"),
        ({"$": "dtype", "dtype": "not-a-dtype"}, "not a numpy dtype"),
        ({"$": "dict", "items": [[[1, 2], 3]]}, "not hashable"),
        ({"$": "ndarray", "key": "array_0"}, "lacks a valid 'dtype' field"),
        ({"$": "module", "id": 0, "class": "x:Y", "attributes": {}}, "id 0 is defined twice"),
        ({"$": "module", "id": 50, "class": "x:Y", "attributes": {}}, "not imported"),
    ],
)
def test_malformed_attribute_entries_are_refused(saved, node, match):
    architecture = architecture_of(saved)
    architecture["value"]["attributes"]["extra"] = node
    with_architecture(saved, architecture)
    refused(saved, match)


def test_deeply_nested_architecture_is_refused(saved):
    architecture = architecture_of(saved)
    architecture["value"]["attributes"]["deep"] = "DEEP"
    text = json.dumps(architecture).replace('"DEEP"', "[" * 100_000 + "]" * 100_000)
    rewrite(saved, architecture=np.array(text))
    refused(saved, "nested too deeply")


def test_per_call_state_is_not_saved_and_comes_back_as_none(tmp_path):
    # L2Normalize remembers which rows its forward rescaled (a zero row is one); that is state
    # for the next backward, not part of the model, so save skips it and load resets it.
    model = nn.Sequential(nn.Linear(2, 2), nn.L2Normalize())
    x = np.array([[0.0, 0.0], [1.0, 2.0]])
    model.get(0).bias[...] = 0.0
    expected = model.forward(x).copy()
    assert model.get(1)._outside.tolist() == [0]
    path = tmp_path / "model.npz"
    minitorch_l2.save(path, model)
    loaded = minitorch_l2.load(path)
    assert loaded.get(1)._outside is None
    np.testing.assert_array_equal(loaded.forward(x), expected)
    model.clear_state()
    assert model.get(1)._outside is None


# ---------------------------------------------------------------------- damaged files
#
# The contract (docs/serialization.md, "Damaged files"): a damaged file either raises a ValueError
# naming load and the file, or — when the damage hit bytes that load never reads (a timestamp, a
# padding field) — loads a model identical to the one saved. Never another exception, never a
# silently different model.


def deflated(data: bytes) -> bytes:
    """The same archive with every member deflate-compressed (as np.savez_compressed writes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                target.writestr(info.filename, source.read(info))
    return out.getvalue()


def load_bytes(path: Path, data: bytes) -> nn.Module:
    path.write_bytes(data)
    return minitorch_l2.load(path)


def assert_same_model(loaded: nn.Module, original: nn.Module) -> None:
    assert type(loaded) is type(original) and repr(loaded) == repr(original)
    named = list(zip(loaded.named_parameters(), original.named_parameters(), strict=True))
    for (name, param, grad), (expected_name, expected_param, expected_grad) in named:
        assert name == expected_name
        assert_bits_equal(param, expected_param)
        assert_bits_equal(grad, expected_grad)
    assert_bits_equal(loaded.forward(X), original.forward(X))


@pytest.fixture(scope="module")
def small_model(tmp_path_factory) -> tuple[nn.Module, bytes]:
    """A saved MLP and the bytes of its file."""
    minitorch_l2.manual_seed(5)
    model = mlp(4, 3, 2)
    path = tmp_path_factory.mktemp("small") / "model.npz"
    minitorch_l2.save(path, model)
    return model, path.read_bytes()


@pytest.mark.parametrize("compress", [False, True], ids=["stored", "deflated"])
def test_a_truncated_file_is_always_a_value_error(tmp_path, small_model, compress):
    model, data = small_model
    data = deflated(data) if compress else data
    path = tmp_path / "cut.npz"
    assert_same_model(load_bytes(path, data), model)  # the intact file loads
    # Every cut in the last 200 bytes (the central directory), every 5th one before.
    cuts = sorted({*range(0, len(data), 5), *range(max(0, len(data) - 200), len(data))})
    for cut in cuts:
        with pytest.raises(ValueError, match="minitorch_l2.load: cannot load") as error:
            load_bytes(path, data[:cut])
        assert str(path) in str(error.value)


@pytest.mark.parametrize("compress", [False, True], ids=["stored", "deflated"])
def test_a_changed_byte_is_a_value_error_or_changes_nothing(tmp_path, small_model, compress):
    model, data = small_model
    data = deflated(data) if compress else data
    path = tmp_path / "flipped.npz"
    outcomes = {"refused": 0, "identical": 0}
    for position in range(0, len(data), 2 if compress else 3):
        damaged = bytearray(data)
        damaged[position] ^= 0xFF
        try:
            loaded = load_bytes(path, bytes(damaged))
        except ValueError as error:
            assert "minitorch_l2.load: cannot load" in str(error), position
            outcomes["refused"] += 1
        else:
            assert_same_model(loaded, model)
            outcomes["identical"] += 1
    # Both outcomes occur: most bytes matter, a few (timestamps, padding) are never read.
    assert outcomes["refused"] > outcomes["identical"] > 0, outcomes


def test_a_changed_byte_in_a_stored_array_fails_the_crc_check(tmp_path, small_model):
    model, data = small_model
    weight = model.get(0).weight
    position = data.find(weight.tobytes())  # the raw float64 bytes of the first weight
    assert position > 0
    damaged = bytearray(data)
    damaged[position + 3] ^= 0x01  # one bit of the first weight: still a plausible float
    with pytest.raises(ValueError, match="Bad CRC-32 for file 'array_0.npy'"):
        load_bytes(tmp_path / "bit.npz", bytes(damaged))


def with_member(data: bytes, name: str, content: bytes) -> bytes:
    """The archive with member ``name``'s content replaced (its CRC updated to match)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, content if info.filename == name else source.read(info))
    return out.getvalue()


def npy_with_header(header: str, payload: bytes = b"") -> bytes:
    """A version 1.0 .npy member with a literal header text (padded as numpy pads it)."""
    header += " " * (-(10 + len(header) + 1) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode() + payload


@pytest.mark.parametrize(
    "header, payload, match",
    [
        # numpy's header parser raises tokenize.TokenError on this one
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (}", b"", "TokenError"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': [3,]}", bytes(24), "ValueError"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }", bytes(8), "declares"),
        # an array that would not fit in memory: refused before numpy allocates it
        (
            "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000000,), }",
            b"",
            "max_bytes",
        ),
    ],
    ids=["unclosed-shape", "shape-not-a-tuple", "too-few-bytes", "8-petabytes"],
)
def test_a_garbled_npy_header_is_a_value_error(tmp_path, small_model, header, payload, match):
    _, data = small_model
    damaged = with_member(data, "array_0.npy", npy_with_header(header, payload))
    with pytest.raises(ValueError, match=f"cannot load .*{match}"):
        load_bytes(tmp_path / "header.npz", damaged)


def test_an_unknown_compression_method_is_a_value_error(tmp_path, small_model):
    _, data = small_model
    damaged = bytearray(data)
    directory = damaged.find(b"PK\x01\x02")  # the first central-directory record
    damaged[directory + 10 : directory + 12] = (99).to_bytes(2, "little")  # AES, unsupported
    with pytest.raises(ValueError, match="cannot load .*NotImplementedError"):
        load_bytes(tmp_path / "aes.npz", bytes(damaged))


def test_a_text_file_is_not_a_zip_and_the_message_never_mentions_pickle(tmp_path):
    with pytest.raises(ValueError, match="not an .npz archive") as error:
        load_bytes(tmp_path / "hello.npz", b"hello world")
    assert "pickle" not in str(error.value)
    assert "an .npz is a zip file" in str(error.value)


def with_extra_member(data: bytes, name: str, content: bytes) -> bytes:
    """The archive with one more member appended (zipfile warns when the name is taken)."""
    out = io.BytesIO(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Duplicate name": that is the point
        with zipfile.ZipFile(out, "a") as target:
            target.writestr(name, content)
    return out.getvalue()


def test_a_member_that_is_not_npy_and_a_duplicate_entry_are_refused(tmp_path, small_model):
    _, data = small_model
    with pytest.raises(ValueError, match="member 'notes.txt' is not an .npy array"):
        load_bytes(tmp_path / "notes.npz", with_extra_member(data, "notes.txt", b"hello"))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        weight = archive.read("array_0.npy")
    with pytest.raises(ValueError, match="entry 'array_0' appears twice"):
        load_bytes(tmp_path / "twice.npz", with_extra_member(data, "array_0.npy", weight))


def test_memory_error_is_not_swallowed(tmp_path, small_model, monkeypatch):
    def out_of_memory(*args, **kwargs):
        raise MemoryError("simulated")

    monkeypatch.setattr(zipfile.ZipExtFile, "read", out_of_memory)
    with pytest.raises(MemoryError, match="simulated"):
        load_bytes(tmp_path / "model.npz", small_model[1])
