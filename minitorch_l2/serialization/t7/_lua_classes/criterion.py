"""Criteria (``nn/criterion/``): ``sizeAverage``, margins and class weights; Lua's output tensors
are buffers. ClassNLL's 1-based ``ignoreIndex`` (Lua's default −100: none) is our 0-based
``ignore_index`` (None); a MultiCriterion keeps its weights in a ``torch.DoubleStorage``. Lua's
L1HingeEmbedding, Multi and Parallel criteria have no ``sizeAverage``: ours is True there."""

from __future__ import annotations

import numpy as np

from .... import nn
from ..mapping import (
    Convert,
    LuaClass,
    LuaOnly,
    MappingError,
    Storage,
    empty_table,
    empty_tensor,
    tensor_pair,
)


def _ignored_from_lua(attributes: dict, lua: dict) -> int | None:
    value = lua.get("ignoreIndex", -100)
    if isinstance(value, bool) or not isinstance(value, int):
        raise MappingError(f"nn.ClassNLLCriterion: ignoreIndex must be an integer, got {value!r}")
    return None if value == -100 else value - 1


def _ignored_to_lua(criterion: nn.ClassNLLCriterion, dtype: np.dtype) -> int:
    return -100 if criterion.ignore_index is None else criterion.ignore_index + 1


def _effective_size_average(attributes: dict, lua: dict) -> object:
    # Lua hands sizeAverage to its nll only when it changed since the last call (oldSizeAverage);
    # until then the nll's own flag is what counts.
    nll = attributes.get("nll")
    if not isinstance(nll, nn.ClassNLLCriterion):
        raise MappingError("nn.CrossEntropyCriterion: nll must be an nn.ClassNLLCriterion")
    changed = lua.get("sizeAverage") != lua.get("oldSizeAverage")
    value = lua.get("sizeAverage") if changed else nll.size_average
    nll.size_average = value
    return value


def _cross_entropy_to_lua(criterion: nn.CrossEntropyCriterion, lua: dict) -> dict:
    # Written as "changed since the last call" when the nll's flag differs, so Lua passes ours on.
    lua["oldSizeAverage"] = bool(criterion.nll.size_average)
    return lua


def _output_tensor(fill: float, fixed: object = None):
    def write(criterion: object, dtype: np.dtype) -> np.ndarray:
        return np.full(1, fill, fixed or dtype)

    return write


def _weights_from_storage(value: object, who: str, name: str) -> list[float]:
    if not isinstance(value, np.ndarray) or value.ndim != 1 or value.dtype.kind not in "iuf":
        raise MappingError(f"{who}: field {name!r} must be a storage of numbers, got {value!r:.60}")
    return [float(weight) for weight in value]


#: MultiCriterion's weights: Lua's ``torch.DoubleStorage`` ↔ our list of floats.
_WEIGHT_STORAGE = Convert(
    _weights_from_storage, lambda weights: Storage(np.array(weights, dtype=np.float64))
)


def _buffered(name: str, cls: type, *fields: str, **options: object) -> LuaClass:
    # A criterion whose Lua output_tensor is a buffer (made at the first call).
    return LuaClass(name, cls, fields=fields, buffers=("output_tensor",), **options)


def _inner(cls: type) -> LuaOnly:
    # A module Lua's criterion computes through and ours does not need.
    return LuaOnly(
        write=lambda criterion, dtype: cls(),
        accept=lambda value: type(value) is cls,
        meaning=f"inner module other than an nn.{cls.__name__}",
    )


PAIR_GRAD_INPUT = {"gradInput": LuaOnly(write=tensor_pair, per_call=True)}

ENTRIES = (
    _buffered("nn.AbsCriterion", nn.AbsCriterion, "sizeAverage"),
    LuaClass(
        "nn.BCECriterion",
        nn.BCECriterion,
        fields=("weights", "sizeAverage"),
        optional={"weights": None},
        buffers=("output_tensor", "buffer"),
    ),
    LuaClass(
        "nn.ClassNLLCriterion",
        nn.ClassNLLCriterion,
        fields=("weights", "sizeAverage"),
        optional={"weights": None},
        lua_only={
            "ignoreIndex": LuaOnly(write=_ignored_to_lua, missing=-100),  # see derive
            "output_tensor": LuaOnly(write=_output_tensor(0.0), per_call=True),
            "total_weight_tensor": LuaOnly(write=_output_tensor(1.0), per_call=True),
            "target": LuaOnly(write=_output_tensor(0, np.int64), per_call=True),
        },
        derive={"ignore_index": _ignored_from_lua},
    ),
    LuaClass(
        "nn.CosineEmbeddingCriterion",
        nn.CosineEmbeddingCriterion,
        fields=("margin", "sizeAverage"),
        lua_only=PAIR_GRAD_INPUT,
        buffers=("buffer", "w1", "w22", "w", "w32", "_outputs", "_idx", "_y"),
    ),
    LuaClass(
        "nn.CrossEntropyCriterion",
        nn.CrossEntropyCriterion,
        fields=("lsm", "nll", "sizeAverage"),
        lua_only={"oldSizeAverage": LuaOnly()},  # written by _cross_entropy_to_lua
        derive={"size_average": _effective_size_average},
        to_lua=_cross_entropy_to_lua,
    ),
    _buffered("nn.DistKLDivCriterion", nn.DistKLDivCriterion, "sizeAverage"),
    LuaClass(
        "nn.HingeEmbeddingCriterion",
        nn.HingeEmbeddingCriterion,
        fields=("margin", "sizeAverage"),
        buffers=("buffer", "ty"),
    ),
    LuaClass(
        "nn.L1HingeEmbeddingCriterion",
        nn.L1HingeEmbeddingCriterion,
        fields=("margin",),
        lua_only=PAIR_GRAD_INPUT,
        fixed={"size_average": True},
    ),
    _buffered("nn.MSECriterion", nn.MSECriterion, "sizeAverage"),
    _buffered("nn.MarginCriterion", nn.MarginCriterion, "margin", "sizeAverage"),
    LuaClass(
        "nn.MarginRankingCriterion",
        nn.MarginRankingCriterion,
        fields=("margin", "sizeAverage"),
        lua_only={  # Lua's constructor makes the pair of one element each
            "gradInput": LuaOnly(write=lambda c, t: [np.zeros(1, t), np.zeros(1, t)], per_call=True)
        },
        buffers=("_output", "dist", "mask"),
    ),
    LuaClass(
        "nn.MultiCriterion",
        nn.MultiCriterion,
        fields=("criterions", "weights"),
        convert={"weights": _WEIGHT_STORAGE},
        fixed={"size_average": True},
    ),
    LuaClass(
        "nn.MultiLabelMarginCriterion",
        nn.MultiLabelMarginCriterion,
        fields=("sizeAverage",),
        lua_only={"isTarget": LuaOnly(write=empty_tensor, per_call=True)},
        buffers=("output_tensor",),
    ),
    LuaClass(
        "nn.MultiLabelSoftMarginCriterion",
        nn.MultiLabelSoftMarginCriterion,
        fields=("weights", "sizeAverage"),
        optional={"weights": None},
        lua_only={"sigmoid": _inner(nn.Sigmoid)},
        buffers=("_buffer1", "_buffer2"),
    ),
    LuaClass(
        "nn.MultiMarginCriterion",
        nn.MultiMarginCriterion,
        fields=("p", "margin", "weights", "sizeAverage"),
        optional={"weights": None},
        buffers=("output_tensor", "target_tensor"),
    ),
    LuaClass(
        "nn.ParallelCriterion",
        nn.ParallelCriterion,
        fields=("criterions", "weights", "repeatTarget"),
        optional={"repeatTarget": False},  # nil unless given
        lua_only={"gradInput": LuaOnly(write=empty_table, per_call=True)},
        fixed={"size_average": True},
    ),
    _buffered("nn.SmoothL1Criterion", nn.SmoothL1Criterion, "sizeAverage"),
    LuaClass(
        "nn.SpatialClassNLLCriterion",
        nn.SpatialClassNLLCriterion,
        fields=("weights", "sizeAverage"),
        optional={"weights": None},
        lua_only={
            "output_tensor": LuaOnly(write=_output_tensor(0.0), per_call=True),
            "total_weight_tensor": LuaOnly(write=_output_tensor(1.0), per_call=True),
            "target": LuaOnly(write=_output_tensor(0, np.int64), per_call=True),
        },
    ),
    _buffered("nn.SoftMarginCriterion", nn.SoftMarginCriterion, "sizeAverage"),
    LuaClass(
        "nn.WeightedMSECriterion",
        nn.WeightedMSECriterion,
        fields=("weight", "sizeAverage"),
        buffers=("buffer", "output_tensor"),
    ),
)
