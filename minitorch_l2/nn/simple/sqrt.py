"""``nn.Sqrt``: y = √x, ∂L/∂x = g / (2 y), and 0 where y = 0 (Torch's choice at the kink).

A negative input gives NaN there (NumPy warns), as Torch's ``sqrt``.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._settings import real
from ..module import Module


class Sqrt(Module):
    """Element-wise square root y = √x; ∂L/∂x = 0.5 · g / y, and 0 where y = 0.

    Parameters
    ----------
    eps : float
        Lua's argument, stored and unused: Lua's forward is √x whatever ``eps`` says, and so
        is this one (default 0).
    """

    def __init__(self, eps: float = 0.0) -> None:
        super().__init__()
        self.eps = eps
        self.validate()

    def validate(self) -> None:
        """Check that ``eps`` is a finite number."""
        self.eps = real("nn.Sqrt", "eps", self.eps)
        super().validate()

    def update_output(self, input: np.ndarray) -> np.ndarray:
        self.output = reuse(self.output, input.shape, input.dtype)
        np.sqrt(input, out=self.output)
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        positive = self._buffer("nonzero", input.shape, np.dtype(bool))
        np.not_equal(self.output, 0, out=positive)
        self.grad_input.fill(0)
        np.divide(grad_output, self.output, out=self.grad_input, where=positive)
        self.grad_input *= 0.5
        return self.grad_input
