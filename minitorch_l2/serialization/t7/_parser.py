"""The first pass of reading a ``.t7`` file: bytes → a graph of raw nodes, without recursion.

Lua's ``readObject`` calls itself for every table entry; a file nested ten thousand tables deep
would overflow Python's stack the same way. Here each table, object or function being read is a
*frame*, a generator that ``yield``s whenever it needs the next object and is sent that object
back; one loop runs the frames on an explicit stack, whose depth is bounded by ``max_depth``.

Each indexed object is registered under its index *before* its contents are read, so a reference
back to it from inside (a cycle: a table holding itself) resolves to the node being built, as in
Lua. Tables, torch objects and functions become raw nodes, converted to Python values by the
second pass (``_convert.py``); numbers, strings and booleans, tensors and storages are final.
"""

from __future__ import annotations

from collections.abc import Generator

import numpy as np

from .._format import FormatError
from . import _tags as tags
from ._frames import run
from ._streams import Stream
from ._tensors import TensorHeader, read_storage

#: Deepest nesting of tables and objects ``load`` reads (Lua's own reader recurses too).
MAX_DEPTH = 10_000

_IN_PROGRESS = object()  # a tensor's index while its storage is read


class RawTable:
    """A Lua table as written: its (key, value) pairs in file order."""

    def __init__(self, at: int) -> None:
        self.at = at
        self.pairs: list[tuple[object, object]] = []


class RawObject:
    """A torch object: class name, version and payload (its field table, or tds items)."""

    def __init__(self, at: int, class_name: str, version: int) -> None:
        self.at = at
        self.class_name = class_name
        self.version = version
        self.payload: object = None


class RawFunction:
    """A Lua function: its bytecode (never run) and its upvalues."""

    def __init__(self, at: int, bytecode: bytes, recursive: bool) -> None:
        self.at = at
        self.bytecode = bytecode
        self.recursive = recursive
        self.upvalues: object = None


Frame = Generator[None, object, object]


class Parser:
    """Reads one object (the whole file) from ``stream``."""

    def __init__(self, stream: Stream, max_bytes: int, max_depth: int = MAX_DEPTH) -> None:
        self.stream = stream
        self.max_bytes = max_bytes
        self.max_depth = max_depth
        self.budget = [max_bytes]
        self.objects: dict[int, object] = {}
        self.storages: dict[int, str] = {}  # id(array) → storage class, for arrays read as storages
        self.views: dict[tuple, np.ndarray] = {}
        self.open_classes: list[
            str
        ] = []  # classes of the torch objects being read, outermost first

    # ------------------------------------------------------------------ the loop
    def read(self) -> object:
        """The file's object; refuses bytes after it (``torch.save`` writes one object)."""
        try:
            value = run(lambda _: self._begin(), None, self.max_depth, self._too_deep)
        except FormatError as error:
            if self.open_classes:  # a class with a writer of its own would explain garbage
                error.args = (f"{error} (inside an object of class {self.open_classes[-1]})",)
            raise
        self._check_end()
        return value

    def _too_deep(self, depth: int) -> FormatError:
        return self.stream.fail(f"objects are nested more than {depth} deep")

    def _check_end(self) -> None:
        stream = self.stream
        rest = stream.data[stream.position :]
        if rest and not (stream.ascii and not rest.strip()):
            raise stream.fail(f"{len(rest)} bytes follow the end of the saved object")

    # ------------------------------------------------------------------ one value
    def _begin(self) -> object:
        """Read a type tag: return a finished value, or the frame that will read the object."""
        stream = self.stream
        at = stream.position
        tag = stream.int("a type tag")
        if tag == tags.NIL:
            return None
        if tag == tags.NUMBER:
            return stream.double()
        if tag == tags.BOOLEAN:
            value = stream.int("a boolean")
            if value not in (0, 1):
                raise stream.fail(f"a boolean is {value}, not 0 or 1", at)
            return value == 1
        if tag == tags.STRING:
            return self._string("a string")
        if tag == tags.FUNCTION:
            return self._function(at, None)
        if tag not in tags.INDEXED:
            raise stream.fail(f"unknown type tag {tag} (0 to 8 are Torch's)", at)
        index = stream.int("an object index")
        if index in self.objects:
            found = self.objects[index]
            if found is _IN_PROGRESS:
                raise stream.fail(f"object {index} refers to a tensor while it is read", at)
            return found
        if tag == tags.TABLE:
            return self._table(at, index)
        if tag == tags.TORCH:
            return self._torch(at, index)
        return self._function(at, index)

    def _string(self, what: str) -> bytes:
        size = self.stream.count(self.stream.int(f"{what}'s length"), 1, f"{what}'s length")
        return self.stream.chars(size, what)

    def _name(self, what: str) -> str:
        at = self.stream.position
        raw = self._string(what)
        try:
            return raw.decode("ascii")
        except UnicodeDecodeError:
            raise self.stream.fail(f"{what} {raw[:40]!r} is not ASCII text", at) from None

    # ------------------------------------------------------------------ frames
    def _table(self, at: int, index: int) -> Frame:
        stream = self.stream
        size = stream.count(stream.int("a table's size"), 8 if not stream.ascii else 4, "a table")
        node = self.objects[index] = RawTable(at)
        for _ in range(size):
            key = yield
            value = yield
            node.pairs.append((key, value))
        return node

    def _function(self, at: int, index: int | None) -> Frame:
        node = RawFunction(at, self._string("a function's bytecode"), index is not None)
        if index is not None:
            self.objects[index] = node
        node.upvalues = yield
        return node

    def _torch(self, at: int, index: int) -> object:
        version_text = self._name("a class version")
        if version_text.startswith("V "):
            try:
                version = int(version_text[2:])
            except ValueError:
                raise self.stream.fail(
                    f"class version {version_text!r} is not 'V <n>'", at
                ) from None
            class_name = self._name("a class name")
        else:  # written before Torch had class versions
            version, class_name = 0, version_text
        if class_name in tags.STORAGE_CLASSES:
            dtype = tags.STORAGE_CLASSES[class_name]
            array = read_storage(self.stream, class_name, dtype, self.budget)
            self.objects[index] = array
            self.storages[id(array)] = class_name
            return array
        if class_name in tags.TENSOR_CLASSES:
            return self._tensor(at, index, class_name)
        if class_name.startswith("torch.") and class_name.endswith(("Tensor", "Storage")):
            gpu = (
                " (a GPU type: convert with :float() or :double() in Lua)"
                if "Cuda" in class_name
                else ""
            )
            raise self.stream.fail(f"{class_name} is not a tensor type load reads{gpu}", at)
        node = self.objects[index] = RawObject(at, class_name, version)
        if class_name in (tags.TDS_HASH, tags.TDS_VEC):
            return self._tds(node)
        return self._fields(node)

    def _tensor(self, at: int, index: int, class_name: str) -> Frame:
        header = TensorHeader(self.stream, class_name, tags.TENSOR_CLASSES[class_name], at)
        self.objects[index] = _IN_PROGRESS
        storage = yield
        array = header.build(storage, self.storages, self.views, self.max_bytes)
        self.objects[index] = array
        return array

    def _tds(self, node: RawObject) -> Frame:
        stream = self.stream
        hashed = node.class_name == tags.TDS_HASH
        per_item = (8 if hashed else 4) if not stream.ascii else (4 if hashed else 2)
        size = stream.count(stream.long(f"a {node.class_name}'s size"), per_item, node.class_name)
        items: list = []
        node.payload = items
        for _ in range(size):
            if hashed:
                key = yield
                value = yield
                items.append((key, value))
            else:
                value = yield
                items.append(value)
        return node

    def _fields(self, node: RawObject) -> Frame:
        self.open_classes.append(node.class_name)
        node.payload = yield
        self.open_classes.pop()
        return node
