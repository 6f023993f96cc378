"""The one layer behind ``nn.Max`` and ``nn.Min``: the largest (smallest) entry along a dim.

y = max_dim x, the dim removed unless the input is a vector (a (d,) input gives (1,), as in
Lua). The place of each extreme (the first, on ties, as Torch's) is kept for backward: ∂L/∂x
is g at those places and 0 elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .._checks import reuse
from .._settings import integer
from ..module import Module
from ._dims import batch_axis, optional_count


class Extremum(Module):
    """Base of Max and Min: ``_value`` and ``_place`` are NumPy's max/argmax (or min/argmin).

    Parameters
    ----------
    dim : int
        The dimension reduced (0-based, default 0; negative counts from the end).
    n_input_dims : int or None
        Dimensions of one sample: an input with one more is a batch, and a ``dim`` ≥ 0 moves
        one place right (Lua's ``nInputDims``).
    """

    _value: Callable = staticmethod(np.max)
    _place: Callable = staticmethod(np.argmax)

    def __init__(self, dim: int = 0, n_input_dims: int | None = None) -> None:
        super().__init__()
        self.dim = dim
        self.n_input_dims = n_input_dims
        self.validate()

    def validate(self) -> None:
        """Check that ``dim`` is an int, and ``n_input_dims``."""
        self.dim = integer(self._who(), "dim", self.dim)
        self.n_input_dims = optional_count(self._who(), "n_input_dims", self.n_input_dims)
        super().validate()

    def _reduced_last(self, input: np.ndarray, dim: int) -> np.ndarray:
        # The input with ``dim`` last, in a reused buffer: NumPy's argmax along another axis
        # (or a strided one) would copy the whole input into a new array on every call.
        if dim == input.ndim - 1 and input.flags.c_contiguous:
            return input
        moved = np.moveaxis(input, dim, -1)
        last = self._buffer("moved", moved.shape, input.dtype)
        np.copyto(last, moved)
        return last

    def update_output(self, input: np.ndarray) -> np.ndarray:
        dim = batch_axis(self._who(), self.dim, input.shape, self.n_input_dims)
        last = self._reduced_last(input, dim)
        places = self._buffer("places", last.shape[:-1] + (1,), np.dtype(np.intp))
        self._place(last, axis=-1, out=places, keepdims=True)
        kept = input.shape[:dim] + (1,) + input.shape[dim + 1 :]
        shape = kept if input.ndim == 1 else input.shape[:dim] + input.shape[dim + 1 :]
        self.output = reuse(self.output, shape, input.dtype)
        self._value(input, axis=dim, out=self.output.reshape(kept), keepdims=True)
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        dim = batch_axis(self._who(), self.dim, input.shape, self.n_input_dims)
        kept = input.shape[:dim] + (1,) + input.shape[dim + 1 :]
        moved = input.shape[:dim] + input.shape[dim + 1 :] + (1,)
        places = np.moveaxis(self._buffer("places", moved, np.dtype(np.intp)), -1, dim)
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        self.grad_input.fill(0)
        np.put_along_axis(self.grad_input, places, grad_output.reshape(kept), axis=dim)
        return self.grad_input
