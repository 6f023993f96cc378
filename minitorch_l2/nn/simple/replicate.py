"""``nn.Replicate(n_features, dim=0, n_dim=None)``: the input repeated along a new dim, no copy.

y = x repeated ``n_features`` times along a new dimension ``dim``: a read-only NumPy view with
stride 0 there, as Lua's zero-stride tensor (no memory is allocated or copied).
∂L/∂x = Σ g over that dimension.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._settings import integer
from ..module import Module
from ._dims import optional_count


class Replicate(Module):
    """y = x repeated ``n_features`` times along a new dim ``dim``; ∂L/∂x = Σ_dim g.

    The output is a read-only view of the input (stride 0 along ``dim``): changing the input
    changes it, and a layer in place after it cannot write into it.

    Parameters
    ----------
    n_features : int
        How many copies (≥ 1).
    dim : int
        Where the new dim goes, 0-based (default 0, the front); negative counts from the end
        of the output's dims (−1: a new last dim).
    n_dim : int or None
        Dimensions of one sample: an input with more is a batch, and ``dim`` ≥ 0 moves one
        place right (Lua's ``ndim``).
    """

    def __init__(self, n_features: int, dim: int = 0, n_dim: int | None = None) -> None:
        super().__init__()
        self.n_features = n_features
        self.dim = dim
        self.n_dim = n_dim
        self.validate()

    def validate(self) -> None:
        """Check ``n_features`` ≥ 1, an int ``dim`` and ``n_dim``."""
        who = "nn.Replicate"
        self.n_features = integer(who, "n_features", self.n_features, minimum=1)
        self.dim = integer(who, "dim", self.dim)
        self.n_dim = optional_count(who, "n_dim", self.n_dim)
        super().validate()

    def _new_axis(self, shape: tuple[int, ...]) -> int:
        ndim = len(shape)
        batch = self.dim >= 0 and self.n_dim is not None and ndim > self.n_dim
        resolved = self.dim + batch if self.dim >= 0 else self.dim + ndim + 1
        if not 0 <= resolved <= ndim:
            raise ValueError(
                f"{self._who()}: not enough input dimensions to replicate along dim {self.dim}: "
                f"input of shape {shape}"
            )
        return resolved

    def update_output(self, input: np.ndarray) -> np.ndarray:
        where = self._new_axis(input.shape)
        shape = input.shape[:where] + (self.n_features,) + input.shape[where:]
        self.output = np.broadcast_to(np.expand_dims(input, where), shape)
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        np.sum(grad_output, axis=self._new_axis(input.shape), out=self.grad_input)
        return self.grad_input
