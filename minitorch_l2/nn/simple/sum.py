"""``nn.Sum(dim=0, n_input_dims=None, size_average=False, squeeze=True)``: y = Σ x along dim.

y = Σ_dim x (divided by the dim's size with ``size_average``), that dim removed unless the
input is a vector, as in Lua: a (d,) input gives (1,). ∂L/∂x = g broadcast back along dim
(divided by the size with ``size_average``).
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._settings import boolean, integer
from ..module import Module
from ._dims import batch_axis, optional_count


class Sum(Module):
    """y = Σ_dim x (or the mean, with ``size_average``); ∂L/∂x = g repeated along dim.

    Parameters
    ----------
    dim : int
        The dimension summed (0-based, default 0; negative counts from the end).
    n_input_dims : int or None
        Dimensions of one sample: an input with one more is a batch, and a ``dim`` ≥ 0 moves
        one place right (Lua's ``nInputDims``).
    size_average : bool
        Divide by the size of the dim: the mean (default False).
    squeeze : bool
        Drop the summed dim (default True; a vector's sum keeps shape (1,), as in Lua).
    """

    def __init__(
        self,
        dim: int = 0,
        n_input_dims: int | None = None,
        size_average: bool = False,
        squeeze: bool = True,
    ) -> None:
        super().__init__()
        self.dim = dim
        self.n_input_dims = n_input_dims
        self.size_average = size_average
        self.squeeze = squeeze
        self.validate()

    def validate(self) -> None:
        """Check ``dim`` (an int), ``n_input_dims``, and the two flags."""
        who = self._who()
        self.dim = integer(who, "dim", self.dim)
        self.n_input_dims = optional_count(who, "n_input_dims", self.n_input_dims)
        self.size_average = boolean(who, "size_average", self.size_average)
        self.squeeze = boolean(who, "squeeze", self.squeeze)
        super().validate()

    def update_output(self, input: np.ndarray) -> np.ndarray:
        dim = batch_axis(self._who(), self.dim, input.shape, self.n_input_dims)
        keep = not self.squeeze or input.ndim == 1
        shape = input.shape[:dim] + (1,) * keep + input.shape[dim + 1 :]
        self.output = reuse(self.output, shape, input.dtype)
        np.sum(input, axis=dim, keepdims=keep, out=self.output)
        if self.size_average:
            self.output /= input.shape[dim]
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        dim = batch_axis(self._who(), self.dim, input.shape, self.n_input_dims)
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        # g with the summed dim as size 1 (kept or not by forward), broadcast along it.
        np.copyto(
            self.grad_input, grad_output.reshape(input.shape[:dim] + (1,) + input.shape[dim + 1 :])
        )
        if self.size_average:
            self.grad_input /= input.shape[dim]
        return self.grad_input
