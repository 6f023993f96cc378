"""``nn.SmoothL1Criterion``: the Huber loss with threshold 1, L = Σᵢ ℓ(xᵢ − tᵢ) / N.

    ℓ(z) = z²/2 if |z| < 1,   |z| − 1/2 otherwise;      ∂L/∂xᵢ = clamp(xᵢ − tᵢ, −1, 1) / N,

with N the number of elements (1 without averaging). With h = min(|z|, 1)/2, ℓ(z) = 2h (|z| − h),
one formula for both branches, equal term by term to each of Lua's in floating point. Where
x − t or the sum overflows, the loss is redone from halved terms (``_exact_mean.py``).
"""

from __future__ import annotations

import math

import numpy as np

from .._checks import reuse
from ._exact_mean import exact_total
from ._target_checks import check_float_target
from .criterion import Criterion


class SmoothL1Criterion(Criterion):
    """Smooth L1 (Huber) loss: quadratic for |x − t| < 1, linear beyond; L = Σᵢ ℓ(xᵢ − tᵢ) / N.

    ℓ(z) = z²/2 for |z| < 1 and |z| − 1/2 otherwise; ∂L/∂xᵢ = clamp(xᵢ − tᵢ, −1, 1) / N. Input
    and target: float arrays of one dtype with the same number of elements.

    Parameters
    ----------
    size_average : bool, default True
        Divide by the number of elements N (True) or not (Lua's ``sizeAverage``).
    """

    per_call_attributes = ("_half", "_size")  # reused work buffers

    def __init__(self, size_average: bool = True) -> None:
        super().__init__()
        self.size_average = size_average
        self.validate()

    def update_output(self, input: np.ndarray, target: np.ndarray) -> float:
        target = check_float_target(self._who(), input, target)
        size = self._size = reuse(self.__dict__.get("_size"), input.shape, input.dtype)
        half = self._half = reuse(self.__dict__.get("_half"), input.shape, input.dtype)
        with np.errstate(invalid="ignore", over="ignore"):  # NaN input: forward names it
            np.abs(np.subtract(input, target, out=size), out=size)  # |z|
            np.multiply(np.minimum(size, 1, out=half), 0.5, out=half)  # h = min(|z|, 1)/2
            size -= half  # |z| − h
            self.output = 2 * float(np.vecdot(half.reshape(-1), size.reshape(-1)))  # Σ ℓ(z)
        if not math.isfinite(self.output):
            self.output = self._exact_loss(input, target)
        elif self.size_average:
            self.output /= input.size
        return self.output

    def _exact_loss(self, input: np.ndarray, target: np.ndarray) -> float:
        """L from ℓ(z)/2 with z/2 = x/2 − t/2 (float64, no overflow): z²/4 or |z|/2 − 1/4."""
        with np.errstate(all="ignore"):
            half = np.abs(input.astype(np.float64) * 0.5 - target.astype(np.float64) * 0.5)
            halves = np.where(half < 0.5, half * half, half - 0.25)
        return exact_total(halves, exponent=1, divisor=input.size if self.size_average else 1)

    def update_grad_input(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        target = check_float_target(self._who(), input, target)
        grad = self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        with np.errstate(over="ignore"):  # x − t past the range is ±inf, clamped to ±1: exact
            np.subtract(input, target, out=grad)
        np.clip(grad, -1, 1, out=grad)  # clamp(x − t, −1, 1)
        if self.size_average:
            grad *= 1 / input.size
        return grad
