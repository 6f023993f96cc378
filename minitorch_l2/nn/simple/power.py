"""``nn.Power(p)``: y = xᵖ, ∂L/∂x = p · g · xᵖ⁻¹.

A negative x with a non-integer p gives NaN there (NumPy warns), as Torch's ``pow``.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._settings import real
from ..module import Module


class Power(Module):
    """Element-wise power y = xᵖ; ∂L/∂x = p · g · xᵖ⁻¹ (computed as Lua: (xᵖ⁻¹ · g) · p).

    Parameters
    ----------
    p : float
        The exponent.
    """

    def __init__(self, p: float) -> None:
        super().__init__()
        self.pow = p
        self.validate()

    def validate(self) -> None:
        """Check that the exponent is a finite number."""
        self.pow = real("nn.Power", "pow", self.pow)
        super().validate()

    def update_output(self, input: np.ndarray) -> np.ndarray:
        self.output = reuse(self.output, input.shape, input.dtype)
        np.power(input, self.pow, out=self.output)
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        np.power(input, self.pow - 1, out=self.grad_input)
        self.grad_input *= grad_output
        self.grad_input *= self.pow
        return self.grad_input
