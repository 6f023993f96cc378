"""Tensors and storages of a ``.t7`` file as NumPy arrays, every view checked against its storage.

A storage is its element count (a long) and its elements; it becomes one 1-D array. A tensor is
its dimension count (an int), its sizes and strides (longs, in elements), its 1-based storage
offset (a long) and its storage (an object: usually new, a reference when several tensors share
it). It becomes a view of the storage's array, so tensors sharing a storage share memory, as
after Lua's ``getParameters()``; two tensors with the same storage, offset, sizes and strides
become one array.

The checks that make a hostile file harmless: no negative size, stride or offset (Torch writes
none), every element the view can reach inside its storage, the storage of the tensor's own
type, and no view whose logical size passes ``max_bytes`` (a zero stride can make a tiny storage
look huge). NumPy's own constructor checks the view against the buffer once more.
"""

from __future__ import annotations

import math

import numpy as np

from ._streams import Stream
from ._tags import MAX_DIMENSIONS

#: Largest size or stride accepted in any one dimension (numpy's index type is 64-bit).
_MAX_EXTENT = 2**62


class TensorHeader:
    """A tensor's sizes, strides and 0-based offset, read before its storage (``at``: where the
    tensor object starts, for messages)."""

    def __init__(self, stream: Stream, class_name: str, dtype: np.dtype, at: int) -> None:
        self.at = at
        self.class_name = class_name
        self.dtype = dtype
        ndim = stream.int("a tensor's dimension count")
        if not 0 <= ndim <= MAX_DIMENSIONS:
            raise stream.fail(f"{class_name} has {ndim} dimensions (0 to {MAX_DIMENSIONS} allowed)")
        per_long = 2 if stream.ascii else stream.long_size
        stream.count(2 * ndim, per_long, f"{class_name}'s sizes and strides", slack=1)
        self.sizes = stream.longs(ndim, f"{class_name}'s sizes")
        self.strides = stream.longs(ndim, f"{class_name}'s strides")
        self.offset = stream.long(f"{class_name}'s storage offset") - 1  # Lua's is 1-based
        self.stream = stream

    def build(self, storage: object, storages: dict[int, str], views: dict, max_bytes: int):
        """The array for this tensor over ``storage`` (an array read as a storage, or None)."""
        fail = self.stream.fail
        name, at = self.class_name, self.at
        for label, values in (("size", self.sizes), ("stride", self.strides)):
            for dim, value in enumerate(values):
                if not 0 <= value <= _MAX_EXTENT:
                    raise fail(f"{name} has {label} {value} in dimension {dim}", at)
        numel = math.prod(self.sizes) if self.sizes else 0  # no dimension: empty
        if numel == 0:
            # Lua's empty tensor (no dimension) or a size-0 one: nothing of the storage is read.
            return np.empty(self.sizes if self.sizes else (0,), self.dtype)
        if storage is None:
            raise fail(f"{name} of {numel} elements has no storage", at)
        expected = name.replace("Tensor", "Storage")
        if storages.get(id(storage)) != expected:
            got = storages.get(id(storage)) or type(storage).__name__
            raise fail(f"{name} needs a {expected}, got a {got}", at)
        last = self.offset + sum((s - 1) * t for s, t in zip(self.sizes, self.strides))
        if self.offset < 0 or last >= storage.size:
            raise fail(
                f"{name} of sizes {self.sizes}, strides {self.strides} and offset "
                f"{self.offset + 1} reaches elements {self.offset + 1}..{last + 1} of a storage "
                f"of {storage.size}",
                at,
            )
        if numel * self.dtype.itemsize > max_bytes:
            raise fail(
                f"{name} of sizes {self.sizes} is {numel * self.dtype.itemsize} bytes, more "
                f"than max_bytes={max_bytes} (its strides repeat elements of a smaller storage)",
                at,
            )
        key = (id(storage), self.offset, tuple(self.sizes), tuple(self.strides))
        if key not in views:
            item = self.dtype.itemsize
            views[key] = np.ndarray(
                tuple(self.sizes),
                self.dtype,
                buffer=storage,
                offset=self.offset * item,
                strides=tuple(t * item for t in self.strides),
            )
        return views[key]


def read_storage(stream: Stream, class_name: str, dtype: np.dtype, budget: list[int]) -> np.ndarray:
    """A storage's elements as a 1-D array; ``budget`` holds the bytes ``load`` may still use."""
    at = stream.position
    size = stream.long(f"{class_name}'s size")
    item = stream.long_size if dtype == np.int64 and not stream.ascii else dtype.itemsize
    least = 1 if stream.ascii else item
    stream.count(size, least, f"{class_name}'s element count", slack=1 if stream.ascii else 0)
    if size * dtype.itemsize > budget[0]:
        raise stream.fail(
            f"{class_name} of {size} elements passes what is left of max_bytes ({budget[0]})", at
        )
    budget[0] -= size * dtype.itemsize
    return stream.elements(size, dtype, f"{class_name}'s elements")
