"""The entries of ``_lua_classes/`` by Lua name (for ``load``) and by our class (for ``save``)."""

from __future__ import annotations

from ._lua_classes import DATA_CLASSES, ENTRIES
from .mapping import LuaClass


def _index() -> tuple[dict[str, LuaClass], dict[type, LuaClass]]:
    by_name: dict[str, LuaClass] = {}
    by_class: dict[type, LuaClass] = {}
    for entry in ENTRIES:
        if entry.lua_name in by_name or entry.cls in by_class:
            raise RuntimeError(f"two entries map {entry.lua_name} or {entry.cls.__name__}")
        by_name[entry.lua_name] = entry
        by_class[entry.cls] = entry
    return by_name, by_class


BY_LUA_NAME, BY_CLASS = _index()

#: Classes kept as TorchObjects without counting as unknown (the parts of a mapped object).
DATA_ONLY = DATA_CLASSES


def mapped_lua_classes() -> list[str]:
    """The Lua classes ``load`` turns into ours, sorted (``['nn.ClassNLLCriterion', ...]``)."""
    return sorted(BY_LUA_NAME)
