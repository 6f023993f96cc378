"""The gradient reaching a node that feeds several others: the sum of what each one sends back.

For y used by consumers c₁ … cₘ, ∂L/∂y = Σⱼ ∂L/∂y|cⱼ (the multivariate chain rule). A part is
either a whole gradient (tensor or table) or, from a node made by ``split``, the gradient of
one element of y's table. One part is passed on as it is (no copy); several are added into
buffers the node owns, reused from call to call; an element of a table that no part reaches
gets zeros.
"""

from __future__ import annotations

import numpy as np

from .._tables import describe, is_table, zeros_like_table


def total(
    parts: list[tuple[int | None, object]], value: object, owned: object, who: str
) -> tuple[object, object]:
    """``(∂L/∂y, buffers)`` from the ``(element or None, gradient)`` parts reaching y.

    ``value`` is y (the forward output, for the layout of missing elements), ``owned`` the
    node's buffers from the last call (or None); the new buffers are returned to keep.
    """
    if len(parts) == 1 and parts[0][0] is None:
        return parts[0][1], owned
    whole = [grad for element, grad in parts if element is None]
    if all(element is None for element, _ in parts):
        return summed(whole, owned, who)
    if any(not is_table(grad) or len(grad) != len(value) for grad in whole):
        raise ValueError(f"{who}: the gradients reaching it differ in layout: {_layouts(whole)}")
    owned = owned if type(owned) is list and len(owned) == len(value) else [None] * len(value)
    result = []
    for k, item in enumerate(value):
        pieces = [grad[k] for grad in whole] + [grad for element, grad in parts if element == k]
        if pieces:
            grad, owned[k] = summed(pieces, owned[k], who)
        else:
            grad = owned[k] = zeros_like_table(item, owned[k])
        result.append(grad)
    return result, owned


def summed(parts: list[object], owned: object, who: str) -> tuple[object, object]:
    """``(sum of parts, buffers)``: tables leaf by leaf, into ``owned``'s arrays when they fit."""
    first = parts[0]
    if len(parts) == 1:
        return first, owned
    if is_table(first):
        if any(not is_table(part) or len(part) != len(first) for part in parts):
            raise ValueError(
                f"{who}: the gradients reaching it differ in layout: {_layouts(parts)}"
            )
        owned = owned if type(owned) is list and len(owned) == len(first) else [None] * len(first)
        result = []
        for k in range(len(first)):
            grad, owned[k] = summed([part[k] for part in parts], owned[k], who)
            result.append(grad)
        return result, owned
    if any(
        not isinstance(part, np.ndarray) or part.shape != first.shape or part.dtype != first.dtype
        for part in parts
    ):
        raise ValueError(f"{who}: the gradients reaching it differ in layout: {_layouts(parts)}")
    buffer = owned
    if not (
        isinstance(buffer, np.ndarray)
        and buffer.shape == first.shape
        and buffer.dtype == first.dtype
    ):
        buffer = np.empty_like(first)
    np.add(parts[0], parts[1], out=buffer)
    for part in parts[2:]:
        buffer += part
    return buffer, buffer


def _layouts(parts: list[object]) -> str:
    return ", ".join(describe(part) for part in parts)
