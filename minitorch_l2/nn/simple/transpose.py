"""``nn.Transpose(*pairs)``: swap dims pair after pair (Lua's ``Transpose({1, 4}, {1, 3})``).

y = x with each pair of dims swapped in turn, copied into a contiguous buffer as Lua does;
∂L/∂x = g with the pairs swapped back in reverse order.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._settings import int_tuple
from ..module import Module
from ._dims import axis, optional_count


class Transpose(Module):
    """y = x with the dims of each pair swapped, in order; ∂L/∂x undoes it on g.

    Parameters
    ----------
    *pairs : tuple of (int, int)
        Dims to swap, 0-based (negative from the end): Lua's ``nn.Transpose({1, 2}, {2, 3})``
        is ``nn.Transpose((0, 1), (1, 2))``.
    """

    def __init__(self, *pairs: tuple[int, int]) -> None:
        super().__init__()
        self.permutations = [tuple(pair) if isinstance(pair, list) else pair for pair in pairs]
        self.num_input_dims: int | None = None
        self.validate()

    def set_num_input_dims(self, num_input_dims: int | None) -> Transpose:
        """Count the pairs' dims ≥ 0 from the start of a sample, not of the batch; returns self.

        Parameters
        ----------
        num_input_dims : int or None
            Dimensions of one sample (Lua's ``setNumInputDims``); None: the whole input.
        """
        self.num_input_dims = num_input_dims
        self.validate()
        return self

    setNumInputDims = set_num_input_dims

    def validate(self) -> None:
        """Check that every pair holds two int dims, and ``num_input_dims``."""
        who = "nn.Transpose"
        if not isinstance(self.permutations, list | tuple):
            raise TypeError(
                f"{who}: permutations must be a list of pairs, got {self.permutations!r}"
            )
        for pair in self.permutations:
            if not isinstance(pair, tuple | list) or len(pair) != 2:
                raise TypeError(
                    f"{who}: each of permutations must be two dims such as (0, 1), got {pair!r}"
                )
        self.permutations = [int_tuple(who, "permutations", pair) for pair in self.permutations]
        self.num_input_dims = optional_count(who, "num_input_dims", self.num_input_dims)
        super().validate()

    def _swapped(self, array: np.ndarray, pairs: list[tuple[int, int]]) -> np.ndarray:
        shift = 0 if self.num_input_dims is None else array.ndim - self.num_input_dims
        for pair in pairs:
            a, b = (axis(self._who(), d + shift if d >= 0 else d, array.shape) for d in pair)
            array = array.swapaxes(a, b)
        return array

    def update_output(self, input: np.ndarray) -> np.ndarray:
        view = self._swapped(input, self.permutations)
        self.output = reuse(self.output, view.shape, input.dtype)
        np.copyto(self.output, view)
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        view = self._swapped(grad_output, self.permutations[::-1])
        self.grad_input = reuse(self.grad_input, view.shape, input.dtype)
        np.copyto(self.grad_input, view)
        return self.grad_input
