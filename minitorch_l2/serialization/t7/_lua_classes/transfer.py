"""Transfer functions: no state beyond Lua's bookkeeping; ReLU is Lua's Threshold(0, 0)."""

from __future__ import annotations

from .... import nn
from ..mapping import LuaClass, LuaOnly, is_bool_or_nil


def _zero(value: object) -> bool:
    return value == 0 and not isinstance(value, bool)


ENTRIES = (
    LuaClass("nn.LogSoftMax", nn.LogSoftMax),
    LuaClass(
        "nn.ReLU",
        nn.ReLU,
        lua_only={
            "threshold": LuaOnly(write=0, accept=_zero, meaning="threshold other than 0"),
            "val": LuaOnly(write=0, accept=_zero, meaning="replacement value other than 0"),
            # In place or not, the outputs are the same numbers; ours never writes its input.
            "inplace": LuaOnly(write=False, accept=is_bool_or_nil),
        },
    ),
    LuaClass("nn.Sigmoid", nn.Sigmoid),
    LuaClass("nn.SoftMax", nn.SoftMax),
    LuaClass("nn.Tanh", nn.Tanh),
)
