"""``nn.View(*sizes)``: the input seen with another shape, no copy (Lua's ``View``).

y = x.reshape(sizes), one size −1 inferred from the others. When the sizes hold fewer elements
than the input, the rest is a leading batch dimension, as Lua infers it: ``nn.View(12)`` on
(2, 3, 4) gives (2, 12). Gradient: ∂L/∂x = g.reshape(x.shape).
"""

from __future__ import annotations

import math

import numpy as np

from .._settings import int_tuple
from ..module import Module
from ._dims import optional_count


class View(Module):
    """y = x viewed as ``sizes`` (one may be −1), with a batch dimension inferred as in Lua.

    Lua's rule: with n the elements of the input's last ``num_input_dims`` dims (all of them
    by default) and m the product of the non-negative sizes, the batch is n / m times the
    leading dims beyond ``num_input_dims``; a −1 size takes the n / m instead. A batch of 1 is
    dropped unless ``num_input_dims`` says the input has more dims. ∂L/∂x = g.reshape(x.shape).
    The output is a view of the input (NumPy copies a non-contiguous input, where Lua raises).

    Parameters
    ----------
    *sizes : int
        The shape of a sample, each ≥ 1 or one −1; a single tuple or list works too (Lua's
        ``LongStorage``).
    """

    def __init__(self, *sizes: int) -> None:
        super().__init__()
        self.num_input_dims: int | None = None
        self.reset_size(*sizes)

    def reset_size(self, *sizes: int) -> View:
        """Set new sizes (Lua's ``resetSize``); returns self.

        Parameters
        ----------
        *sizes : int
            As for the constructor.
        """
        if len(sizes) == 1 and isinstance(sizes[0], tuple | list):
            sizes = tuple(sizes[0])
        self.size = tuple(sizes)
        self.validate()
        return self

    def set_num_input_dims(self, num_input_dims: int | None) -> View:
        """Say how many dims a sample has, so that a batch of one keeps its dim; returns self.

        Parameters
        ----------
        num_input_dims : int or None
            Dimensions of one sample (Lua's ``setNumInputDims``); None: the whole input.
        """
        self.num_input_dims = num_input_dims
        self.validate()
        return self

    resetSize = reset_size
    setNumInputDims = set_num_input_dims

    def validate(self) -> None:
        """Check the sizes (ints ≥ 1, at most one −1) and ``num_input_dims``."""
        who = "nn.View"
        self.size = int_tuple(who, "size", self.size, minimum=-1)
        if not self.size:
            raise ValueError(f"{who}: expected at least one size, got none")
        if 0 in self.size or self.size.count(-1) > 1:
            raise ValueError(f"{who}: sizes must be positive, with at most one -1, got {self.size}")
        self.num_input_dims = optional_count(who, "num_input_dims", self.num_input_dims)
        self.num_elements = math.prod(s for s in self.size if s > 0)
        super().validate()

    def _batch_size(self, shape: tuple[int, ...]) -> int | None:
        # Lua's batchsize(): None when the view has no batch dimension.
        sample_dims = len(shape) if self.num_input_dims is None else self.num_input_dims
        if sample_dims > len(shape):
            raise ValueError(
                f"{self._who()}: num_input_dims is {sample_dims} but the input has shape {shape}"
            )
        elements = math.prod(shape[len(shape) - sample_dims :])
        if elements % self.num_elements:
            raise ValueError(
                f"{self._who()}: input view {shape} and desired view {self.size} do not match"
            )
        batch = 1 if -1 in self.size else elements // self.num_elements
        batch *= math.prod(shape[: len(shape) - sample_dims])
        if batch == 1 and (self.num_input_dims is None or len(shape) <= self.num_input_dims):
            return None
        return batch

    def update_output(self, input: np.ndarray) -> np.ndarray:
        batch = self._batch_size(input.shape)
        shape = self.size if batch is None else (batch, *self.size)
        try:
            self.output = input.reshape(shape)
        except ValueError:
            raise ValueError(
                f"{self._who()}: input view {input.shape} and desired view {shape} do not match"
            ) from None
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        self.grad_input = grad_output.reshape(input.shape)
        return self.grad_input

    def __tostring__(self) -> str:
        return f"nn.View({', '.join(map(str, self.size))})"
