"""``nn.PairwiseDistance(p)``: the p-norm distance between each pair of rows.

With d = x1 − x2: yₙ = (Σₖ |dₙₖ|ᵖ)^(1/p);
∂L/∂x1 = g · sign(d) |d|ᵖ⁻¹ / (y + 1e-6)ᵖ⁻¹ (Lua's guard against y = 0), ∂L/∂x2 = −∂L/∂x1.
For p = 1 the gradient is g · sign(d).
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._settings import real
from .._tables import reuse_list
from ..module import Module
from ._rows import pair_rows

GUARD = 1e-6  # added to y before dividing, as Lua's PairwiseDistance does


class PairwiseDistance(Module):
    """Row-wise p-norm distance of a pair [x1, x2]: yₙ = ‖x1ₙ − x2ₙ‖ₚ.

    ∂L/∂x1 = g sign(d) |d|ᵖ⁻¹ / (y + 1e-6)ᵖ⁻¹ with d = x1 − x2, and ∂L/∂x2 = −∂L/∂x1. Vectors
    (d,) are one row: y has shape (1,). Lua differs in two places, both bugs not copied: for
    1 < p < 2 it leaves out the factor |d|ᵖ⁻², and for p = 1 it draws a random ±1 where d = 0
    (here 0, the sign).

    Parameters
    ----------
    p : float, default 2
        The norm, a finite number >= 1.
    """

    def __init__(self, p: float = 2) -> None:
        super().__init__()
        self.norm = p
        self.validate()

    def validate(self) -> None:
        """Check ``norm`` (Lua's field for p: a finite real >= 1)."""
        self.norm = real(self._who(), "norm", self.norm, 1.0)
        super().validate()

    def update_output(self, input: list[np.ndarray]) -> np.ndarray:
        rows1, rows2 = pair_rows(self._who(), input)
        diff = self._buffer("diff", rows1.shape, rows1.dtype)
        np.subtract(rows1, rows2, out=diff)
        np.abs(diff, out=diff)
        np.power(diff, self.norm, out=diff)
        self.output = reuse(self.output, (rows1.shape[0],), rows1.dtype)
        np.sum(diff, axis=1, out=self.output)
        np.power(self.output, 1.0 / self.norm, out=self.output)
        return self.output

    def update_grad_input(self, input: list[np.ndarray], grad_output: np.ndarray) -> list:
        rows1, rows2 = pair_rows(self._who(), input)
        p = self.norm
        grads = self.grad_input = reuse_list(self.grad_input, 2)
        for index in (0, 1):
            grads[index] = reuse(grads[index], input[index].shape, grad_output.dtype)
        grad = grads[0].reshape(rows1.shape)
        np.subtract(rows1, rows2, out=grad)  # d
        if p == 1:
            np.sign(grad, out=grad)
        else:
            if p != 2:  # sign(d) |d|ᵖ⁻¹, finite at d = 0 (d |d|ᵖ⁻² is not for p < 2)
                magnitude = self._buffer("magnitude", grad.shape, grad.dtype)
                np.abs(grad, out=magnitude)
                np.power(magnitude, p - 1, out=magnitude)
                np.sign(grad, out=grad)
                grad *= magnitude
            scale = self._buffer("scale", self.output.shape, grad.dtype)
            np.add(self.output, GUARD, out=scale)
            np.power(scale, -(p - 1), out=scale)
            grad *= scale[:, None]
        grad *= grad_output[:, None]
        np.negative(grads[0], out=grads[1])
        return grads
