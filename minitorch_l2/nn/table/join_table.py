"""``nn.JoinTable(dim, n_input_dims=None)``: tensors of a table joined along one dimension.

y = concatenate([x₀, x₁, …], axis=dim); each ∂L/∂xᵢ is the slice of ∂L/∂y that xᵢ filled.
``dim`` is 0-based (Lua's ``nn.JoinTable(2)`` is ``nn.JoinTable(1)``); negative counts from the
end; with ``n_input_dims``, a non-negative ``dim`` moves one place right for a batch.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._dims import index_along, resolve_dim
from .._settings import integer
from .._tables import reuse_list
from ..module import Module
from ._inputs import tensors


class JoinTable(Module):
    """Join a table of tensors along ``dim``: y = concatenate(x, axis=dim).

    ∂L/∂xᵢ = the slice of ∂L/∂y at xᵢ's place. Every tensor must have the others' sizes in
    every dimension but ``dim``.

    Parameters
    ----------
    dim : int
        The 0-based dimension to join along (Lua's ``dimension`` minus one); negative counts
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

    def _axis(self, input: list[np.ndarray]) -> int:
        return resolve_dim(self._who(), self.dimension, input[0].ndim, self.n_input_dims)

    def update_output(self, input: list[np.ndarray]) -> np.ndarray:
        first = tensors(self._who(), input)[0]
        axis = self._axis(input)
        others = first.shape[:axis] + first.shape[axis + 1 :]
        size = 0
        for index, item in enumerate(input):
            if item.ndim != first.ndim or item.shape[:axis] + item.shape[axis + 1 :] != others:
                raise ValueError(
                    f"{self._who()}: expected input[{index}] of input[0]'s shape {first.shape} "
                    f"in every dimension but {axis}, got {item.shape}"
                )
            size += item.shape[axis]
        shape = first.shape[:axis] + (size,) + first.shape[axis + 1 :]
        self.output = reuse(self.output, shape, first.dtype)
        np.concatenate(input, axis=axis, out=self.output)
        return self.output

    def update_grad_input(self, input: list[np.ndarray], grad_output: np.ndarray) -> list:
        axis = self._axis(input)
        grads = self.grad_input = reuse_list(self.grad_input, len(input))
        offset = 0
        for index, item in enumerate(input):
            size = item.shape[axis]
            grads[index] = reuse(grads[index], item.shape, grad_output.dtype)
            np.copyto(grads[index], grad_output[index_along(axis, slice(offset, offset + size))])
            offset += size
        return grads
