"""Convolution layers (``nn/convolution/``): convolutions, pooling, padding, the spatial soft
maxes, SpatialBatchNormalization (as BatchNormalization), SpatialDropout, SpatialLPPooling.

Lua's field names are ours in camelCase (``nInputPlane`` → ``n_input_plane``, ``kW`` → ``k_w``,
``padW`` → ``pad_w``); THNN's column buffers (``finput``, ``fgradInput``) and the pooling
indices are per-call state. A connection table (SpatialConvolutionMap) holds 1-based plane
numbers in Lua, 0-based ones here. An old SpatialConvolution's ``padding`` is both pads, as Lua's
``read`` makes it; older still, it has no pads (0) and a 2-D weight, viewed as 4-D as Lua's
backCompatibility does. Lua's SpatialLPPooling is a Sequential of four modules (Power or Square,
SpatialAveragePooling, MulConstant, Power or Sqrt), which save writes and load reads back; Lua
keeps no plane count there, so it loads with ``n_input_plane=1`` (which changes nothing).
"""

from __future__ import annotations

import numpy as np

from .... import nn
from ..mapping import Convert, LuaClass, LuaOnly, MappingError, Storage, empty_tensor
from .simple import batch_normalization

CONVOLUTION_BUFFERS = ("finput", "fgradInput", "_input", "_gradOutput", "columns", "zeroScalar")


def _old_padding(fields: dict, version: int) -> dict:
    # Lua's SpatialConvolution once had one ``padding`` for both sides (its read converts it).
    if "padding" not in fields:
        return fields
    fields = dict(fields)
    padding = fields.pop("padding")
    fields.setdefault("padW", padding)
    fields.setdefault("padH", padding)
    return fields


def _old_spatial_convolution(fields: dict, version: int) -> dict:
    # Lua's backCompatibility: a file from before padding has no pads (0), and an old 2-D
    # weight (the MM layout) is viewed as (nOutputPlane, nInputPlane, kH, kW).
    fields = dict(_old_padding(fields, version))
    if "padW" not in fields and "padH" not in fields:
        fields["padW"] = fields["padH"] = 0
    sizes = [fields.get(name) for name in ("nOutputPlane", "nInputPlane", "kH", "kW")]
    if all(isinstance(size, int) and size > 0 for size in sizes):
        for name in ("weight", "gradWeight"):
            tensor = fields.get(name)
            if isinstance(tensor, np.ndarray) and tensor.ndim == 2:
                if tensor.shape == (sizes[0], sizes[1] * sizes[2] * sizes[3]):
                    fields[name] = tensor.reshape(sizes)  # a view, as Lua's :view
    return fields


def _convolution(lua_name: str, cls: type, *extra: str, **options: object) -> LuaClass:
    fields = (
        "nInputPlane", "nOutputPlane", "kW", "kH", "dW", "dH", "padW", "padH", *extra,
        "weight", "bias", "gradWeight", "gradBias",
    )  # fmt: skip
    return LuaClass(
        lua_name,
        cls,
        fields=fields,
        optional={"bias": None, "gradBias": None},  # absent after Lua's noBias()
        buffers=CONVOLUTION_BUFFERS,
        **{"upgrade": _old_padding, **options},
    )


def _table_from_lua(value: object, who: str, name: str) -> np.ndarray:
    if not isinstance(value, np.ndarray) or value.ndim != 2 or value.shape[1] != 2:
        raise MappingError(f"{who}: {name} must be an (n, 2) tensor of plane numbers")
    table = value.astype(np.int64)
    if not np.array_equal(table, value) or (table < 1).any():
        raise MappingError(f"{who}: {name} must hold whole plane numbers >= 1 (Lua's 1-based)")
    return table - 1


#: A connection table: Lua's 1-based plane numbers (a DoubleTensor, as nn.tables makes them).
CONNECTIONS = Convert(_table_from_lua, lambda table: (table + 1).astype(np.float64))

MAP_FIELDS = ("connTable", "nInputPlane", "nOutputPlane", "kW", "kH", "dW", "dH")
PARAMETERS = ("weight", "bias", "gradWeight", "gradBias")


def _indices(module: object, dtype: np.dtype) -> np.ndarray:
    return np.empty(0, np.int64)  # Lua's torch.LongTensor() of the pooling's arg-maxima


def _storage_of_four(module: object, dtype: np.dtype) -> Storage:
    return Storage(np.zeros(4, np.int64))  # Lua's torch.LongStorage(4) of sizes


# ---------------------------------------------------------------------- SpatialLPPooling


def _lp_modules(pooling: nn.SpatialLPPooling, dtype: np.dtype) -> list:
    p, k_w, k_h = pooling.pnorm, pooling.k_w, pooling.k_h
    modules = [
        nn.Square() if p == 2 else nn.Power(p),
        nn.SpatialAveragePooling(k_w, k_h, pooling.d_w, pooling.d_h),
        nn.MulConstant(float(k_w * k_h)),
        nn.Sqrt() if p == 2 else nn.Power(1 / p),
    ]
    return modules


def _lp_norm(attributes: dict, lua: dict) -> float:
    modules = lua.get("modules")
    first = modules[0] if isinstance(modules, list) and len(modules) == 4 else None
    if type(first) is nn.Square:
        return 2.0
    if type(first) is nn.Power:
        return first.pow
    raise MappingError(
        "nn.SpatialLPPooling: modules must be Lua's four (Power or Square, "
        "SpatialAveragePooling, MulConstant, Power or Sqrt)"
    )


ENTRIES = (
    LuaClass(
        "nn.SpatialAdaptiveAveragePooling", nn.SpatialAdaptiveAveragePooling, fields=("W", "H")
    ),
    LuaClass(
        "nn.SpatialAdaptiveMaxPooling",
        nn.SpatialAdaptiveMaxPooling,
        fields=("W", "H"),
        buffers=("indices",),
    ),
    LuaClass(
        "nn.SpatialAveragePooling",
        nn.SpatialAveragePooling,
        fields=("kW", "kH", "dW", "dH", "padW", "padH", "ceil_mode", "count_include_pad"),
        lua_only={
            "divide": LuaOnly(
                write=True,
                accept=lambda value: value in (True, None),
                meaning="sum pooling (divide = false)",
            )
        },
    ),
    batch_normalization("nn.SpatialBatchNormalization", nn.SpatialBatchNormalization),
    _convolution("nn.SpatialConvolution", nn.SpatialConvolution, upgrade=_old_spatial_convolution),
    LuaClass(
        "nn.SpatialConvolutionMap",
        nn.SpatialConvolutionMap,
        fields=(*MAP_FIELDS, *PARAMETERS),
        convert={"connTable": CONNECTIONS},
        fixed={"pad_w": 0, "pad_h": 0},
    ),
    _convolution("nn.SpatialConvolutionMM", nn.SpatialConvolutionMM),
    LuaClass(
        "nn.SpatialCrossMapLRN",
        nn.SpatialCrossMapLRN,
        fields=("size", "alpha", "beta", "k"),
        buffers=("scale", "paddedRatio", "accumRatio"),
    ),
    _convolution(
        "nn.SpatialDilatedConvolution", nn.SpatialDilatedConvolution, "dilationW", "dilationH"
    ),
    LuaClass(
        "nn.SpatialDropout",
        nn.SpatialDropout,
        fields=("p", "stochastic_inference"),
        lua_only={"noise": LuaOnly(write=empty_tensor, per_call=True)},
        sets_train=True,
    ),
    LuaClass(
        "nn.SpatialFractionalMaxPooling",
        nn.SpatialFractionalMaxPooling,
        fields=("poolSizeW", "poolSizeH", "newRandomPool", "outW", "outH", "ratioW", "ratioH"),
        optional={"outW": None, "outH": None, "ratioW": None, "ratioH": None},
        buffers=("randomSamples", "indices"),
    ),
    _convolution(
        "nn.SpatialFullConvolution",
        nn.SpatialFullConvolution,
        "adjW",
        "adjH",
        lua_only={"ones": LuaOnly(write=empty_tensor, per_call=True)},
    ),
    LuaClass(
        "nn.SpatialFullConvolutionMap",
        nn.SpatialFullConvolutionMap,
        fields=(*MAP_FIELDS, *PARAMETERS),
        convert={"connTable": CONNECTIONS},
        fixed={"pad_w": 0, "pad_h": 0, "adj_w": 0, "adj_h": 0},
    ),
    LuaClass(
        "nn.SpatialLPPooling",
        nn.SpatialLPPooling,
        fields=("kW", "kH", "dW", "dH"),
        lua_only={"modules": LuaOnly(write=_lp_modules)},
        derive={"pnorm": _lp_norm, "n_input_plane": lambda a, lua: 1},
    ),
    LuaClass("nn.SpatialLogSoftMax", nn.SpatialLogSoftMax),
    LuaClass(
        "nn.SpatialMaxPooling",
        nn.SpatialMaxPooling,
        fields=("kW", "kH", "dW", "dH", "padW", "padH", "ceil_mode"),
        lua_only={"indices": LuaOnly(write=_indices, per_call=True)},
        buffers=("iheight", "iwidth"),
    ),
    LuaClass(
        "nn.SpatialReflectionPadding",
        nn.SpatialReflectionPadding,
        fields=("pad_l", "pad_r", "pad_t", "pad_b"),
    ),
    LuaClass(
        "nn.SpatialReplicationPadding",
        nn.SpatialReplicationPadding,
        fields=("pad_l", "pad_r", "pad_t", "pad_b"),
    ),
    LuaClass("nn.SpatialSoftMax", nn.SpatialSoftMax),
    LuaClass(
        "nn.SpatialUpSamplingNearest",
        nn.SpatialUpSamplingNearest,
        fields=("scale_factor",),
        lua_only={
            "inputSize": LuaOnly(write=_storage_of_four, per_call=True),
            "outputSize": LuaOnly(write=_storage_of_four, per_call=True),
        },
    ),
    LuaClass(
        "nn.SpatialZeroPadding",
        nn.SpatialZeroPadding,
        fields=("pad_l", "pad_r", "pad_t", "pad_b"),
    ),
    LuaClass(
        "nn.TemporalConvolution",
        nn.TemporalConvolution,
        fields=("inputFrameSize", "outputFrameSize", "kW", "dW", *PARAMETERS),
    ),
    LuaClass(
        "nn.TemporalMaxPooling", nn.TemporalMaxPooling, fields=("kW", "dW"), buffers=("indices",)
    ),
    _convolution("nn.VolumetricConvolution", nn.VolumetricConvolution, "kT", "dT", "padT"),
    LuaClass(
        "nn.VolumetricMaxPooling",
        nn.VolumetricMaxPooling,
        fields=(
            "kT",
            "kW",
            "kH",
            "dT",
            "dW",
            "dH",
            "padT",
            "padW",
            "padH",
            "ceil_mode",
        ),  # fmt: skip
        lua_only={"indices": LuaOnly(write=_indices, per_call=True)},
        buffers=("itime", "iheight", "iwidth"),
    ),
)
