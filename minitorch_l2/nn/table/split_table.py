"""``nn.SplitTable(dim, n_input_dims=None)``: a tensor split into the table of its slices.

yᵢ = x selected at i along ``dim`` (one dimension fewer); ∂L/∂x stacks the ∂L/∂yᵢ back along
``dim``. ``dim`` is 0-based (Lua's ``nn.SplitTable(2)`` is ``nn.SplitTable(1)``); negative counts
from the end; with ``n_input_dims``, a non-negative ``dim`` moves one place right for a batch.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._dims import resolve_dim
from .._settings import integer
from .._tables import describe, reuse_list
from ..module import Module


class SplitTable(Module):
    """Split a tensor along ``dim`` into a table of its slices: yᵢ = x[..., i, ...].

    ∂L/∂x = stack(∂L/∂y, axis=dim). The slices are copies held in one reused buffer (Lua's are
    views of the input): the output table is the same list of the same arrays on every call.

    Parameters
    ----------
    dim : int
        The 0-based dimension to split along (Lua's ``dimension`` minus one); negative counts
        from the end.
    n_input_dims : int, optional
        The dimensions of one sample: an input with one more is a batch, and a non-negative
        ``dim`` then means the dimension after it (Lua's ``nInputDims``).
    """

    def __init__(self, dim: int, n_input_dims: int | None = None) -> None:
        super().__init__()
        self.dimension = dim
        self.n_input_dims = n_input_dims
        self.validate()

    def validate(self) -> None:
        """Check ``dimension`` (an int) and ``n_input_dims`` (None or an int >= 1)."""
        self.dimension = integer(self._who(), "dimension", self.dimension)
        if self.n_input_dims is not None:
            self.n_input_dims = integer(self._who(), "n_input_dims", self.n_input_dims, 1)
        super().validate()

    def _axis(self, input: np.ndarray) -> int:
        if type(input) is not np.ndarray:
            raise TypeError(f"{self._who()}: expected a tensor, got {describe(input)}")
        return resolve_dim(self._who(), self.dimension, input.ndim, self.n_input_dims)

    def update_output(self, input: np.ndarray) -> list[np.ndarray]:
        axis = self._axis(input)
        moved = np.moveaxis(input, axis, 0)
        slices = self._buffer("slices", moved.shape, input.dtype)
        np.copyto(slices, moved)
        out = self.output = reuse_list(self.output, len(slices))
        for index in range(len(slices)):
            if out[index] is None or out[index].base is not slices:
                out[index] = slices[index, ...]  # a view of the buffer: kept from call to call
        return out

    def update_grad_input(self, input: np.ndarray, grad_output: list) -> np.ndarray:
        axis = self._axis(input)
        self.grad_input = reuse(self.grad_input, input.shape, grad_output[0].dtype)
        np.stack(grad_output, axis=axis, out=self.grad_input)
        return self.grad_input
