"""Sums of tables: copying a gradient into reused arrays, adding or scaling one into another.

Containers whose children share an input (``Concat``, ``ConcatTable``) and criteria of several
criteria (``MultiCriterion``, ``ParallelCriterion``) add tensors or tables leaf by leaf, as Lua's
``nn.utils.recursiveAdd`` does, into buffers that are reused while the layout holds.
"""

from __future__ import annotations

import numpy as np

from ._tables import describe, is_table, reuse_list


def copy_into(old: object, value: object) -> object:
    """``value`` copied leaf by leaf into ``old``'s arrays where they fit (new arrays elsewhere)."""
    if is_table(value):
        items = reuse_list(old, len(value))
        for index, item in enumerate(value):
            items[index] = copy_into(items[index], item)
        return items
    return scaled_into(old, value, 1.0)


def scaled_into(old: object, value: object, weight: float) -> object:
    """``weight · value``, written into ``old``'s arrays where they fit (new arrays elsewhere)."""
    if is_table(value):
        items = reuse_list(old, len(value))
        for index, item in enumerate(value):
            items[index] = scaled_into(items[index], item, weight)
        return items
    if not (
        isinstance(old, np.ndarray)
        and old.shape == value.shape
        and old.dtype == value.dtype
        and old is not value
    ):
        old = np.empty_like(value)
    if weight == 1:
        np.copyto(old, value)
    else:
        np.multiply(value, weight, out=old)
    return old


def add_branch(who: str, index: int, total: object, grad: object, buffer: object) -> object:
    """The running sum of branches' grad_inputs (``Concat``, ``ConcatTable``), returned.

    Branch ``index``'s ``grad`` is copied into ``buffer`` (the container's last grad_input,
    reused where it fits) when it is the first, else added into ``total``; None (a branch with
    ``compute_grad_input`` False) adds nothing.
    """
    if grad is None:
        return total
    if total is None:
        return copy_into(buffer, grad)
    add_into(f"{who}: module ({index})'s grad_input", total, grad)
    return total


def add_into(who: str, total: object, value: object, weight: float = 1.0, path: str = "") -> None:
    """``total += weight · value`` leaf by leaf, in place; another layout is a ValueError."""
    if is_table(total) or is_table(value):
        if not (is_table(total) and is_table(value) and len(total) == len(value)):
            raise ValueError(
                f"{who}: cannot add {describe(value)} to {describe(total)}{path}: the "
                f"gradients to sum have different layouts"
            )
        for index, (into, item) in enumerate(zip(total, value)):
            add_into(who, into, item, weight, f"{path}[{index}]")
        return
    if value.shape != total.shape:  # np.add would broadcast silently
        raise ValueError(
            f"{who}: cannot add a gradient of shape {value.shape} to one of shape "
            f"{total.shape}{path}: the gradients to sum have different shapes"
        )
    if weight == 1:
        np.add(total, value, out=total)
    else:
        total += weight * value
