"""The table modules' one check of their input: a flat table of tensors of one dtype.

:class:`TensorTable` is the base of the modules whose input is such a table (``CAddTable``,
``JoinTable``, ``MM``, ``DotProduct``, ...): its ``check_input``, run once by ``forward`` (and by
``backward`` at another input than the forward's), walks the entries once and refuses a wrong
count, a nested table, a non-float or mixed dtype with a message naming the module and the
entry. ``update_output`` then keeps only the cheap shape test it needs (:func:`same_shapes`).
"""

from __future__ import annotations

import numpy as np

from .._tables import check_leaf_dtype, describe
from ..module import Module


def check_tensors(
    who: str, input: object, count: int | None = None, dtype: np.dtype | None = None
) -> None:
    """Raise unless ``input`` is a list of ``count`` (or at least one) float tensors of one dtype.

    The dtype is ``dtype`` when given (the module's parameters'); a TypeError or ValueError
    names ``who`` and the entry.
    """
    if type(input) is not list:
        raise TypeError(f"{who}: expected a table (a list) of tensors, got {describe(input)}")
    if (count is not None and len(input) != count) or not input:
        expected = f"{count}" if count is not None else "at least 1"
        raise ValueError(
            f"{who}: expected a table of {expected} tensors, got {len(input)}: {describe(input)}"
        )
    first = None
    for index, item in enumerate(input):
        if not isinstance(item, np.ndarray):
            raise TypeError(
                f"{who}: expected input[{index}] to be a tensor, got {describe(item)} (this "
                f"module takes a flat table; nn.FlattenTable flattens a nested one)"
            )
        check_leaf_dtype(who, item, f"input[{index}]", dtype)
        if first is None:
            first = item.dtype
        elif item.dtype != first:
            raise TypeError(
                f"{who}: input[{index}] has dtype {item.dtype} but input[0] has {first}; "
                f"pass every tensor in one dtype"
            )


class TensorTable(Module):
    """Base of the modules whose input is a flat table of ``table_size`` tensors of one dtype."""

    takes_table = True
    #: How many tensors the table holds (None: any number, at least one).
    table_size: int | None = None

    def check_input(self, input: object) -> None:
        """Accept a flat table (list) of float32/float64 tensors of one dtype, else raise.

        As many tensors as the module takes (two for a pair module), of the parameters' dtype
        if the module has parameters. A nested table, a wrong count or mixed dtypes is a
        TypeError or ValueError naming the module and the entry.

        Parameters
        ----------
        input : object
            The input given to ``forward`` (tuples already read as lists).
        """
        check_tensors(self._who(), input, self.table_size, self._parameter_dtype())


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
