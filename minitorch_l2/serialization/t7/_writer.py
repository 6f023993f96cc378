"""Python values and our modules → the bytes of a ``.t7`` file, as Lua's ``torch.save`` writes.

Two walks over the value (both on ``_frames.run``, so nesting does not recurse in Python):

1. *collect*: refuse what Lua cannot hold (before a byte is written), compute each module's Lua
   fields once (``mapping.lua_fields``), and find the arrays that view one base array;
2. *write*: every value in Torch's layout. Lists, tuples, dicts, modules, tensors, storages and
   functions get an index; the same Python object met again is written as a reference to it, so
   sharing and cycles survive. A module is a torch object whose payload is a new table of its
   fields, as ``nn.Module`` writes itself.

Arrays: an ndarray is a tensor with its own contiguous storage, except when two or more arrays of
the value view one C-contiguous base of their dtype (``get_parameters()`` views, Lua-loaded
tensors of one storage): then the base is written once as the storage and each array as a
tensor over it with its offset and strides, which Lua reads back as shared memory. An empty
array is Lua's empty tensor (no dimension, no storage); a 0-d array or a numpy scalar, which
Lua's tensors cannot be, is a number.
"""

from __future__ import annotations

from collections.abc import Generator

import numpy as np

from ...nn._parameters import array_key
from ...nn._state_checks import parameter_arrays
from ...nn.criterion.criterion import Criterion
from ...nn.module import Module
from . import _tags as tags
from ._frames import run
from ._registry import BY_CLASS
from .mapping import Storage, lua_fields, own_dtype
from .values import LuaFunction, LuaKey, TorchObject

MAX_DEPTH = 10_000
_EXACT = 2**53


class WriteError(ValueError):
    """A value Lua cannot hold; ``save`` adds its own name."""


def _root(array: np.ndarray) -> np.ndarray:
    while isinstance(array.base, np.ndarray):
        array = array.base
    return array


class Writer:
    """Writes one value to ``sink`` (a ``_sinks`` object)."""

    def __init__(self, sink: object, max_depth: int = MAX_DEPTH) -> None:
        self.sink = sink
        self.max_depth = max_depth
        self.fields: dict[int, dict] = {}  # id(module) → its Lua fields
        self.modules: dict[int, object] = {}  # id(module) → the module
        self.dtypes: dict[int, np.dtype] = {}  # id(module) → its Lua type
        self.seen: set[int] = set()
        self.views: dict[int, set[int]] = {}  # id(base) → ids of the arrays viewing it
        self.keep: list[object] = []  # what the ids above refer to stays alive
        self.indices: dict[int, int] = {}
        self.storages: dict[int, int] = {}  # id(base) → index of its storage

    def write(self, value: object) -> bytes:
        """The file's bytes for ``value``."""
        run(self._collect, (value, "the value"), self.max_depth, _too_deep)
        self._link_shared_fields()
        run(self._begin, value, self.max_depth, _too_deep)
        return self.sink.getvalue()

    def _link_shared_fields(self) -> None:
        """Give each field that is another module's object in Lua (``LuaClass.shares``) it, and
        mark ``shared = true`` the modules whose arrays another module shares, as Lua's
        ``share`` (and ``clone`` with field names) does."""
        owners: dict[tuple, set[int]] = {}
        for key, module in self.modules.items():
            if isinstance(module, Module):
                for _, array in parameter_arrays(module):
                    if array.size:
                        owners.setdefault(array_key(array), set()).add(key)
        for keys in owners.values():
            if len(keys) > 1:
                for key in keys:
                    self.fields[key]["shared"] = True
        for key, module in self.modules.items():
            shares = BY_CLASS[type(module)].shares
            for name in shares(module) if shares is not None else ():
                found = self._shared_field(module, name)
                if found is not None:
                    self.fields[key][name] = found

    def _shared_field(self, module: object, name: str) -> object:
        # Followed to the end of the chain (a Sequential's first module may be a Sequential).
        for _ in range(len(self.modules) + 1):
            shares = BY_CLASS[type(module)].shares
            target = shares(module).get(name) if shares is not None else None
            if target is None or id(target[0]) not in self.fields:
                return self.fields[id(module)].get(name)
            module, name = target
        return None

    # ------------------------------------------------------------------ 1. collect
    def _collect(self, item: tuple[object, str]) -> object:
        value, where = item
        kind = type(value)
        if value is None or kind in (bool, bytes):
            return None
        if kind is str or kind is np.str_:  # np.str_: the keys np.unique gives, a str
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise WriteError(f"{where} is a str that is not valid Unicode") from None
            return None
        if isinstance(value, int | float | np.integer | np.floating | np.bool_):
            _number(value, where)
            return None
        if id(value) in self.seen:
            return None
        self.seen.add(id(value))
        self.keep.append(value)
        if kind is np.ndarray:
            self._array(value, where)
            return None
        if kind is Storage:
            array = value.array
            if array.ndim != 1 or array.dtype.newbyteorder("=") not in tags.TYPE_NAMES:
                raise WriteError(f"{where} is a storage of {array.dtype} {array.shape}, not 1-D")
            return None
        if kind in (list, tuple):
            return self._collect_items(value, where)
        if kind is dict:
            return self._collect_dict(value, where)
        if kind is LuaKey:
            return self._collect_items([value.value], where, keyed=True)
        if kind is LuaFunction:
            return self._collect_items([value.upvalues], f"{where}.upvalues")
        if kind is TorchObject:
            return self._collect_dict(value.fields, f"{where}.fields")
        if isinstance(value, Module | Criterion):
            entry = BY_CLASS.get(kind)
            if entry is None:
                raise WriteError(
                    f"{where} is an nn.{kind.__name__}, which has no Lua mapping yet "
                    f"(minitorch_l2/serialization/t7/_lua_classes/); save it as .npz instead"
                )
            fields = self.fields[id(value)] = lua_fields(entry, value, self._dtype(value))
            self.modules[id(value)] = value
            self.keep.append(fields)
            return self._collect_dict(fields, f"{where} ({entry.lua_name})")
        raise WriteError(f"{where} is a {kind.__module__}.{kind.__qualname__}, not data Lua holds")

    def _dtype(self, module: Module | Criterion) -> np.dtype:
        """A module's Lua type: its own arrays', else its tree's (the first module met is the
        root of its tree, and gives its parameters' dtype to the modules below without any)."""
        if id(module) not in self.dtypes:
            tree = [module]
            if isinstance(module, Module):
                tree = module._reachable_modules()
            dtypes = [own_dtype(m) for m in tree]
            common = next((d for d in dtypes if d is not None), np.dtype(np.float64))
            for member, dtype in zip(tree, dtypes):
                self.dtypes.setdefault(id(member), dtype or common)
                self.keep.append(member)
        return self.dtypes[id(module)]

    def _collect_items(self, items: list | tuple, where: str, keyed: bool = False) -> Generator:
        for index, item in enumerate(items):
            if item is None and not keyed:
                raise WriteError(f"{where}[{index}] is None: a Lua table cannot hold nil")
            yield item, f"{where}[{index}]"

    def _collect_dict(self, items: dict, where: str) -> Generator:
        for key, item in items.items():
            if key is None or (isinstance(key, float) and key != key):
                raise WriteError(f"{where} has the key {key!r}, which Lua tables cannot have")
            if item is None:
                raise WriteError(f"{where}[{key!r}] is None: a Lua table cannot hold nil")
            yield key, f"{where} key {key!r}"
            yield item, f"{where}[{key!r}]"

    def _array(self, array: np.ndarray, where: str) -> None:
        dtype = array.dtype.newbyteorder("=") if array.dtype.byteorder == ">" else array.dtype
        if array.ndim and dtype not in tags.TYPE_NAMES:
            hint = " (convert with .astype(np.uint8))" if dtype == np.bool_ else ""
            raise WriteError(
                f"{where} is an array of {array.dtype}, which no Torch tensor holds{hint}"
            )
        if array.ndim == 0 and array.dtype.kind not in "biuf":
            raise WriteError(f"{where} is a 0-d array of {array.dtype}, not a number")
        if array.ndim and array.size:
            self.views.setdefault(id(_root(array)), set()).add(id(array))

    # ------------------------------------------------------------------ 2. write
    def _begin(self, value: object) -> object:
        sink, kind = self.sink, type(value)
        if value is None:
            sink.int(tags.NIL)
        elif kind is bool or kind is np.bool_:
            sink.int(tags.BOOLEAN)
            sink.int(1 if value else 0)
        elif isinstance(value, int | float | np.integer | np.floating):
            sink.int(tags.NUMBER)
            sink.double(float(value))
        elif kind is str or kind is bytes or kind is np.str_:
            data = value if kind is bytes else value.encode("utf-8")
            sink.int(tags.STRING)
            sink.int(len(data))
            sink.chars(data)
        elif kind is LuaKey:
            return self._begin(value.value)
        elif kind is np.ndarray and value.ndim == 0:
            return self._begin(value[()])
        elif self._reference(value):
            return None
        elif kind is np.ndarray:
            self._tensor(value)
        elif kind in (list, tuple):
            return self._list(value)
        elif kind is dict:
            return self._dict(value)
        elif kind is LuaFunction:
            return self._function(value)
        elif kind is Storage:
            self._storage(value.array)
        elif kind is TorchObject:
            return self._object(value.torch_class, value.version, value.fields)
        else:
            entry = BY_CLASS[kind]
            return self._object(entry.lua_name, entry.version, self.fields[id(value)])
        return None

    def _reference(self, value: object) -> bool:
        """Write the tag and index; True when ``value`` was written before (a reference)."""
        tag = {list: tags.TABLE, tuple: tags.TABLE, dict: tags.TABLE}.get(type(value))
        if tag is None:
            tag = tags.RECURSIVE_FUNCTION if type(value) is LuaFunction else tags.TORCH
        self.sink.int(tag)
        index = self.indices.get(id(value))
        if index is not None:
            self.sink.int(index)
            return True
        index = self.indices[id(value)] = len(self.indices) + 1
        self.sink.int(index)
        return False

    def _new_index(self) -> int:
        # An object written once and never referenced (a module's field table, a storage).
        index = len(self.indices) + 1
        self.indices[-index] = index  # a key no id() can be
        return index

    def _list(self, items: list | tuple) -> Generator:
        self.sink.int(len(items))
        for index, item in enumerate(items, start=1):
            yield index
            yield item

    def _dict(self, items: dict) -> Generator:
        self.sink.int(len(items))
        for key, item in items.items():
            yield key
            yield item

    def _function(self, function: LuaFunction) -> Generator:
        self.sink.int(len(function.bytecode))
        self.sink.chars(function.bytecode)
        yield function.upvalues

    def _object(self, class_name: str, version: int, fields: dict) -> Generator:
        self._header(class_name, version)
        yield fields  # Lua writes the fields as a table of their own (its own index)

    def _header(self, class_name: str, version: int) -> None:
        for text in (f"V {version}", class_name):
            data = text.encode("ascii")
            self.sink.int(len(data))
            self.sink.chars(data)

    def _tensor(self, array: np.ndarray) -> None:
        sink = self.sink
        dtype = array.dtype.newbyteorder("=")
        name = tags.TYPE_NAMES[dtype]
        self._header(f"torch.{name}Tensor", 1)
        if array.size == 0:  # Lua's empty tensor: no dimension, no storage
            sink.int(0)
            sink.longs([])
            sink.longs([])
            sink.longs([1])
            sink.int(tags.NIL)
            return
        base, offset, strides = self._storage_view(array)
        sink.int(array.ndim)
        sink.longs(list(array.shape))
        sink.longs(strides)
        sink.longs([offset + 1])
        key = id(base)
        sink.int(tags.TORCH)
        if key in self.storages:
            sink.int(self.storages[key])
            return
        index = self.storages[key] = self._new_index()
        sink.int(index)
        self._storage(base)

    def _storage(self, array: np.ndarray) -> None:
        """A storage's header and elements (its tag and index are written already)."""
        dtype = array.dtype.newbyteorder("=")
        self._header(f"torch.{tags.TYPE_NAMES[dtype]}Storage", 1)
        self.sink.longs([array.size])
        self.sink.elements(array.astype(dtype, copy=False).reshape(-1))

    def _storage_view(self, array: np.ndarray) -> tuple[np.ndarray, int, list[int]]:
        """(the storage to write, the 0-based offset, the strides in elements)."""
        root = _root(array)
        item = array.dtype.itemsize
        if len(self.views.get(id(root), ())) > 1 and _views_base(array, root):
            start = array.__array_interface__["data"][0] - root.__array_interface__["data"][0]
            return root, start // item, [s // item for s in array.strides]
        own = np.ascontiguousarray(array)
        self.keep.append(own)
        strides = [s // item for s in own.strides]
        return own, 0, strides


def _views_base(array: np.ndarray, root: np.ndarray) -> bool:
    """True when ``array`` is a view of ``root`` that a Torch tensor over ``root`` can express."""
    item = array.dtype.itemsize
    start = array.__array_interface__["data"][0] - root.__array_interface__["data"][0]
    return (
        root.flags.c_contiguous
        and root.dtype == array.dtype
        and start % item == 0
        and all(s >= 0 and s % item == 0 for s in array.strides)
    )


def _number(value: object, where: str) -> None:
    # Past 2**53 a double skips integers, and load gives a whole number there back as a float.
    if isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_):
        if abs(int(value)) > _EXACT:
            raise WriteError(
                f"{where} is the integer {value}, past 2**53: a Lua number would hold it as a "
                f"float (save float(...) if that is meant)"
            )


def _too_deep(depth: int) -> WriteError:
    return WriteError(f"the value is nested more than {depth} deep")
