"""Simple layers (``nn/simple/``): Linear, Dropout, the shape modules, the element-wise maps,
Normalize, BatchNormalization, LookupTable.

Lua's 1-based dimensions and indices (``dimension``, ``index``, ``pos``, Padding's ``index``)
are our 0-based ones; sizes Lua keeps in a ``torch.LongStorage`` (View, Reshape, CMul, CAdd) are
our tuples. Where Lua's field name is not ours: Narrow's ``index`` is our ``offset``, Power's
``pow`` our ``pow``, Replicate's ``nfeatures``/``ndim`` our ``n_features``/``n_dim``.

Not written back as Lua has it: ``nn.Add(n, true)`` (a scalar bias) keeps no input size in Lua,
so it loads with ``input_size=1``; ``nn.Copy`` between two equal types without ``forceCopy``
is, in Lua, two closures stored in the object, which no file we write can hold (save refuses
it; ``force_copy=True`` or the ``.npz`` format keep it).
"""

from __future__ import annotations

import numpy as np

from .... import nn
from ..mapping import (
    SIZES,
    LuaClass,
    LuaOnly,
    MappingError,
    Storage,
    empty_long_storage,
    empty_tensor,
    is_bool_or_nil,
    tensor_pair,
)
from ..upgrades import running_std_to_running_var
from ..values import LuaFunction
from ._checks import matrix_shape, vector_size

# ---------------------------------------------------------------------- Copy


def _tensor_type(name: str):
    def derive(attributes: dict, lua: dict) -> np.dtype:
        value = lua.get(name)
        if not isinstance(value, np.ndarray) or value.dtype.char not in "fd":
            raise MappingError(
                f"nn.Copy: its {name} must be a float or double tensor (Lua keeps the types "
                f"there), got {getattr(value, 'dtype', type(value).__name__)}"
            )
        return value.dtype

    return derive


def _force_copy(attributes: dict, lua: dict) -> bool:
    # Lua's Copy between equal types without forceCopy replaces its steps by two closures; for
    # two different types it always copies and keeps no flag (ours is then False: no change).
    steps = ("updateOutput", "updateGradInput")
    closures = {isinstance(lua.get(name), LuaFunction) for name in steps}
    if len(closures) > 1:
        raise MappingError("nn.Copy: has one of updateOutput/updateGradInput but not the other")
    same = attributes["in_type"] == attributes["out_type"]
    return same and not closures.pop()


def _copy_to_lua(copy: nn.Copy, lua: dict) -> dict:
    if copy.in_type == copy.out_type and not copy.force_copy:
        raise ValueError(
            "minitorch_l2.save: nn.Copy between equal types without force_copy is, in Lua, two "
            "closures stored in the object, which minitorch_l2 cannot write; use force_copy=True "
            "(the same numbers) or save as .npz"
        )
    lua["gradInput"] = np.empty(0, copy.in_type)
    lua["output"] = np.empty(0, copy.out_type)
    return lua


# ---------------------------------------------------------------------- LookupTable


def _padding_from_lua(attributes: dict, lua: dict) -> int | None:
    # Lua's paddingValue is a 1-based index, 0 (its default) for none; below 1 matches nothing.
    value = lua.get("paddingValue", 0)
    if isinstance(value, bool) or not isinstance(value, int):
        raise MappingError(f"nn.LookupTable: paddingValue must be an index, got {value!r}")
    return value - 1 if value >= 1 else None


def _padding_to_lua(table: nn.LookupTable, dtype: np.dtype) -> int:
    return 0 if table.padding_value is None else table.padding_value + 1


# ---------------------------------------------------------------------- Reshape


def _batch_sizes(table: nn.Reshape, dtype: np.dtype) -> Storage:
    # Lua's Reshape keeps (batch size, *size), the first entry written at each call.
    return Storage(np.array((1, *table.size), dtype=np.int64))


def batch_normalization(lua_name: str, cls: type) -> LuaClass:
    """The entry of a batch normalization class (Lua's SpatialBatchNormalization is one too).

    Parameters
    ----------
    lua_name : str
        The Lua class.
    cls : type
        Ours.
    """
    return LuaClass(
        lua_name,
        cls,
        fields=(
            "affine",
            "eps",
            "momentum",
            "running_mean",
            "running_var",
            "weight",
            "bias",
            "gradWeight",
            "gradBias",
        ),  # fmt: skip
        optional={"weight": None, "bias": None, "gradWeight": None, "gradBias": None},
        buffers=(
            "buffer",
            "buffer2",
            "centered",
            "std",
            "normalized",
            "_input",
            "_gradOutput",
            "save_mean",
            "save_std",
        ),  # fmt: skip
        derive={"n_output": lambda a, lua: vector_size(a, "running_mean", lua_name)},
        version=2,
        upgrade=running_std_to_running_var,
        sets_train=True,
    )


ENTRIES = (
    LuaClass("nn.Abs", nn.Abs),
    LuaClass(
        "nn.Add",
        nn.Add,
        fields=("bias", "gradBias", "scalar"),
        optional={"scalar": False},  # Lua's constructor leaves it nil without a second argument
        lua_only={"_ones": LuaOnly(write=lambda m, t: np.ones(1, t), per_call=True)},
        derive={"input_size": lambda a, lua: vector_size(a, "bias", "nn.Add")},
    ),
    LuaClass("nn.AddConstant", nn.AddConstant, fields=("constant_scalar", "inplace")),
    batch_normalization("nn.BatchNormalization", nn.BatchNormalization),
    LuaClass(
        "nn.CAdd",
        nn.CAdd,
        fields=("size", "bias", "gradBias"),
        convert={"size": SIZES},
        buffers=("_output", "_bias", "_expand", "_repeat", "_gradBias", "_gradOutput"),
    ),
    LuaClass(
        "nn.CMul",
        nn.CMul,
        fields=("size", "weight", "gradWeight"),
        convert={"size": SIZES},
        buffers=(
            "_output",
            "_weight",
            "_expand",
            "_repeat",
            "_gradOutput",
            "_gradInput",
            "_input",
            "_gradWeight",
            "_sum",
        ),  # fmt: skip
    ),
    LuaClass("nn.Clamp", nn.Clamp, fields=("min_val", "max_val", "inplace")),
    LuaClass("nn.Contiguous", nn.Contiguous),
    LuaClass(
        "nn.Copy",
        nn.Copy,
        fields=("dontCast",),
        optional={"dontCast": False},  # nil unless given
        lua_only={
            "updateOutput": LuaOnly(accept=lambda v: v is None or isinstance(v, LuaFunction)),
            "updateGradInput": LuaOnly(accept=lambda v: v is None or isinstance(v, LuaFunction)),
        },
        derive={
            "in_type": _tensor_type("gradInput"),
            "out_type": _tensor_type("output"),
            "force_copy": _force_copy,
        },
        to_lua=_copy_to_lua,
    ),
    LuaClass(
        "nn.Cosine",
        nn.Cosine,
        fields=("weight", "gradWeight"),
        buffers=("_weightNorm", "_inputNorm", "__norm", "_weight", "_gradOutput", "_sum", "_input"),
        derive={
            "input_size": lambda a, lua: matrix_shape(a, "weight", "nn.Cosine")[1],
            "output_size": lambda a, lua: matrix_shape(a, "weight", "nn.Cosine")[0],
        },
    ),
    LuaClass(
        "nn.Dropout",
        nn.Dropout,
        fields=("p",),
        lua_only={
            "v2": LuaOnly(
                write=True,
                accept=lambda value: value is True,
                missing=False,
                meaning="version-1 dropout (v2 = false: the output scaled by 1 - p at "
                "evaluation instead of by 1/(1 - p) in training)",
            ),
            "inplace": LuaOnly(write=False, accept=is_bool_or_nil),
            "stochastic_inference": LuaOnly(
                write=False,
                accept=lambda value: value in (False, None),
                missing=False,
                meaning="dropout at evaluation (stochastic_inference)",
            ),
            "noise": LuaOnly(
                write=empty_tensor, per_call=True
            ),  # Lua's mask buffer, which it expects to exist
        },
        sets_train=True,
    ),
    LuaClass(
        "nn.Euclidean",
        nn.Euclidean,
        fields=("weight", "gradWeight"),
        lua_only={
            "fastBackward": LuaOnly(write=True, accept=is_bool_or_nil),  # a speed switch
        },
        buffers=(
            "_input",
            "_weight",
            "_expand",
            "_expand2",
            "_expand3",
            "_repeat",
            "_repeat2",
            "_div",
            "_output",
            "_gradOutput",
            "_sum",
        ),  # fmt: skip
        derive={
            "input_size": lambda a, lua: matrix_shape(a, "weight", "nn.Euclidean")[0],
            "output_size": lambda a, lua: matrix_shape(a, "weight", "nn.Euclidean")[1],
        },
    ),
    LuaClass("nn.Exp", nn.Exp),
    LuaClass("nn.Identity", nn.Identity),
    LuaClass(
        "nn.Index",
        nn.Index,
        fields=("dimension",),
        rename={"dimension": "dim"},
        zero_based=("dim",),
        lua_only={"gradInput": LuaOnly(write=tensor_pair, per_call=True)},
    ),
    LuaClass(
        "nn.Linear",
        nn.Linear,
        fields=("weight", "bias", "gradWeight", "gradBias"),
        optional={"bias": None, "gradBias": None},  # absent after Lua's noBias()
        buffers=("addBuffer",),
        derive={
            "input_size": lambda a, lua: matrix_shape(a, "weight", "nn.Linear")[1],
            "output_size": lambda a, lua: matrix_shape(a, "weight", "nn.Linear")[0],
        },
    ),
    LuaClass("nn.Log", nn.Log),
    LuaClass(
        "nn.LookupTable",
        nn.LookupTable,
        fields=("weight", "gradWeight", "maxNorm", "normType", "shouldScaleGradByFreq"),
        optional={"maxNorm": None, "normType": 2.0, "shouldScaleGradByFreq": False},
        lua_only={
            "paddingValue": LuaOnly(write=_padding_to_lua, missing=0),  # see derive
        },
        buffers=("_count", "_input", "_indices", "_sorted", "copiedInput"),
        derive={
            "n_index": lambda a, lua: matrix_shape(a, "weight", "nn.LookupTable")[0],
            "n_output": lambda a, lua: matrix_shape(a, "weight", "nn.LookupTable")[1],
            "padding_value": _padding_from_lua,
        },
        version=4,
    ),
    LuaClass(
        "nn.Max",
        nn.Max,
        fields=("dimension", "nInputDims"),
        rename={"dimension": "dim"},
        zero_based=("dim",),
        optional={"nInputDims": None},
        buffers=("_indices", "_output"),
    ),
    LuaClass(
        "nn.Mean",
        nn.Mean,
        fields=("dimension", "nInputDims", "sizeAverage", "squeeze"),
        rename={"dimension": "dim"},
        zero_based=("dim",),
        optional={"nInputDims": None},
        buffers=("_gradOutput",),
    ),
    LuaClass(
        "nn.Min",
        nn.Min,
        fields=("dimension", "nInputDims"),
        rename={"dimension": "dim"},
        zero_based=("dim",),
        optional={"nInputDims": None},
        buffers=("_indices", "_output"),
    ),
    LuaClass("nn.Mul", nn.Mul, fields=("weight", "gradWeight")),
    LuaClass("nn.MulConstant", nn.MulConstant, fields=("constant_scalar", "inplace")),
    LuaClass(
        "nn.Narrow",
        nn.Narrow,
        fields=("dimension", "index", "length"),
        rename={"dimension": "dim", "index": "offset"},
        zero_based=("dim", "offset"),
    ),
    LuaClass(
        "nn.Normalize",
        nn.Normalize,
        fields=("p", "eps"),
        buffers=(
            "_output",
            "_indices",
            "_gradInput",
            "buffer",
            "buffer2",
            "norm",
            "normp",
            "cross",
        ),  # fmt: skip
    ),
    LuaClass(
        "nn.Padding",
        nn.Padding,
        fields=("dim", "pad", "nInputDim", "value", "index"),
        zero_based=("dim", "index"),
        optional={"nInputDim": None},
        lua_only={"outputSize": LuaOnly(write=empty_long_storage, per_call=True)},
    ),
    LuaClass("nn.Power", nn.Power, fields=("pow",)),
    LuaClass(
        "nn.Replicate",
        nn.Replicate,
        fields=("nfeatures", "dim", "ndim"),
        rename={"nfeatures": "n_features", "ndim": "n_dim"},
        zero_based=("dim",),
        optional={"ndim": None},
    ),
    LuaClass(
        "nn.Reshape",
        nn.Reshape,
        fields=("size", "nelement", "batchMode"),
        rename={"nelement": "num_elements"},  # recomputed from size by validate()
        convert={"size": SIZES},
        optional={"batchMode": None},
        lua_only={"batchsize": LuaOnly(write=_batch_sizes, per_call=True)},
        buffers=("_input", "_gradOutput"),
    ),
    LuaClass(
        "nn.Select",
        nn.Select,
        fields=("dimension", "index"),
        rename={"dimension": "dim"},
        zero_based=("dim", "index"),
    ),
    LuaClass("nn.Sqrt", nn.Sqrt, fields=("eps",)),
    LuaClass("nn.Square", nn.Square),
    LuaClass(
        "nn.Squeeze",
        nn.Squeeze,
        fields=("dim", "numInputDims"),
        zero_based=("dim",),
        optional={"dim": None, "numInputDims": None},
    ),
    LuaClass(
        "nn.Sum",
        nn.Sum,
        fields=("dimension", "nInputDims", "sizeAverage", "squeeze"),
        rename={"dimension": "dim"},
        zero_based=("dim",),
        optional={"nInputDims": None},
        buffers=("_gradOutput",),
    ),
    LuaClass(
        "nn.Transpose",
        nn.Transpose,
        fields=("permutations", "numInputDims"),
        zero_based=("permutations",),
        optional={"numInputDims": None},
    ),
    LuaClass(
        "nn.Unsqueeze",
        nn.Unsqueeze,
        fields=("pos", "numInputDims"),
        zero_based=("pos",),
        optional={"numInputDims": None},
    ),
    LuaClass(
        "nn.View",
        nn.View,
        fields=("size", "numElements", "numInputDims"),
        rename={"numElements": "num_elements"},  # recomputed from size by validate()
        convert={"size": SIZES},
        optional={"numInputDims": None},
    ),
)
