"""Table modules (``nn/table/``): their settings as Lua names them, 1-based dimensions and
indices 0-based; a table ``gradInput`` is written as Lua's constructor makes it (``{}``, or a
pair of empty tensors); the containers ConcatTable and ParallelTable hold their children."""

from __future__ import annotations

from .... import nn
from ..mapping import (
    LuaClass,
    LuaOnly,
    empty_long_storage,
    empty_table,
    empty_tensor,
    tensor_pair,
)
from ._checks import matrix_shape


def _bilinear_sizes(attributes: dict, lua: dict) -> tuple[int, int, int]:
    weight = attributes.get("weight")
    if getattr(weight, "ndim", None) != 3 or min(weight.shape) < 1:
        matrix_shape(attributes, "weight", "nn.Bilinear (a 3-D weight)")  # raises
    return weight.shape


def _empty_tensors(*names: str) -> dict[str, LuaOnly]:
    # Buffers Lua's constructor makes as empty tensors: written so, whatever a file holds.
    return {name: LuaOnly(write=empty_tensor, per_call=True) for name in names}


TABLE_GRAD_INPUT = {"gradInput": LuaOnly(write=empty_table, per_call=True)}
PAIR_GRAD_INPUT = {"gradInput": LuaOnly(write=tensor_pair, per_call=True)}
TABLE_OUTPUT = {"output": LuaOnly(write=empty_table, per_call=True)}

ENTRIES = (
    LuaClass(
        "nn.Bilinear",
        nn.Bilinear,
        fields=("weight", "bias", "gradWeight", "gradBias"),
        optional={"bias": None, "gradBias": None},
        lua_only=PAIR_GRAD_INPUT,
        buffers=("buff1", "buff2"),
        derive={
            "output_size": lambda a, lua: _bilinear_sizes(a, lua)[0],
            "input_size1": lambda a, lua: _bilinear_sizes(a, lua)[1],
            "input_size2": lambda a, lua: _bilinear_sizes(a, lua)[2],
        },
    ),
    LuaClass(
        "nn.CAddTable",
        nn.CAddTable,
        fields=("inplace",),
        optional={"inplace": False},  # nil unless given
        lua_only=TABLE_GRAD_INPUT,
    ),
    LuaClass("nn.CDivTable", nn.CDivTable, lua_only=TABLE_GRAD_INPUT),
    LuaClass(
        "nn.CMaxTable",
        nn.CMaxTable,
        lua_only={**TABLE_GRAD_INPUT, **_empty_tensors("maxIdx", "mask", "maxVals", "gradMaxVals")},
        buffers=("maskByteTensor",),
    ),
    LuaClass(
        "nn.CMinTable",
        nn.CMinTable,
        lua_only={**TABLE_GRAD_INPUT, **_empty_tensors("minIdx", "mask", "minVals", "gradMaxVals")},
        buffers=("maskByteTensor",),
    ),
    LuaClass("nn.CMulTable", nn.CMulTable, lua_only=TABLE_GRAD_INPUT, buffers=("tout",)),
    LuaClass("nn.CSubTable", nn.CSubTable, lua_only=TABLE_GRAD_INPUT),
    LuaClass("nn.ConcatTable", nn.ConcatTable, fields=("modules",), lua_only=TABLE_OUTPUT),
    LuaClass(
        "nn.CosineDistance",
        nn.CosineDistance,
        lua_only=PAIR_GRAD_INPUT,
        buffers=("buffer", "w1", "w22", "w", "w32", "ones", "_input1", "_input2"),
    ),
    LuaClass("nn.DotProduct", nn.DotProduct, lua_only=PAIR_GRAD_INPUT, buffers=("buffer",)),
    LuaClass(
        "nn.FlattenTable",
        nn.FlattenTable,
        lua_only={
            **TABLE_OUTPUT,
            **TABLE_GRAD_INPUT,
            "input_map": LuaOnly(write=empty_table, per_call=True),
        },
    ),
    LuaClass(
        "nn.JoinTable",
        nn.JoinTable,
        fields=("dimension", "nInputDims"),
        zero_based=("dimension",),
        optional={"nInputDims": None},
        lua_only={**TABLE_GRAD_INPUT, "size": LuaOnly(write=empty_long_storage, per_call=True)},
    ),
    LuaClass(
        "nn.MM",
        nn.MM,
        fields=("transA", "transB"),
        rename={"transA": "trans_a", "transB": "trans_b"},
        lua_only=PAIR_GRAD_INPUT,
    ),
    LuaClass("nn.MV", nn.MV, fields=("trans",), lua_only=PAIR_GRAD_INPUT),
    LuaClass(
        "nn.NarrowTable",
        nn.NarrowTable,
        fields=("offset", "length"),
        zero_based=("offset",),
        lua_only={**TABLE_OUTPUT, **TABLE_GRAD_INPUT},
    ),
    LuaClass(
        "nn.PairwiseDistance",
        nn.PairwiseDistance,
        fields=("norm",),
        lua_only={**TABLE_GRAD_INPUT, **_empty_tensors("diff")},
        buffers=("outExpand", "grad", "ones"),
    ),
    LuaClass(
        "nn.ParallelTable",
        nn.ParallelTable,
        fields=("modules",),
        lua_only={**TABLE_OUTPUT, **TABLE_GRAD_INPUT},
    ),
    LuaClass(
        "nn.SelectTable",
        nn.SelectTable,
        fields=("index",),
        zero_based=("index",),
        lua_only=TABLE_GRAD_INPUT,
    ),
    LuaClass(
        "nn.SplitTable",
        nn.SplitTable,
        fields=("dimension", "nInputDims"),
        zero_based=("dimension",),
        optional={"nInputDims": None},
    ),
)
