"""(architecture JSON object, arrays) → the saved value: the generic half of ``load``.

Only data is built: each module is created with ``object.__new__`` (no ``__init__``, so nothing
is re-initialised and the random generator is not touched), its transient state set as a fresh
one has it, its ``__dict__`` filled with the decoded attributes, then checked by the class's
``validate()`` (the checks its constructor makes); once the whole value is built, arrays shared
between modules are checked (``_validation.py``). Every node is checked; a malformed one is a
FormatError saying where.
"""

from __future__ import annotations

import numpy as np

from ..nn.module import Module
from ._classes import resolve_class
from ._format import FORMAT_NAME, FORMAT_VERSION, NON_FINITE_FLOATS, TAG, FormatError
from ._validation import check_attribute, check_sharing, validated
from .t7.values import LuaFunction, LuaKey, TorchObject

#: The versions this minitorch_l2 reads, and the key of each one's root node.
ROOT_KEYS = {1: "module", 2: "value"}


_MISSING = object()


def _field(node: dict, name: str, kind: type | tuple[type, ...], where: str) -> object:
    value = node.get(name)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is int:
        raise FormatError(f"entry {node.get(TAG)!r} at {where} lacks a valid {name!r} field")
    return value


class Decoder:
    """Decode one architecture against the archive's ``arrays``; each array must be used."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.arrays = arrays
        self._used: set[str] = set()
        self._modules: dict[int, Module] = {}
        self._handlers = {
            "module": self.module,
            "module_ref": self.module_ref,
            "ndarray": self.array,
            "numpy_scalar": self.numpy_scalar,
            "float": self.non_finite_float,
            "tuple": self.tuple_items,
            "dict": self.dict_items,
            "dtype": self.dtype_value,
            "scalar_type": self.scalar_type,
            "bytes": self.byte_string,
            "torch_object": self.torch_object,
            "lua_function": self.lua_function,
            "lua_key": self.lua_key,
        }

    def root(self, architecture: object) -> object:
        """Check the header (format name and version), decode the root value, check leftovers."""
        if not isinstance(architecture, dict) or architecture.get("format") != FORMAT_NAME:
            raise FormatError(f"its architecture entry does not say format {FORMAT_NAME!r}")
        version = architecture.get("format_version")
        if type(version) is not int or version not in ROOT_KEYS:
            raise FormatError(
                f"format version {version!r} is not supported (this minitorch_l2 reads versions "
                f"1 to {FORMAT_VERSION})"
            )
        node = architecture.get(ROOT_KEYS[version], _MISSING)
        if version == 1:
            if not isinstance(node, dict) or node.get(TAG) != "module":
                raise FormatError("its architecture has no root module entry")
            value = self.module(node, "model")
        elif node is _MISSING:
            raise FormatError("its architecture has no root value entry")
        else:
            value = self.value(node, "value")
        unused = sorted(set(self.arrays) - self._used)
        if unused:
            raise FormatError(f"arrays {unused} are not described by the architecture")
        try:
            check_sharing(self._modules.values())
        except ValueError as error:
            raise FormatError(str(error)) from None
        return value

    def value(self, node: object, where: str) -> object:
        """Decode one value node."""
        if node is None or type(node) in (bool, int, float, str):
            return node
        if type(node) is list:
            return [self.value(item, f"{where}[{i}]") for i, item in enumerate(node)]
        if type(node) is dict and node.get(TAG) in self._handlers:
            return self._handlers[node[TAG]](node, where)
        raise FormatError(f"unknown entry {node!r:.80} at {where}")

    # ------------------------------------------------------------------ modules
    def module(self, node: dict, where: str) -> Module:
        node_id = _field(node, "id", int, where)
        if node_id in self._modules:
            raise FormatError(f"module id {node_id} is defined twice (at {where})")
        cls = resolve_class(node.get("class"))
        attributes = _field(node, "attributes", dict, where)
        try:
            module = object.__new__(cls)
        except TypeError as error:
            raise FormatError(f"class {node['class']!r} cannot be rebuilt: {error}") from None
        # Registered before its attributes, so a reference back to it (a cycle) resolves.
        self._modules[node_id] = module
        transient = cls.transient_attributes()
        state = cls.transient_defaults()
        for name, value in attributes.items():
            if name in transient:
                raise FormatError(
                    f"{where}: nn.{cls.__name__}'s {name} is per-call state, which a file never "
                    f"sets"
                )
            try:
                check_attribute(cls, name)
            except ValueError as error:
                raise FormatError(f"{where}: {error}") from None
            state[name] = self.value(value, f"{where}.{name}")
        module.__dict__.update(state)
        try:
            validated(module)
        except (TypeError, ValueError) as error:
            raise FormatError(f"{where}: {error}") from None
        return module

    def module_ref(self, node: dict, where: str) -> Module:
        node_id = _field(node, "id", int, where)
        if node_id not in self._modules:
            raise FormatError(f"reference to unknown module id {node_id} at {where}")
        return self._modules[node_id]

    # ------------------------------------------------------------------ arrays
    def _stored(self, node: dict, where: str) -> np.ndarray:
        key = _field(node, "key", str, where)
        if key not in self.arrays:
            raise FormatError(f"array {key!r} (for {where}) is missing from the archive")
        array = self.arrays[key]
        dtype = _field(node, "dtype", str, where)
        if array.dtype.str != dtype:
            raise FormatError(
                f"array {key!r} (for {where}) has dtype {array.dtype.str}, expected {dtype}"
            )
        self._used.add(key)
        return array

    def array(self, node: dict, where: str) -> np.ndarray:
        array = self._stored(node, where)
        shape = _field(node, "shape", list, where)
        if list(array.shape) != shape:
            raise FormatError(f"array for {where} has shape {array.shape}, expected {shape}")
        return array  # the same object for a repeated key: shared arrays stay shared

    def numpy_scalar(self, node: dict, where: str) -> np.generic:
        array = self._stored(node, where)
        if array.ndim != 0:
            raise FormatError(f"scalar for {where} is stored with shape {array.shape}")
        return array[()]

    # ------------------------------------------------------------------ plain values
    def non_finite_float(self, node: dict, where: str) -> float:
        name = node.get("value")
        if name not in NON_FINITE_FLOATS:
            raise FormatError(f"float entry at {where} is {name!r}, not one of inf, -inf, nan")
        return NON_FINITE_FLOATS[name]

    def tuple_items(self, node: dict, where: str) -> tuple:
        items = _field(node, "items", list, where)
        return tuple(self.value(item, f"{where}[{i}]") for i, item in enumerate(items))

    def dict_items(self, node: dict, where: str) -> dict:
        decoded = {}
        for pair in _field(node, "items", list, where):
            if not isinstance(pair, list) or len(pair) != 2:
                raise FormatError(f"dict entry at {where} is not a [key, value] pair")
            key = self.value(pair[0], f"{where} key")
            try:
                hash(key)
            except TypeError:
                raise FormatError(f"dict key {key!r:.80} at {where} is not hashable") from None
            decoded[key] = self.value(pair[1], f"{where}[{key!r}]")
        return decoded

    def dtype_value(self, node: dict, where: str) -> np.dtype:
        name = _field(node, "dtype", str, where)
        try:
            return np.dtype(name)
        except (TypeError, ValueError):
            raise FormatError(f"dtype {name!r:.80} at {where} is not a numpy dtype") from None

    def scalar_type(self, node: dict, where: str) -> type:
        return self.dtype_value(node, where).type

    # ------------------------------------------------------------------ Lua values
    def _bytes(self, node: dict, where: str) -> bytes:
        key = _field(node, "key", str, where)
        array = self.arrays.get(key)
        if array is None or array.dtype != np.uint8 or array.ndim != 1:
            raise FormatError(f"bytes at {where} need a 1-D uint8 array {key!r}")
        self._used.add(key)
        return array.tobytes()

    def byte_string(self, node: dict, where: str) -> bytes:
        return self._bytes(node, where)

    def torch_object(self, node: dict, where: str) -> TorchObject:
        name = _field(node, "class", str, where)
        version = _field(node, "version", int, where)
        fields = self.value(node.get("fields"), f"{where}.fields")
        if not isinstance(fields, dict):
            raise FormatError(f"TorchObject at {where} lacks a dict of fields")
        return TorchObject(name, fields, version)

    def lua_function(self, node: dict, where: str) -> LuaFunction:
        return LuaFunction(self._bytes(node, where), self.value(node.get("upvalues"), where))

    def lua_key(self, node: dict, where: str) -> LuaKey:
        return LuaKey(self.value(node.get("value"), f"{where}.value"))
