"""Containers (``nn/containers/``): their children are converted by their own entries; Concat's
and Parallel's 1-based dimensions are our 0-based ones."""

from __future__ import annotations

from .... import nn
from ..mapping import LuaClass, LuaOnly, empty_long_storage


def _chain_ends(chain: nn.Sequential) -> dict:
    # Lua's Sequential:add makes its gradInput its first module's, its output its last module's.
    if not chain.modules:
        return {}
    return {"gradInput": (chain.modules[0], "gradInput"), "output": (chain.modules[-1], "output")}


ENTRIES = (
    LuaClass(
        "nn.Concat",
        nn.Concat,
        fields=("modules", "dimension"),
        zero_based=("dimension",),
        lua_only={"outputSize": LuaOnly(write=empty_long_storage, per_call=True)},
    ),
    LuaClass(
        "nn.Parallel",
        nn.Parallel,
        fields=("modules", "inputDimension", "outputDimension"),
        zero_based=("input_dimension", "output_dimension"),
        buffers=("totalOutputSize",),
    ),
    LuaClass("nn.Sequential", nn.Sequential, fields=("modules",), shares=_chain_ends),
)
