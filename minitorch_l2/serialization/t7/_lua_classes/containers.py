"""Containers: ``nn.Sequential`` (its children are converted by their own entries)."""

from __future__ import annotations

from .... import nn
from ..mapping import LuaClass, MappingError


def _children(container: nn.Container) -> None:
    if not isinstance(container.modules, list):
        raise MappingError(f"{container._who()}: modules must be a table of modules")
    for index, child in enumerate(container.modules):
        if not isinstance(child, nn.Module):
            raise MappingError(
                f"{container._who()}: modules[{index}] (Lua's [{index + 1}]) is a "
                f"{getattr(child, 'torch_class', type(child).__name__)}, not a module"
            )
    container.list_modules()  # refuses one module object in two places


ENTRIES = (LuaClass("nn.Sequential", nn.Sequential, fields=("modules",), check=_children),)
