"""Threat: a hand-crafted ``.t7`` that lies about its contents.

torchfile (the one Python reader left) trusts a tensor's sizes, strides and offset: a crafted
tensor gives a view outside its storage (reading other memory), and a negative stride makes
NumPy walk backwards out of the buffer (a segfault). Every count in the format — a string's
length, a table's size, a storage's elements, a tensor's dimensions — is a number an attacker
writes. Each lie below is refused with a ValueError naming ``load``, the file and the byte
offset, before any memory is read or allocated on its say-so.
"""

from __future__ import annotations

import io
import sys
import time

import numpy as np
import pytest

import minitorch_l2

from ..t7_assembler import Assembler

A = Assembler()


def tensor(sizes, strides, offset, storage_size, *, name=b"torch.DoubleTensor", storage=None):
    """A tensor file with the given header over a storage of ``storage_size`` zeros."""
    if storage is None:
        storage = A.torch(2, name.replace(b"Tensor", b"Storage")) + A.longs(storage_size)
        storage += A.doubles(*([0.0] * storage_size))
    return (
        A.torch(1, name)
        + A.ints(len(sizes))
        + A.longs(*sizes)
        + A.longs(*strides)
        + A.longs(offset + 1)
        + storage
    )


def refused(data: bytes, match: str, **options: object) -> str:
    with pytest.raises(ValueError, match=match) as error:
        minitorch_l2.load(io.BytesIO(data), **options)
    message = str(error.value)
    assert message.startswith("minitorch_l2.load: cannot load") and "at byte" in message
    return message


def test_the_crafted_files_are_well_formed_when_they_tell_the_truth():
    view = minitorch_l2.load(io.BytesIO(tensor([2, 2], [3, 1], 1, 6)))
    assert view.shape == (2, 2) and view.strides == (24, 8)


def test_torchfile_crash_1_a_view_outside_its_storage_is_refused():
    # 1000 x 1000 elements over a storage of 6: torchfile returns a view of a megabyte of
    # whatever memory follows.
    message = refused(tensor([1000, 1000], [1000, 1], 0, 6), "reaches elements 1..1000000 of a")
    assert "at byte 0" in message
    refused(tensor([2, 3], [3, 1], 1, 6), "reaches elements 2..7 of a storage of 6")  # one past


def test_torchfile_crash_2_a_negative_stride_is_refused():
    # The segfault: a stride of -1000000 over a storage of 6.
    refused(tensor([3], [-1000000], 2, 6), "stride -1000000 in dimension 0")


@pytest.mark.parametrize(
    "sizes, strides, offset, match",
    [
        ([-1, 3], [3, 1], 0, "size -1 in dimension 0"),
        ([2, 3], [3, 1], -1, "offset 0 reaches"),  # Lua's offsets are 1-based: 0 is before it
        ([2**62 + 1], [1], 0, "size 4611686018427387905"),
        ([2, 2**61], [2**61, 1], 0, "reaches"),  # no integer overflow wraps it back in
        ([2**40, 2**40], [0, 0], 0, "more than max_bytes"),  # zero strides: a huge view of 1
    ],
)
def test_any_view_the_storage_cannot_hold_is_refused(sizes, strides, offset, match):
    refused(tensor(sizes, strides, offset, 6), match)


def test_a_zero_stride_view_is_allowed_up_to_max_bytes():
    data = tensor([1000, 6], [0, 1], 0, 6)  # Lua's expand: 48 kB of view over 48 bytes
    assert minitorch_l2.load(io.BytesIO(data)).shape == (1000, 6)
    refused(data, "more than max_bytes=40000", max_bytes=40_000)


def test_a_tensor_over_the_wrong_storage_is_refused():
    floats = A.torch(2, b"torch.FloatStorage") + A.longs(6) + b"\0" * 24
    refused(
        tensor([6], [1], 0, 0, storage=floats), "needs a torch.DoubleStorage, got a torch.Float"
    )
    number = A.ints(1) + A.doubles(6.0)
    refused(tensor([6], [1], 0, 0, storage=number), "needs a torch.DoubleStorage, got a float")
    nothing = A.ints(0)
    refused(tensor([6], [1], 0, 0, storage=nothing), "has no storage")
    itself = A.ints(4, 1)  # the tensor's own index as its storage
    refused(tensor([6], [1], 0, 0, storage=itself), "refers to a tensor while it is read")


@pytest.mark.parametrize(
    "data, match",
    [
        (
            A.ints(2, 2**31 - 1) + b"abc",
            "length is 2147483647, which needs at least 2147483647 bytes, but only 3 are left",
        ),
        (A.ints(2, -5), "a string's length is negative"),
        (A.ints(3, 1, 2**31 - 1), "a table is 2147483647, which needs at least"),
        (A.torch(1, b"torch.DoubleStorage") + A.longs(2**60), "element count is 1152921504"),
        (A.torch(1, b"torch.DoubleTensor") + A.ints(10**6), "has 1000000 dimensions"),
        (A.torch(1, b"torch.DoubleTensor") + A.ints(60) + A.longs(1), "sizes and strides is 120"),
        (A.torch(1, b"tds.Hash") + A.longs(2**62), "tds.Hash is 4611686018427387904, which needs"),
        (A.ints(3, 1, 1) + A.ints(1) + A.doubles(1) + A.ints(9), "unknown type tag 9"),
        (A.ints(3, 1, 1) + A.ints(1) + A.doubles(1) + A.ints(5, 7), "a boolean is 7"),
        (A.ints(1) + A.doubles(1.0) + b"extra", "5 bytes follow the end"),
        (A.torch(1, b"torch.CudaTensor"), r"GPU type: convert with :float\(\)"),
        (A.torch(1, b"cudnn.Thing") + A.ints(77), r"tag 77 .*\(inside an object of class cudnn"),
        (A.ints(4, 1) + A.string(b"V x") + A.string(b"A"), "class version 'V x'"),
        (A.ints(3, 1, 1) + A.ints(1) + A.doubles(1) + b"\0\0", "tag needs 4 bytes but only 2"),
        # ASCII: a count of 5000 digits (Python's int() refuses past 4300, naming no file)
        (b"9" * 5000 + b"\n", "a type tag: a number of 5000 digits is out of range"),
        (b"3\n1\n" + b"9" * 5000 + b"\n", "a number of 5000 digits is out of range"),
    ],
)
def test_every_count_is_checked_against_the_bytes_left(data, match):
    start = time.perf_counter()
    refused(data, match)
    assert time.perf_counter() - start < 1.0  # refused on sight, nothing allocated or walked


def test_storages_and_files_past_max_bytes_are_refused_before_they_are_read():
    data = A.torch(1, b"torch.ByteStorage") + A.longs(1000) + bytes(1000)
    assert minitorch_l2.load(io.BytesIO(data)).size == 1000
    with pytest.raises(ValueError, match="larger than max_bytes=100"):
        minitorch_l2.load(io.BytesIO(data), max_bytes=100)
    # In ASCII a double can take 2 bytes of file ("0 ") and 8 of memory: the budget counts memory.
    text = Assembler(ascii=True)
    data = text.torch(1, b"torch.DoubleStorage") + text.longs(1000) + text.doubles(*[0.0] * 1000)
    assert len(data) < 2_100 and minitorch_l2.load(io.BytesIO(data)).size == 1000
    refused(data, "passes what is left of max_bytes", max_bytes=5_000)


def nested(depth: int) -> bytes:
    # {[1] = {[1] = ... {} ...}}: each table holds the next.
    return b"".join(A.ints(3, i + 1, 1, 1) + A.doubles(1.0) for i in range(depth)) + A.ints(0)


def test_nesting_is_bounded_and_never_overflows_the_stack():
    assert sys.getrecursionlimit() < 5_000
    value = minitorch_l2.load(io.BytesIO(nested(5_000)))  # deeper than Python recursion goes
    for _ in range(4_999):
        (value,) = value
    assert value == [None] or value == {1: None}
    refused(nested(100_000), "nested more than 10000 deep")


def nested_modules(depth: int) -> bytes:
    # nn.Sequential{nn.Sequential{... nn.Identity() ...}}: within the parser's bound, but a
    # module tree deeper than Python's stack lets validate() walk.
    out = b""
    for i in range(depth):
        out += A.torch(2 * i + 1, b"nn.Sequential") + A.ints(3, 2 * i + 2, 1)
        out += A.ints(2) + A.string(b"modules") + A.ints(3, 10**7 + i, 1) + A.ints(1) + A.doubles(1)
    return out + A.torch(10**8, b"nn.Identity") + A.ints(3, 10**8 + 1, 0)


def test_modules_nested_too_deeply_are_refused_naming_the_offset():
    assert type(minitorch_l2.load(io.BytesIO(nested_modules(20))).get(0)).__name__ == "Sequential"
    refused(nested_modules(sys.getrecursionlimit()), "nn.Sequential: modules nested too deeply")


def test_a_million_references_to_one_object_are_one_object():
    # The "billion laughs" of references: a table of 1000 references to one table of 1000
    # references to one table... converted once each, not once per path.
    inner = A.ints(3, 1, 0)
    layers = [inner]
    for level in range(2, 5):
        entries = A.ints(1) + A.doubles(1.0) + layers[-1]
        for key in range(2, 1001):
            entries += A.ints(1) + A.doubles(float(key)) + A.ints(3, level - 1)
        layers.append(A.ints(3, level, 1000) + entries)
    start = time.perf_counter()
    value = minitorch_l2.load(io.BytesIO(layers[-1]))
    assert time.perf_counter() - start < 5.0
    assert value[0] is value[999] and value[0][0] is value[999][999]


def test_cycles_through_objects_and_tables_load():
    # A table whose entry 1 is itself, and an unknown object whose field holds the table.
    data = A.ints(3, 1, 2) + A.ints(1) + A.doubles(1.0) + A.ints(3, 1)
    data += A.ints(1) + A.doubles(2.0) + A.torch(2, b"Thing") + A.ints(3, 3, 1)
    data += A.ints(2) + A.string(b"up") + A.ints(3, 1)
    value = minitorch_l2.load(io.BytesIO(data), unknown_classes="keep")
    assert value[0] is value and value[1]["up"] is value


@pytest.mark.parametrize("name", [b"os.system", b"subprocess:Popen", b"minitorch_l2.nn:Linear"])
def test_a_class_name_never_imports_or_runs_anything(name):
    modules = set(sys.modules)
    data = A.torch(1, name) + A.ints(3, 2, 0)
    refused(data, "does not implement: " + name.decode())
    kept = minitorch_l2.load(io.BytesIO(data), unknown_classes="keep")
    assert type(kept).__name__ == "TorchObject" and kept.torch_class == name.decode()
    assert set(sys.modules) == modules


def test_the_arrays_of_a_file_share_nothing_with_the_file_s_bytes():
    data = bytearray(tensor([6], [1], 0, 6))
    loaded = minitorch_l2.load(io.BytesIO(bytes(data)))
    loaded[0] = 5.0  # writable, and its own memory
    assert loaded.flags.writeable and loaded.flags.aligned
    assert np.frombuffer(bytes(data)[-48:], "<f8")[0] == 0.0
