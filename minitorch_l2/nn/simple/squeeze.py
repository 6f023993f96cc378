"""``nn.Squeeze(dim=None, num_input_dims=None)``: drop dims of size 1 (Lua's ``squeeze``).

y = x without its size-1 dims (or without ``dim``, if its size is 1), a view of x; ∂L/∂x =
g.reshape(x.shape). As Torch's squeeze, the result keeps at least one dim: (1, 1) gives (1,).
"""

from __future__ import annotations

import numpy as np

from .._settings import integer
from ..module import Module
from ._dims import axis, optional_count


class Squeeze(Module):
    """y = x with its size-1 dims (or only ``dim``) removed; ∂L/∂x = g.reshape(x.shape).

    With ``num_input_dims``, an input of one more dim is a batch: ``dim`` ≥ 0 moves one place
    right, and squeezing every dim keeps a batch of one as a leading 1 (Lua's rule).

    Parameters
    ----------
    dim : int or None
        The one dim to squeeze (0-based; negative from the end), left alone when its size is
        not 1; None (default): every size-1 dim.
    num_input_dims : int or None
        Dimensions of one sample (Lua's ``numInputDims``).
    """

    def __init__(self, dim: int | None = None, num_input_dims: int | None = None) -> None:
        super().__init__()
        self.dim = dim
        self.num_input_dims = num_input_dims
        self.validate()

    def set_num_input_dims(self, num_input_dims: int | None) -> Squeeze:
        """Set the dimensions of one sample (Lua's ``setNumInputDims``); returns self.

        Parameters
        ----------
        num_input_dims : int or None
            Dimensions of one sample; None: no batch.
        """
        self.num_input_dims = num_input_dims
        self.validate()
        return self

    setNumInputDims = set_num_input_dims

    def validate(self) -> None:
        """Check that ``dim`` is None or an int, and ``num_input_dims``."""
        if self.dim is not None:
            self.dim = integer("nn.Squeeze", "dim", self.dim)
        self.num_input_dims = optional_count("nn.Squeeze", "num_input_dims", self.num_input_dims)
        super().validate()

    def _squeezed_shape(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        batch = self.num_input_dims is not None and len(shape) == self.num_input_dims + 1
        if self.dim is not None:
            dim = axis(self._who(), self.dim + batch if self.dim >= 0 else self.dim, shape)
            if shape[dim] != 1 or len(shape) == 1:
                return shape
            return shape[:dim] + shape[dim + 1 :]
        squeezed = tuple(size for size in shape if size != 1) or (1,)
        if batch and shape[0] == 1:
            squeezed = (1, *squeezed)  # a batch of one stays a batch
        return squeezed

    def update_output(self, input: np.ndarray) -> np.ndarray:
        self.output = input.reshape(self._squeezed_shape(input.shape))
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        self.grad_input = grad_output.reshape(input.shape)
        return self.grad_input
