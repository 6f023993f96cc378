"""The table modules' one check of their input: a flat table of tensors of one dtype.

Called at the top of ``update_output`` (cheap: a loop over the table's entries, attributes
only), so that a wrong count, a nested table, mixed dtypes or mismatched shapes is a clear
error naming the module and the entry instead of a NumPy error or a silent cast.
"""

from __future__ import annotations

import numpy as np

from .._tables import describe


def tensors(who: str, input: object, count: int | None = None) -> list[np.ndarray]:
    """``input`` itself when it is a list of ``count`` (or at least one) tensors of one dtype."""
    if type(input) is not list:
        raise TypeError(f"{who}: expected a table (a list) of tensors, got {describe(input)}")
    if (count is not None and len(input) != count) or not input:
        expected = f"{count}" if count is not None else "at least 1"
        raise ValueError(
            f"{who}: expected a table of {expected} tensors, got {len(input)}: {describe(input)}"
        )
    dtype = input[0].dtype if type(input[0]) is np.ndarray else None
    for index, item in enumerate(input):
        if type(item) is not np.ndarray:
            raise TypeError(
                f"{who}: expected input[{index}] to be a tensor, got {describe(item)} (this "
                f"module takes a flat table; nn.FlattenTable flattens a nested one)"
            )
        if item.dtype != dtype:
            raise TypeError(
                f"{who}: input[{index}] has dtype {item.dtype} but input[0] has {dtype}; "
                f"pass every tensor in one dtype"
            )
    return input


def same_shapes(who: str, input: list[np.ndarray]) -> tuple[int, ...]:
    """The common shape of the tensors of ``input``; a ValueError naming the first that differs."""
    shape = input[0].shape
    for index, item in enumerate(input):
        if item.shape != shape:
            raise ValueError(
                f"{who}: expected input[{index}] of input[0]'s shape {shape}, got {item.shape} "
                f"(element-wise: no broadcasting)"
            )
    return shape
