"""``nn.SmoothL1Criterion``: the Huber loss with threshold 1, L = Σᵢ ℓ(xᵢ − tᵢ) / N.

    ℓ(z) = z²/2 if |z| < 1,   |z| − 1/2 otherwise;      ∂L/∂xᵢ = clamp(xᵢ − tᵢ, −1, 1) / N,

with N the number of elements (1 without averaging). With h = min(|z|, 1)/2, ℓ(z) = 2h (|z| − h),
one formula for both branches, equal term by term to each of Lua's in floating point.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
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
        with np.errstate(invalid="ignore"):  # inf − inf, inf · 0: forward names the element
            np.abs(np.subtract(input, target, out=size), out=size)  # |z|
            np.multiply(np.minimum(size, 1, out=half), 0.5, out=half)  # h = min(|z|, 1)/2
            size -= half  # |z| − h
            self.output = 2 * float(np.vecdot(half.reshape(-1), size.reshape(-1)))  # Σ ℓ(z)
        if self.size_average:
            self.output /= input.size
        return self.output

    def update_grad_input(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        target = check_float_target(self._who(), input, target)
        grad = self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        np.subtract(input, target, out=grad)
        np.clip(grad, -1, 1, out=grad)  # clamp(x − t, −1, 1)
        if self.size_average:
            grad *= 1 / input.size
        return grad
