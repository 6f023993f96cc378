"""``nn.Index(dim)``: the entries ``indices`` of ``dim`` of a tensor, for input [x, indices].

y = x.take(indices, axis=dim) (Lua's ``x:index(dim, indices)``); ∂L/∂x adds each row of g
back at its index (repeated indices add up), and the indices get a zero gradient, as in Lua.
"""

from __future__ import annotations

import numpy as np

from .._checks import SUPPORTED_FLOAT_CHARS, reuse
from .._settings import integer
from .._tables import describe, reuse_list
from ..module import Module
from ._dims import axis


class Index(Module):
    """y = x.take(indices, axis=dim) for input ``[x, indices]``; ∂L/∂x scatters g back.

    ``indices`` is a 1-d integer array, 0-based, each in 0 .. x.shape[dim] − 1 (Lua's 1-based
    LongTensor minus one); anything outside is a ValueError naming the index. ``grad_input`` is
    ``[∂L/∂x, zeros of the indices' shape]``, as Lua's.

    Parameters
    ----------
    dim : int
        The dimension indexed (0-based; negative counts from the end).
    """

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.dim = dim
        self.validate()

    def validate(self) -> None:
        """Check that ``dim`` is an int."""
        self.dim = integer("nn.Index", "dim", self.dim)
        super().validate()

    def check_input(self, input: list) -> None:
        """Accept ``[x, indices]``: a float32/float64 x and a 1-d integer array of indices.

        Parameters
        ----------
        input : list
            The input given to ``forward``; the indices are checked against x's size here.
        """
        who = self._who()
        if not isinstance(input, list) or len(input) != 2:
            raise TypeError(
                f"{who}: expected input [tensor, indices] (a table of two arrays), got "
                f"{describe(input)}"
            )
        tensor, indices = input
        if not isinstance(tensor, np.ndarray) or tensor.dtype.char not in SUPPORTED_FLOAT_CHARS:
            raise TypeError(
                f"{who}: expected input[0] to be a float32 or float64 array, got {describe(tensor)}"
            )
        if not isinstance(indices, np.ndarray) or indices.dtype.kind not in "iu":
            raise TypeError(
                f"{who}: expected input[1] to be an integer array of 0-based indices, got "
                f"{describe(indices)}"
            )
        if indices.ndim != 1:
            raise ValueError(
                f"{who}: expected input[1] to be a 1-d array of indices, got shape {indices.shape}"
            )
        dim = axis(who, self.dim, tensor.shape)
        size = tensor.shape[dim]
        if indices.size and (indices.min() < 0 or indices.max() >= size):
            bad = int(indices[np.argmax((indices < 0) | (indices >= size))])
            raise ValueError(
                f"{who}: index {bad} is out of range for dim {dim} of input[0] (shape "
                f"{tensor.shape}): indices are 0-based, in 0 .. {size - 1}"
            )

    def update_output(self, input: list) -> np.ndarray:
        tensor, indices = input
        dim = axis(self._who(), self.dim, tensor.shape)
        shape = tensor.shape[:dim] + indices.shape + tensor.shape[dim + 1 :]
        self.output = reuse(self.output, shape, tensor.dtype)
        np.take(tensor, indices, axis=dim, out=self.output)
        return self.output

    def update_grad_input(self, input: list, grad_output: np.ndarray) -> list:
        tensor, indices = input
        dim = axis(self._who(), self.dim, tensor.shape)
        self.grad_input = pair = reuse_list(self.grad_input, 2)
        pair[0] = reuse(pair[0], tensor.shape, tensor.dtype)
        pair[0].fill(0)
        np.add.at(pair[0], (slice(None),) * dim + (indices,), grad_output)
        pair[1] = reuse(pair[1], indices.shape, tensor.dtype)
        pair[1].fill(0)
        return self.grad_input
