"""``nn.Unsqueeze(pos, num_input_dims=None)``: insert a dim of size 1 at ``pos`` (Lua's).

y = x with a new size-1 dim before dim ``pos`` (``pos`` = x.ndim appends it), a view of x;
∂L/∂x = g.reshape(x.shape).
"""

from __future__ import annotations

import numpy as np

from .._settings import integer
from ..module import Module
from ._dims import optional_count


class Unsqueeze(Module):
    """y = x with a size-1 dim inserted at ``pos``; ∂L/∂x = g.reshape(x.shape).

    For a (p, q, r) input, ``pos`` 0 gives (1, p, q, r) and 3 gives (p, q, r, 1). With
    ``num_input_dims``, a ``pos`` ≥ 0 counts within a sample, after any leading batch dims.
    Lua remembers the first input's dims as ``numInputDims`` when none was given; this layer
    keeps ``num_input_dims`` None, so ``pos`` is always counted in the input given.

    Parameters
    ----------
    pos : int
        Where the new dim goes (0-based; negative counts from the end: −1 appends).
    num_input_dims : int or None
        Dimensions of one sample (Lua's ``numInputDims``).
    """

    def __init__(self, pos: int, num_input_dims: int | None = None) -> None:
        super().__init__()
        self.pos = pos
        self.num_input_dims = num_input_dims
        self.validate()

    def set_num_input_dims(self, num_input_dims: int | None) -> Unsqueeze:
        """Set the dimensions of one sample (Lua's ``setNumInputDims``); returns self.

        Parameters
        ----------
        num_input_dims : int or None
            Dimensions of one sample; None: the whole input.
        """
        self.num_input_dims = num_input_dims
        self.validate()
        return self

    setNumInputDims = set_num_input_dims

    def validate(self) -> None:
        """Check that ``pos`` is an int, and ``num_input_dims``."""
        self.pos = integer("nn.Unsqueeze", "pos", self.pos)
        self.num_input_dims = optional_count("nn.Unsqueeze", "num_input_dims", self.num_input_dims)
        super().validate()

    def _position(self, shape: tuple[int, ...]) -> int:
        ndim = len(shape)
        sample_dims = ndim if self.num_input_dims is None else self.num_input_dims
        if sample_dims > ndim:
            raise ValueError(
                f"{self._who()}: num_input_dims {sample_dims} is more than the input's dims "
                f"(shape {shape})"
            )
        where = self.pos + ndim - sample_dims if self.pos >= 0 else self.pos + ndim + 1
        if not 0 <= where <= ndim:
            raise ValueError(
                f"{self._who()}: invalid position {self.pos} for an input of shape {shape} "
                f"(num_input_dims {sample_dims})"
            )
        return where

    def update_output(self, input: np.ndarray) -> np.ndarray:
        self.output = np.expand_dims(input, self._position(input.shape))
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        self.grad_input = grad_output.reshape(input.shape)
        return self.grad_input

    def __tostring__(self) -> str:
        return f"nn.Unsqueeze(dim {self.pos})"
