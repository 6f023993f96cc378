"""Criteria: ``sizeAverage`` and class weights; Lua's output tensors are buffers."""

from __future__ import annotations

import numbers

import numpy as np

from .... import nn
from ....nn._settings import real
from ..mapping import LuaClass, LuaOnly, MappingError, empty_tensor
from ._checks import size_average


def _never_a_class(value: object) -> bool:
    # Lua's ignoreIndex (default -100) is 1-based; one below 1 never equals a class target.
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and value < 1


def _class_weights(criterion: nn.ClassNLLCriterion) -> None:
    size_average(criterion)
    weights = criterion.weights
    if weights is None:
        return
    if (
        not isinstance(weights, np.ndarray)
        or weights.dtype.kind != "f"
        or weights.ndim != 1
        or weights.size == 0
        or not np.isfinite(weights).all()
    ):
        raise MappingError(
            "nn.ClassNLLCriterion: weights must be a 1-D float tensor of finite numbers, one per "
            f"class, got {getattr(weights, 'shape', type(weights).__name__)}"
        )


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


def _cross_entropy(criterion: nn.CrossEntropyCriterion) -> None:
    if type(criterion.lsm) is not nn.LogSoftMax:
        raise MappingError("nn.CrossEntropyCriterion: lsm must be an nn.LogSoftMax")
    size_average(criterion)


def _cross_entropy_to_lua(criterion: nn.CrossEntropyCriterion, lua: dict) -> dict:
    # Written as "changed since the last call" when the nll's flag differs, so Lua passes ours on.
    lua["oldSizeAverage"] = bool(criterion.nll.size_average)
    return lua


def _margin(criterion: nn.CosineEmbeddingCriterion) -> None:
    size_average(criterion)
    criterion.margin = real(criterion._who(), "margin", criterion.margin, -1.0, 1.0)


def _output_tensor(fill: float, fixed: object = None):
    def write(criterion: object, dtype: np.dtype) -> np.ndarray:
        return np.full(1, fill, fixed or dtype)

    return write


ENTRIES = (
    LuaClass(
        "nn.ClassNLLCriterion",
        nn.ClassNLLCriterion,
        fields=("weights", "sizeAverage"),
        optional={"weights": None},
        lua_only={
            "ignoreIndex": LuaOnly(
                write=-100,
                accept=_never_a_class,
                missing=-100,
                meaning="ignored class (ignoreIndex) among the classes",
            ),
            "output_tensor": LuaOnly(write=_output_tensor(0.0)),
            "total_weight_tensor": LuaOnly(write=_output_tensor(1.0)),
            "target": LuaOnly(write=_output_tensor(0, np.int64)),
        },
        check=_class_weights,
    ),
    LuaClass(
        "nn.CosineEmbeddingCriterion",
        nn.CosineEmbeddingCriterion,
        fields=("margin", "sizeAverage"),
        lua_only={
            "gradInput": LuaOnly(write=lambda c, t: [empty_tensor(c, t), empty_tensor(c, t)])
        },
        buffers=("buffer", "w1", "w22", "w", "w32", "_outputs", "_idx", "_y"),
        check=_margin,
    ),
    LuaClass(
        "nn.CrossEntropyCriterion",
        nn.CrossEntropyCriterion,
        fields=("lsm", "nll", "sizeAverage"),
        lua_only={"oldSizeAverage": LuaOnly()},  # written by _cross_entropy_to_lua
        derive={"size_average": _effective_size_average},
        check=_cross_entropy,
        to_lua=_cross_entropy_to_lua,
    ),
    LuaClass(
        "nn.MSECriterion",
        nn.MSECriterion,
        fields=("sizeAverage",),
        buffers=("output_tensor",),
        check=size_average,
    ),
)
