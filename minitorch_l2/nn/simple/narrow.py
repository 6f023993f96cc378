"""``nn.Narrow(dim, offset, length)``: ``length`` entries of ``dim`` from ``offset`` (Lua's).

y = x[..., offset : offset + length, ...] along ``dim`` (a copy, as Lua's); ∂L/∂x is zero
except that slice, which is g. 0-based ``offset``; Lua's negative arguments: a negative
``length`` counts from the end (−1: up to the last entry, −2: all but the last), and a
negative ``offset`` keeps the first size − ``length`` entries (Lua's own rule, tested in its
suite: ``nn.Narrow(2, -1, 7)`` on 10 entries keeps 3), not the entries from the end.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._settings import integer
from ..module import Module
from ._dims import axis


class Narrow(Module):
    """y = x narrowed to ``length`` entries of ``dim`` from ``offset``; ∂L/∂x = g there, else 0.

    Parameters
    ----------
    dim : int
        The dimension to narrow (0-based; negative counts from the end).
    offset : int
        The first entry kept (0-based). Negative, as in Lua: keep the first size − ``length``
        entries, whatever the value (Lua's ``narrow(dim, 1, size - length)``).
    length : int
        How many entries (default 1); negative counts from the end, as in Lua: −1 keeps
        ``offset`` .. the last entry, −k stops k − 1 entries before it.
    """

    def __init__(self, dim: int, offset: int, length: int = 1) -> None:
        super().__init__()
        self.dim = dim
        self.offset = offset
        self.length = length
        self.validate()

    def validate(self) -> None:
        """Check that ``dim``, ``offset`` and ``length`` are ints and ``length`` is not 0."""
        who = "nn.Narrow"
        self.dim = integer(who, "dim", self.dim)
        self.offset = integer(who, "offset", self.offset)
        self.length = integer(who, "length", self.length)
        if self.length == 0:
            raise ValueError(f"{who}: length must be positive or negative (from the end), got 0")
        super().validate()

    def _slice(self, shape: tuple[int, ...]) -> tuple[slice, ...]:
        # Lua's arithmetic on its 1-based index, written for our 0-based offset.
        dim = axis(self._who(), self.dim, shape)
        size, start, length = shape[dim], self.offset, self.length
        if length < 0:
            length += size - start + (1 if start >= 0 else 2)
        if start < 0:
            start, length = 0, size - length
        if start < 0 or length < 1 or start + length > size:
            raise ValueError(
                f"{self._who()}: cannot take {length} entries from offset {start} of dim {dim}, "
                f"which has {size} (offset {self.offset}, length {self.length}, input {shape})"
            )
        return (slice(None),) * dim + (slice(start, start + length),)

    def update_output(self, input: np.ndarray) -> np.ndarray:
        part = input[self._slice(input.shape)]
        self.output = reuse(self.output, part.shape, input.dtype)
        np.copyto(self.output, part)
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        self.grad_input.fill(0)
        self.grad_input[self._slice(input.shape)] = grad_output
        return self.grad_input
