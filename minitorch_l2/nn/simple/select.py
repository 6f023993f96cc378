"""``nn.Select(dim, index)``: the slice ``index`` of ``dim``, one dimension fewer (Lua's).

y = x[..., index, ...] along ``dim`` (a copy, as Lua's); ∂L/∂x is zero except that slice,
which is g. 0-based ``index``; negative ``dim`` and ``index`` count from the end.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._settings import integer
from ..module import Module
from ._dims import axis


class Select(Module):
    """y = x[..., index, ...] along ``dim``; ∂L/∂x = g in that slice, 0 elsewhere.

    As Lua's ``select``, the input needs at least 2 dims (a vector cannot be selected from).

    Parameters
    ----------
    dim : int
        The dimension to select from (0-based; negative counts from the end).
    index : int
        The slice (0-based; −1 is the last).
    """

    def __init__(self, dim: int, index: int) -> None:
        super().__init__()
        self.dim = dim
        self.index = index
        self.validate()

    def validate(self) -> None:
        """Check that ``dim`` and ``index`` are ints."""
        self.dim = integer("nn.Select", "dim", self.dim)
        self.index = integer("nn.Select", "index", self.index)
        super().validate()

    def _where(self, shape: tuple[int, ...]) -> tuple:
        if len(shape) < 2:
            raise ValueError(
                f"{self._who()}: expected an input of 2 or more dims (Lua cannot select on a "
                f"vector), got shape {shape}"
            )
        dim = axis(self._who(), self.dim, shape)
        size = shape[dim]
        index = self.index + size if self.index < 0 else self.index
        if not 0 <= index < size:
            raise ValueError(
                f"{self._who()}: index {self.index} is out of range for dim {dim} of an input of "
                f"shape {shape} (valid: {-size} .. {size - 1})"
            )
        return (slice(None),) * dim + (index,)

    def update_output(self, input: np.ndarray) -> np.ndarray:
        part = input[self._where(input.shape)]
        self.output = reuse(self.output, part.shape, input.dtype)
        np.copyto(self.output, part)
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        self.grad_input.fill(0)
        self.grad_input[self._where(input.shape)] = grad_output
        return self.grad_input
