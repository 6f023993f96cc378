"""Any savable value → (architecture JSON object, arrays): the generic half of ``save``.

No per-class code: every module (or criterion) is its class name plus its instance ``__dict__``
minus transient state (``transient_attributes()``). Values are encoded by type — ndarrays, numpy
scalars and byte strings go to the archive by key, plain values stay in the JSON, modules
(alone or inside lists, tuples, dicts) recurse, and the stand-ins of Lua values a ``.t7`` load
gives (TorchObject, LuaFunction, LuaKey) are tagged. Anything else (a function, an arbitrary
object) is refused, naming where it was found.
"""

from __future__ import annotations

import math

import numpy as np

from ..nn.criterion.criterion import Criterion
from ..nn.module import Module
from ._classes import class_record
from ._format import ARRAY_KEY_PREFIX, TAG
from .t7.values import LuaFunction, LuaKey, TorchObject

ALLOWED = (
    "ndarray (not of object dtype), numpy scalar, numpy dtype or scalar type, None, bool, int, "
    "float, str, bytes, nn.Module, nn.Criterion, and lists/tuples/dicts of these"
)


def _slot_names(cls: type) -> list[str]:
    # Attributes kept in __slots__ live outside __dict__ and would be silently lost.
    names: list[str] = []
    for base in cls.__mro__:
        slots = base.__dict__.get("__slots__", ())
        names += [slots] if isinstance(slots, str) else list(slots)
    return [name for name in names if name not in ("__dict__", "__weakref__")]


class Encoder:
    """Encode one value; ``arrays`` collects the archive entries as it goes.

    Shared objects stay shared: a module or an ndarray met twice is stored once and referenced,
    so weight sharing and cycles through modules survive the round trip.
    """

    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}
        self._array_keys: dict[int, str] = {}
        self._module_ids: dict[int, int] = {}
        self._open_containers: set[int] = set()

    # ------------------------------------------------------------------ modules
    def module(self, module: Module | Criterion, where: str) -> dict[str, object]:
        """The JSON node of ``module`` (``where`` is its path from the root, for messages)."""
        if id(module) in self._module_ids:
            return {TAG: "module_ref", "id": self._module_ids[id(module)]}
        who = f"nn.{type(module).__name__}"
        slots = _slot_names(type(module))
        if slots:
            raise ValueError(
                f"minitorch_l2.save: {who} ({where}) keeps {slots} in __slots__, which save does "
                f"not see; keep module state in ordinary attributes"
            )
        node_id = self._module_ids[id(module)] = len(self._module_ids)
        node: dict[str, object] = {
            TAG: "module",
            "id": node_id,
            "class": class_record(type(module)),
        }
        transient = type(module).transient_attributes()
        attributes: dict[str, object] = {}
        for name, value in vars(module).items():
            if name in transient:
                continue
            if not isinstance(name, str):
                raise ValueError(f"minitorch_l2.save: {who} ({where}) has a non-str attribute name")
            attributes[name] = self.value(value, f"{where}.{name}", (who, name))
        node["attributes"] = attributes
        return node

    # ------------------------------------------------------------------ values
    def value(self, value: object, where: str, owner: tuple[str, str] | None = None) -> object:
        """The JSON node of one value; ``owner`` is (module, attribute) when inside a module."""
        kind = type(value)
        if value is None or kind in (bool, int, str):
            return value
        if kind is float:
            # JSON has no inf/nan: name them (repr gives 'inf', '-inf', 'nan').
            return value if math.isfinite(value) else {TAG: "float", "value": repr(value)}
        if isinstance(value, Module | Criterion):
            return self.module(value, where)
        if kind is np.ndarray:
            return self.array(value, where, owner)
        if kind is bytes:
            return {TAG: "bytes", "key": self._new_key(np.frombuffer(value, np.uint8))}
        if isinstance(value, np.generic):
            return self.numpy_scalar(value, where, owner)
        if isinstance(value, np.dtype):
            return {TAG: "dtype", "dtype": self.dtype_name(value, where, owner)}
        if isinstance(value, type) and issubclass(value, np.generic):
            return self.scalar_type(value, where, owner)
        if kind in (list, tuple, dict):
            return self.container(value, where, owner)
        if kind is TorchObject:
            if id(value) in self._open_containers:
                raise self.refusal(where, owner, "a TorchObject that contains itself")
            self._open_containers.add(id(value))
            fields = self.container(value.fields, f"{where}.fields", owner)
            self._open_containers.discard(id(value))
            return {TAG: "torch_object", "class": value.torch_class, "version": value.version,
                    "fields": fields}  # fmt: skip
        if kind is LuaFunction:
            code = self._new_key(np.frombuffer(value.bytecode, np.uint8))
            upvalues = self.value(value.upvalues, f"{where}.upvalues", owner)
            return {TAG: "lua_function", "key": code, "upvalues": upvalues}
        if kind is LuaKey:
            return {TAG: "lua_key", "value": self.value(value.value, f"{where}.value", owner)}
        raise self.refusal(where, owner, f"a value of type {kind.__module__}.{kind.__qualname__}")

    def container(self, value: list | tuple | dict, where: str, owner: object) -> object:
        """Lists stay JSON lists; tuples and dicts (any encodable keys) are tagged."""
        if id(value) in self._open_containers:
            raise self.refusal(where, owner, "a container that contains itself")
        self._open_containers.add(id(value))
        if isinstance(value, dict):
            items = [
                [
                    self.value(key, f"{where} key", owner),
                    self.value(item, f"{where}[{key!r}]", owner),
                ]
                for key, item in value.items()
            ]
            node: object = {TAG: "dict", "items": items}
        else:
            items = [self.value(item, f"{where}[{i}]", owner) for i, item in enumerate(value)]
            node = items if isinstance(value, list) else {TAG: "tuple", "items": items}
        self._open_containers.discard(id(value))
        return node

    def array(self, array: np.ndarray, where: str, owner: object) -> dict[str, object]:
        """An ndarray goes to the archive once; its node records key, dtype and shape."""
        if array.dtype.hasobject:
            raise self.refusal(where, owner, "an ndarray of object dtype (needs pickle)")
        key = self._array_keys.get(id(array))
        if key is None:
            key = self._array_keys[id(array)] = self._new_key(array)
        return {TAG: "ndarray", "key": key, "dtype": array.dtype.str, "shape": list(array.shape)}

    def numpy_scalar(self, scalar: np.generic, where: str, owner: object) -> dict[str, object]:
        """A numpy scalar (np.float32(1e-6), ...) is stored as a 0-d array: exact for any dtype."""
        array = np.asarray(scalar)
        if array.dtype.hasobject:
            raise self.refusal(where, owner, "a numpy scalar of object dtype")
        return {TAG: "numpy_scalar", "key": self._new_key(array), "dtype": array.dtype.str}

    def scalar_type(self, value: type, where: str, owner: object) -> dict[str, object]:
        """A numpy scalar type such as ``np.float32``, by its dtype name."""
        try:
            dtype = np.dtype(value)
        except TypeError:
            raise self.refusal(where, owner, f"the abstract type {value!r}") from None
        if dtype.type is not value:
            raise self.refusal(where, owner, f"the scalar type {value!r}")
        return {TAG: "scalar_type", "dtype": self.dtype_name(dtype, where, owner)}

    def dtype_name(self, dtype: np.dtype, where: str, owner: object) -> str:
        """``dtype.str`` (e.g. ``'<f4'``), checked to name ``dtype`` exactly."""
        if np.dtype(dtype.str) != dtype:
            raise self.refusal(where, owner, f"the dtype {dtype!r} (not nameable)")
        return dtype.str

    def _new_key(self, array: np.ndarray) -> str:
        key = f"{ARRAY_KEY_PREFIX}{len(self.arrays)}"
        self.arrays[key] = array
        return key

    @staticmethod
    def refusal(where: str, owner: tuple[str, str] | None, what: str) -> ValueError:
        """The save-time error: names the module and attribute (or the place) and what was there."""
        place = f"attribute {owner[1]!r} of {owner[0]} ({where})" if owner else where
        return ValueError(
            f"minitorch_l2.save: cannot save {place}: it holds {what}, which is not data; "
            f"savable values are {ALLOWED}"
        )
