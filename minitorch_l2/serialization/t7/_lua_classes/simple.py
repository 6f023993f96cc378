"""Simple layers: ``nn.Linear``, ``nn.Identity``, ``nn.Dropout``.

Not mapped: Lua's ``nn.Normalize(p, eps)`` divides by (Σ|x|ᵖ + eps)^(1/p); our ``L2Normalize``
divides by the exact ‖x‖ (eps only for a zero row), so the two differ by about eps/‖x‖².
"""

from __future__ import annotations

from .... import nn
from ..mapping import LuaClass, LuaOnly, MappingError, empty_tensor, is_bool_or_nil
from ._checks import matrix_shape, probability


def _linear_sizes(linear: nn.Linear) -> None:
    if linear.bias is not None and linear.bias.shape != (linear.output_size,):
        raise MappingError(
            f"nn.Linear: bias must have shape ({linear.output_size},) for a weight of shape "
            f"{linear.weight.shape}, got {linear.bias.shape}"
        )


ENTRIES = (
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
            "noise": LuaOnly(write=empty_tensor),  # Lua's mask buffer, which it expects to exist
        },
        check=probability,
        sets_train=True,
    ),
    LuaClass("nn.Identity", nn.Identity),
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
        check=_linear_sizes,
    ),
)
