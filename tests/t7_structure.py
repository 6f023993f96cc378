"""The structure of a ``.t7`` file, independent of Lua's hash order: for comparing two files.

``structure(data)`` parses the bytes (the reader's first pass, no conversion) and describes the
object graph canonically: tables as their entries sorted by key, torch objects as class, version
and payload, tensors as type, sizes, strides, offset and *which* storage (numbered in the
canonical walk, so sharing shows), storages by size and the bytes of their contents. Two files
with the same description hold the same objects, shared the same way, whatever order Lua's
hash tables wrote their keys in.
"""

from __future__ import annotations

import numpy as np

from minitorch_l2.serialization.t7._parser import Parser, RawFunction, RawObject, RawTable
from minitorch_l2.serialization.t7._streams import detect


def raw_graph(data: bytes) -> tuple[object, Parser]:
    """The first pass's graph of a file, and the parser (which knows storages from tensors)."""
    for stream in detect(data):
        parser = Parser(stream, 2**32)
        try:
            return parser.read(), parser
        except ValueError:
            continue
    raise ValueError("not a .t7 file")


def structure(data: bytes) -> object:
    """The canonical description of a file's object graph (see the module docstring)."""
    root, parser = raw_graph(data)
    numbers: dict[int, int] = {}
    seen: dict[int, int] = {}

    def pairs(items: list) -> tuple:
        # Sorted by key (strings and numbers in practice), then described in that order, so the
        # storages are numbered in an order that does not depend on Lua's hash order.
        ordered = sorted(items, key=lambda pair: repr(pair[0]))
        return tuple((describe(k), describe(v)) for k, v in ordered)

    def storage_of(array: np.ndarray) -> np.ndarray:
        base = array
        while isinstance(base.base, np.ndarray):
            base = base.base
        return base

    def describe(value: object) -> object:
        if isinstance(value, np.ndarray):
            if id(value) in parser.storages:
                return ("storage", str(value.dtype), value.size, value.tobytes())
            if value.size == 0:
                return ("empty tensor", str(value.dtype))
            base = storage_of(value)
            if id(base) not in numbers:
                numbers[id(base)] = len(numbers)
            item = value.dtype.itemsize
            offset = value.__array_interface__["data"][0] - base.__array_interface__["data"][0]
            return (
                "tensor",
                str(value.dtype),
                value.shape,
                tuple(s // item for s in value.strides),
                offset // item,
                numbers[id(base)],
                describe(base),
            )
        if isinstance(value, RawTable | RawObject | RawFunction):
            if id(value) in seen:
                return ("seen", seen[id(value)])
            seen[id(value)] = len(seen)
        if isinstance(value, RawTable):
            return ("table", pairs(value.pairs))
        if isinstance(value, RawObject):
            if isinstance(value.payload, list):  # tds.Hash pairs or tds.Vec items
                hashed = value.class_name == "tds.Hash"
                payload = pairs(value.payload) if hashed else tuple(map(describe, value.payload))
            else:
                payload = describe(value.payload)
            return ("object", value.class_name, value.version, payload)
        if isinstance(value, RawFunction):
            return ("function", value.bytecode, describe(value.upvalues))
        return value

    return describe(root)
