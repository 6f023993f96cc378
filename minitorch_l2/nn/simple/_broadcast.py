"""How Lua's CMul and CAdd lay a parameter over the input: three ways, tried in order.

1. The same number of elements: the parameter is seen with the input's shape.
2. The same number of dims: sizes equal, or 1 in the parameter (broadcast, Lua's ``expandAs``).
3. Otherwise a batch: the input seen as (n, rest) and the parameter as (1, rest).
"""

from __future__ import annotations

import math


def layout(
    who: str, name: str, input_shape: tuple[int, ...], shape: tuple[int, ...]
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(the shape to see x and g with, the shape to see the parameter with), else a ValueError."""
    size, own = math.prod(input_shape), math.prod(shape)
    if size == own:
        return input_shape, input_shape
    if len(shape) == len(input_shape):
        if all(p in (1, d) for p, d in zip(shape, input_shape)):
            return input_shape, shape
    elif input_shape and size == input_shape[0] * own:
        return (input_shape[0], own), (1, own)
    raise ValueError(
        f"{who}: the {name} of shape {shape} does not fit an input of shape {input_shape}: "
        f"expected {own} elements, a shape with 1 where the {name} is broadcast, or a batch "
        f"(n, {', '.join(map(str, shape))})"
    )


def broadcast_axes(seen: tuple[int, ...], parameter: tuple[int, ...]) -> tuple[int, ...]:
    """The axes a parameter seen as ``parameter`` is broadcast along: its gradient sums them."""
    return tuple(i for i, (d, p) in enumerate(zip(seen, parameter)) if p == 1 and d != 1)
