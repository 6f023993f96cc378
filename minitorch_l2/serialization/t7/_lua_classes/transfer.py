"""Transfer functions (``nn/transfer/``): their settings as Lua names them; ReLU is Lua's
Threshold(0, 0); HardShrink/SoftShrink keep λ in ``lambda``; the element buffers Lua keeps
(``buffer``, ``temp``, ...) are per-call state."""

from __future__ import annotations

from .... import nn
from ..mapping import LuaClass, LuaOnly


def _zero(value: object) -> bool:
    return value == 0 and not isinstance(value, bool)


def _inplace_default(fields: dict, version: int) -> dict:
    # Before Lua's Threshold had the flag (its validateParameters sets it so): not in place.
    return {"inplace": False, **fields}


ENTRIES = (
    LuaClass("nn.ELU", nn.ELU, fields=("alpha", "inplace")),
    LuaClass("nn.HardShrink", nn.HardShrink, fields=("lambda",), rename={"lambda": "lam"}),
    LuaClass("nn.HardTanh", nn.HardTanh, fields=("min_val", "max_val", "inplace")),
    LuaClass("nn.LeakyReLU", nn.LeakyReLU, fields=("negval", "inplace")),
    LuaClass("nn.LogSigmoid", nn.LogSigmoid, buffers=("buffer",)),
    LuaClass("nn.LogSoftMax", nn.LogSoftMax),
    LuaClass(
        "nn.PReLU",
        nn.PReLU,
        fields=("nOutputPlane", "weight", "gradWeight"),
        buffers=("gradWeightBuf", "gradWeightBuf2"),
    ),
    LuaClass(
        "nn.ReLU",
        nn.ReLU,
        fields=("inplace",),
        upgrade=_inplace_default,
        lua_only={
            "threshold": LuaOnly(write=0, accept=_zero, meaning="threshold other than 0"),
            "val": LuaOnly(write=0, accept=_zero, meaning="replacement value other than 0"),
        },
    ),
    LuaClass("nn.Sigmoid", nn.Sigmoid),
    LuaClass("nn.SoftMax", nn.SoftMax),
    LuaClass("nn.SoftMin", nn.SoftMin, buffers=("mininput",)),
    LuaClass("nn.SoftPlus", nn.SoftPlus, fields=("beta", "threshold")),
    LuaClass("nn.SoftShrink", nn.SoftShrink, fields=("lambda",), rename={"lambda": "lam"}),
    LuaClass("nn.SoftSign", nn.SoftSign, buffers=("temp", "tempgrad")),
    LuaClass("nn.Tanh", nn.Tanh),
    LuaClass(
        "nn.TanhShrink",
        nn.TanhShrink,
        # Lua's TanhShrink computes through an nn.Tanh it holds; ours needs none.
        lua_only={
            "tanh": LuaOnly(
                write=lambda module, dtype: nn.Tanh(),
                accept=lambda value: type(value) is nn.Tanh,
                meaning="inner module other than an nn.Tanh",
            )
        },
    ),
    LuaClass("nn.Threshold", nn.Threshold, fields=("threshold", "val", "inplace")),
)
