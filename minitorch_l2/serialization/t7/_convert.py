"""The second pass: raw nodes → Python values and our modules, without recursion.

A Lua number is an ``int`` when it is whole (and at most 2⁵³, and not -0.0), a ``float``
otherwise; a string is a ``str`` when it is UTF-8, ``bytes`` otherwise; a table is a ``list`` when
its keys are exactly 1..n (the empty table too) and a ``dict`` otherwise, keys of any type (an
unhashable one wrapped in :class:`LuaKey`); ``tds.Hash``/``tds.Vec`` are a dict and a list.
An object of a mapped class becomes our module through its entry (``mapping.build``); any other
object is an unknown class: an error naming every unknown class of the file, or, with
``keep=True``, a :class:`TorchObject`. Shared objects stay shared and cycles stay cycles: each
container is registered before its contents are converted.
"""

from __future__ import annotations

import math
from collections.abc import Generator

import numpy as np

from .._format import FormatError
from .._validation import check_sharing
from . import _tags as tags
from ._frames import run
from ._parser import MAX_DEPTH, RawFunction, RawObject, RawTable
from ._registry import BY_LUA_NAME, DATA_ONLY
from .mapping import MappingError, build
from .values import LuaFunction, LuaKey, TorchObject

_NOTHING = object()  # not in the memo
_EXACT_INTEGERS = 2**53


def number(value: float) -> int | float:
    """A Lua number as ``int`` when it is a whole number Python can hold exactly, else ``float``.

    Parameters
    ----------
    value : float
        The double from the file.
    """
    negative_zero = value == 0 and math.copysign(1.0, value) < 0
    if value.is_integer() and abs(value) <= _EXACT_INTEGERS and not negative_zero:
        return int(value)
    return value


def text(value: bytes) -> str | bytes:
    """A Lua string as ``str`` when it is valid UTF-8, else the ``bytes`` themselves.

    Parameters
    ----------
    value : bytes
        The string's bytes.
    """
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value


def _is_list(pairs: list[tuple[object, object]]) -> bool:
    keys = {key for key, _ in pairs if type(key) is float and key.is_integer()}
    return len(keys) == len(pairs) and keys == set(map(float, range(1, len(pairs) + 1)))


def _hashable(key: object) -> object:
    if isinstance(key, list | dict | np.ndarray):
        return LuaKey(key)
    return key


class Converter:
    """Converts one parsed file; ``unknown`` collects the unmapped classes met."""

    def __init__(self, keep_unknown: bool, max_depth: int = MAX_DEPTH) -> None:
        self.keep_unknown = keep_unknown
        self.max_depth = max_depth
        self.memo: dict[int, object] = {}
        self.unknown: dict[str, list[int]] = {}  # class → [count, byte offset of the first]
        self.built: list[object] = []  # every module and criterion made, for check_sharing
        self.places: dict[int, str] = {}  # id(built) → "at byte N", for check_sharing's message

    def convert(self, root: object) -> object:
        """The Python value of ``root``; a FormatError for a class that cannot be mapped."""
        value = run(self._begin, root, self.max_depth, _too_deep)
        if self.unknown and not self.keep_unknown:
            names = ", ".join(
                f"{name} ({count}×, the first at byte {at})"
                if count > 1
                else f"{name} (at byte {at})"
                for name, (count, at) in sorted(self.unknown.items())
            )
            raise FormatError(
                f"it holds objects of Lua classes minitorch_l2 does not implement: {names}; "
                f"load(path, unknown_classes='keep') gives each as a TorchObject holding its "
                f"fields"
            )
        try:
            check_sharing(self.built, self.places)
        except ValueError as error:
            raise FormatError(str(error)) from None
        return value

    # ------------------------------------------------------------------ one value
    def _begin(self, raw: object) -> object:
        kind = type(raw)
        if raw is None or kind is bool or kind is np.ndarray:
            return raw
        if kind is float:
            return number(raw)
        if kind is bytes:
            return text(raw)
        found = self.memo.get(id(raw), _NOTHING)
        if found is not _NOTHING:
            return found
        if kind is RawTable:
            return self._table(raw)
        if kind is RawFunction:
            return self._function(raw)
        return self._object(raw)

    # ------------------------------------------------------------------ frames
    def _table(self, raw: RawTable) -> Generator:
        if _is_list(raw.pairs):
            items: list = [None] * len(raw.pairs)
            self.memo[id(raw)] = items
            for key, value in raw.pairs:
                items[int(key) - 1] = yield value
            return items
        result: dict = {}
        self.memo[id(raw)] = result
        yield from self._pairs(raw.pairs, result, raw.at)
        return result

    def _pairs(self, pairs: list, result: dict, at: int) -> Generator:
        for raw_key, raw_value in pairs:
            if raw_key is None or (type(raw_key) is float and raw_key != raw_key):
                raise FormatError(f"at byte {at}: a table has the key {raw_key}, which Lua forbids")
            key = _hashable((yield raw_key))
            if key in result and (type(key) is bool) != (type(_stored_key(result, key)) is bool):
                raise FormatError(
                    f"at byte {at}: a table has both the key {bool(key)} and the number "
                    f"{int(key)}, which Python cannot tell apart"
                )
            result[key] = yield raw_value

    def _function(self, raw: RawFunction) -> Generator:
        function = self.memo[id(raw)] = LuaFunction(raw.bytecode)
        function.upvalues = yield raw.upvalues
        return function

    def _object(self, raw: RawObject) -> Generator:
        name = raw.class_name
        if name == tags.TDS_HASH:
            result: dict = {}
            self.memo[id(raw)] = result
            yield from self._pairs(raw.payload, result, raw.at)
            return result
        if name == tags.TDS_VEC:
            items = self.memo[id(raw)] = [None] * len(raw.payload)
            for index, value in enumerate(raw.payload):
                items[index] = yield value
            return items
        entry = BY_LUA_NAME.get(name)
        if entry is None:
            if name not in DATA_ONLY:
                self.unknown.setdefault(name, [0, raw.at])[0] += 1
            kept = self.memo[id(raw)] = TorchObject(name, version=raw.version)
            kept.fields = _fields(name, (yield raw.payload), raw.at)
            return kept
        shell = self.memo[id(raw)] = object.__new__(entry.cls)
        fields = _fields(name, (yield raw.payload), raw.at)
        try:
            build(entry, shell, fields, raw.version)
        except RecursionError:  # validate() walks the module tree: too deep for Python's stack
            raise FormatError(f"at byte {raw.at}: {name}: modules nested too deeply") from None
        except (MappingError, ValueError, TypeError) as error:
            # An object holding an unknown class is kept as one too (or refused with them);
            # any other failure is the file's fault.
            if not (_holds_unknown(fields) if self.keep_unknown else self.unknown):
                raise FormatError(f"at byte {raw.at}: {error}") from None
            kept = self.memo[id(raw)] = TorchObject(name, fields, raw.version)
            return kept
        self.built.append(shell)
        self.places[id(shell)] = f"at byte {raw.at}"
        return shell


def _stored_key(result: dict, key: object) -> object:
    return next(k for k in result if k == key)


def _too_deep(depth: int) -> FormatError:
    return FormatError(f"objects are nested more than {depth} deep")


def _fields(name: str, payload: object, at: int) -> dict:
    """An object's field table as a dict (a list-like one by its 1-based keys)."""
    if isinstance(payload, list):
        return {index + 1: value for index, value in enumerate(payload)}
    if not isinstance(payload, dict):
        raise FormatError(
            f"at byte {at}: the object of class {name} holds a {type(payload).__name__}, not a "
            f"table of fields (a class with its own writer, which load cannot read?)"
        )
    return payload


def _holds_unknown(fields: dict) -> bool:
    for value in fields.values():
        items = value if isinstance(value, list) else [value]
        if any(isinstance(item, TorchObject) for item in items):
            return True
    return False
