"""Reading Torch 7 files: every type tag, every tensor type, every layout, Lua's corner cases.

The corner files in ``../shared/lua-reference/torchfile-tests/`` were written by real Lua Torch
(their README says what each holds). The other layouts (4-byte longs, big-endian, ASCII, old
class versions, the two older function tags) are assembled byte by byte here from torch7's
``File.lua``/``THDiskFile.c`` — the assembler is first checked against a Lua-written file.
"""

from __future__ import annotations

import io
import math

import numpy as np
import pytest

import minitorch_l2
from minitorch_l2 import nn
from minitorch_l2.serialization import LuaFunction, LuaKey, TorchObject
from minitorch_l2.serialization.t7 import write_t7

from .lua_reference import REFERENCE
from .t7_assembler import Assembler

CORNERS = REFERENCE / "torchfile-tests"


def corner(name: str, **options: object) -> object:
    if not CORNERS.is_dir():
        pytest.skip(f"Lua Torch 7 corner-case files not found at {CORNERS}")
    return minitorch_l2.load(CORNERS / name, **options)


def load_bytes(data: bytes, **options: object) -> object:
    return minitorch_l2.load(io.BytesIO(data), **options)


# ---------------------------------------------------------------------- Lua's corner files


def test_tensors_come_back_as_arrays_of_their_type_and_strides():
    double = corner("doubletensor.t7")
    assert double.dtype == np.float64 and double.strides == (24, 8)
    np.testing.assert_array_equal(double, [[1, 2, 3], [4, 5, 6.9]])
    floats = corner("floattensor.t7")
    assert floats.dtype == np.float32 and floats.shape == (2, 3, 4)
    assert floats.strides == (48, 16, 4) and abs(float(floats.sum()) - 12.9724) < 1e-4


def test_tables_are_lists_when_keyed_1_to_n_and_dicts_otherwise():
    assert corner("hello=123.t7") == {"hello": 123}
    assert corner("list_table.t7") == ["hello", "world", "third item", 123]
    assert corner("map_table1.t7") == {0: "zero", 1: "hello", 2: "world", 3: "third item", 4: 123}
    keyed = corner("map_table2.t7")
    assert keyed == {1: "hello", 2: "world", 3: "third item", 4: 123, "a": "non number key"}
    assert type(corner("hello=123.t7")["hello"]) is int  # a whole Lua number is an int


def test_tds_hash_and_vec_are_a_dict_and_a_list():
    assert corner("tds_hash.t7") == {1: 2, 2: 3, 10: 11}
    assert corner("tds_vec.t7") == [123, 456]


def test_a_function_is_kept_as_bytecode_and_never_run():
    function = corner("function.t7")
    assert isinstance(function, LuaFunction)
    assert len(function.bytecode) == 218 and function.bytecode.startswith(b"\x1bLJ")
    assert function.upvalues == []
    with_upvalues = corner("function_upvals.t7")
    assert with_upvalues.upvalues == [{"name": "asdf", "value": 123}]


def test_an_unknown_class_is_an_error_naming_it_or_a_kept_object():
    with pytest.raises(ValueError, match=r"custom_class\.t7.*Lua classes .* implement: Blah \(at"):
        corner("custom_class.t7")
    kept = corner("custom_class.t7", unknown_classes="keep")
    assert isinstance(kept, TorchObject) and kept.torch_class == "Blah"
    assert kept.fields == {} and kept.version == 1


def test_every_unknown_class_of_a_file_is_named_at_once():
    value = {
        "a": TorchObject("cudnn.SpatialConvolution", {"kW": 3}),
        "b": [TorchObject("rnn.LSTM", {}), TorchObject("rnn.LSTM", {}), nn.Linear(2, 2)],
    }
    with pytest.raises(ValueError) as error:
        minitorch_l2.load(io.BytesIO(write_t7(value)))
    message = str(error.value)
    assert "cudnn.SpatialConvolution (at byte" in message
    assert "rnn.LSTM (2×, the first at byte" in message
    assert "nn.Linear" not in message  # one we map
    kept = minitorch_l2.load(io.BytesIO(write_t7(value)), unknown_classes="keep")
    assert kept["a"]["kW"] == 3 and type(kept["b"][2]) is nn.Linear


def test_a_torchfile_gmodule_loads_as_our_gmodule():
    graph = corner("gmodule_with_linear_identity.t7")  # Lua: c = Linear(1, 2)(a); CAdd{b, c}
    assert type(graph) is nn.gModule and graph.n_inputs == 2
    assert [type(m) for m in graph.modules] == [nn.Identity, nn.Identity, nn.Linear, nn.CAddTable]
    a, b = np.array([[0.5]]), np.array([[1.0, 2.0]])
    linear = graph.modules[2]
    expected = b + a @ linear.weight.T + linear.bias
    np.testing.assert_allclose(graph.forward([a, b]), expected, rtol=1e-15)


def test_an_object_and_a_table_that_hold_themselves():
    node = corner("recursive_class.t7", unknown_classes="keep")
    assert node.torch_class == "A" and node["a"] is node
    table = corner("recursive_kv_table.t7")
    ((key, value),) = table.items()
    assert isinstance(key, LuaKey) and key.value is table and value is table


def test_nngraph_node_fields():
    node = corner("nngraph_node.t7", unknown_classes="keep")
    assert node.torch_class == "nngraph.Node"
    assert node["data"]["annotations"]["hello"] == 123
    assert node["children"] == [] and node["visited"] is False


# ---------------------------------------------------------------------- layouts, by hand


VALUES = [1.0, 2.0, 3.0, 4.0, 5.0, 6.9]


def test_the_assembler_writes_what_lua_wrote():
    if not CORNERS.is_dir():
        pytest.skip("no corner files")
    assert Assembler().double_tensor(VALUES) == (CORNERS / "doubletensor.t7").read_bytes()


@pytest.mark.parametrize(
    "layout",
    [
        Assembler("<", 8),
        Assembler("<", 4),
        Assembler(">", 8),
        Assembler(">", 4),
        Assembler(ascii=True),
    ],
    ids=["little-8", "little-4", "big-8", "big-4", "ascii"],
)
def test_every_layout_reads_the_same_tensor(layout):
    tensor = load_bytes(layout.double_tensor(VALUES))
    assert tensor.dtype == np.float64 and tensor.dtype.isnative
    np.testing.assert_array_equal(tensor, [[1, 2, 3], [4, 5, 6.9]])
    legacy = load_bytes(layout.double_tensor(VALUES, version=None))  # before class versions
    np.testing.assert_array_equal(legacy, tensor)


def test_the_three_function_tags_and_an_object_of_version_0():
    a = Assembler()
    upvalues = a.ints(3, 7, 0)  # an empty table, index 7
    plain = a.ints(6) + a.string(b"\x1bLJ code") + upvalues  # TYPE_FUNCTION: no index
    legacy = a.ints(7, 1) + a.string(b"\x1bLJ old") + upvalues
    for data, code in ((plain, b"\x1bLJ code"), (legacy, b"\x1bLJ old")):
        function = load_bytes(data)
        assert isinstance(function, LuaFunction) and function.bytecode == code
    old = a.torch(1, b"Blah", version=None) + a.ints(3, 2, 0)
    kept = load_bytes(old, unknown_classes="keep")
    assert kept.torch_class == "Blah" and kept.version == 0


def test_numbers_strings_booleans_and_nil():
    a = Assembler()
    number = lambda v: a.ints(1) + a.doubles(v)  # noqa: E731
    string = lambda s: a.ints(2) + a.string(s)  # noqa: E731
    pairs = [
        (number(3.0), 3, int),
        (number(-0.0), -0.0, float),
        (number(2.5), 2.5, float),
        (number(2.0**60), 2.0**60, float),  # a whole number past 2**53 stays a float
        (string("é".encode()), "é", str),
        (string(b"\xff\xfe"), b"\xff\xfe", bytes),  # not UTF-8: the bytes themselves
        (a.ints(5, 1), True, bool),
        (a.ints(0), None, type(None)),
    ]
    for data, expected, kind in pairs:
        value = load_bytes(data)
        assert type(value) is kind and (value == expected or value is expected)
    assert math.copysign(1, load_bytes(number(-0.0))) == -1
    assert math.isnan(load_bytes(number(math.nan)))


def test_an_integer_comes_back_as_the_int_it_was_or_is_refused():
    for value in (2**53, -(2**53), np.int64(7), 0):
        back = load_bytes(write_t7({"n": value}))["n"]
        assert type(back) is int and back == value
    # Past 2**53 load gives a float (even for 2**70, which a double holds exactly): refused.
    for value in (2**53 + 1, 2**70, -(2**60), np.int64(2**62)):
        with pytest.raises(ValueError, match=r"the value\['n'\] is the integer .* past 2\*\*53"):
            write_t7({"n": value})
    assert load_bytes(write_t7({"n": float(2**70)}))["n"] == 2.0**70


def test_keys_of_any_type():
    a = Assembler()
    table = a.ints(3, 1, 4)
    table += a.ints(1) + a.doubles(1.5) + a.ints(2) + a.string(b"x")  # [1.5] = 'x'
    table += a.ints(5, 1) + a.ints(1) + a.doubles(1)  # [true] = 1
    table += a.ints(3, 2, 0) + a.ints(1) + a.doubles(2)  # [{}] = 2
    table += a.ints(2) + a.string(b"s") + a.ints(0)  # [s] = nil
    value = load_bytes(table)
    assert value[1.5] == "x" and value[True] == 1 and value["s"] is None
    (key,) = [k for k in value if isinstance(k, LuaKey)]
    assert key.value == [] and value[key] == 2


def test_a_table_with_keys_true_and_1_is_refused():
    a = Assembler()
    table = a.ints(3, 1, 2) + a.ints(5, 1) + a.ints(1) + a.doubles(1)
    table += a.ints(1) + a.doubles(1) + a.ints(1) + a.doubles(2)
    with pytest.raises(ValueError, match="both the key True and the number 1"):
        load_bytes(table)


@pytest.mark.parametrize(
    "dtype",
    [np.float64, np.float32, np.float16, np.int64, np.int32, np.int16, np.int8, np.uint8],
)
@pytest.mark.parametrize(
    "layout",
    [{}, {"long_size": 4}, {"byteorder": ">"}, {"ascii": True}],
    ids=["little-8", "little-4", "big-8", "ascii"],
)
def test_every_tensor_type_in_every_layout(dtype, layout):
    floating = np.dtype(dtype).kind == "f"
    info = np.finfo(dtype) if floating else np.iinfo(dtype)
    bound = 2**31 - 1 if layout.get("long_size") == 4 else 2**62
    high, low = (float(info.max), float(info.min)) if floating else (info.max, info.min)
    high, low = min(high, bound), max(low, -bound)
    values = np.array([[0, 1, -1 if low < 0 else 2], [high, low, 3]], dtype=dtype)
    loaded = load_bytes(write_t7({"t": values, "view": values[:, 1:]}, **layout))
    assert loaded["t"].dtype == dtype and loaded["t"].dtype.isnative
    np.testing.assert_array_equal(loaded["t"], values)
    np.testing.assert_array_equal(loaded["view"], values[:, 1:])
    assert np.shares_memory(loaded["t"], loaded["view"])  # one storage


def test_tensors_sharing_a_storage_are_views_of_one_array():
    base = np.arange(10.0)
    views = {"a": base[2:5], "b": base[4:10].reshape(2, 3), "c": base[::3], "d": base[2:5]}
    loaded = load_bytes(write_t7(views))
    for name, view in views.items():
        np.testing.assert_array_equal(loaded[name], view)
    assert loaded["a"].base is loaded["b"].base is loaded["c"].base
    loaded["a"][2] = -1.0  # element 4 of the storage, seen through b too
    assert loaded["b"][0, 0] == -1.0
    assert loaded["a"] is loaded["d"]  # the same view of the same storage is one array


def test_an_empty_tensor_and_the_empty_table():
    assert load_bytes(write_t7(np.empty(0))).shape == (0,)
    assert load_bytes(write_t7([])) == []
    assert load_bytes(write_t7({})) == []  # Lua cannot tell an empty dict from an empty list
