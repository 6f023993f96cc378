"""``nn.SoftMarginCriterion``: the two-class logistic loss of scores x and labels y (±1).

    L = Σᵢ log(1 + e^(−xᵢ yᵢ)) / N,         ∂L/∂xᵢ = −yᵢ / (1 + e^(xᵢ yᵢ)) / N,

N the number of elements (1 without averaging). Computed as ``logaddexp(0, −x y)``, so a score
far on the wrong side gives its large finite loss where Lua's log(1 + exp(·)) overflows to inf
(and its gradient −y, where Lua's is inf/inf = NaN); elsewhere the numbers are Lua's.
"""

from __future__ import annotations

import math

import numpy as np

from .._checks import reuse
from .._logistic import logistic
from ._exact_mean import exact_total
from ._target_checks import check_real_target
from .criterion import Criterion


class SoftMarginCriterion(Criterion):
    """Logistic loss for labels ±1: L = Σᵢ log(1 + e^(−xᵢ yᵢ)) / N, computed without overflow.

    ∂L/∂xᵢ = −yᵢ σ(−xᵢ yᵢ) / N, σ the logistic function. The target has the input's number of
    elements: a float array of its dtype, or integers (converted).

    Parameters
    ----------
    size_average : bool, default True
        Divide by the number of elements N (True) or not (Lua's ``sizeAverage``, which Lua's
        constructor does not take).
    """

    per_call_attributes = ("_loss",)  # a reused work buffer

    def __init__(self, size_average: bool = True) -> None:
        super().__init__()
        self.size_average = size_average
        self.validate()

    def update_output(self, input: np.ndarray, target: object) -> float:
        target = check_real_target(self._who(), input, target)
        loss = self._loss = reuse(self.__dict__.get("_loss"), input.shape, input.dtype)
        with np.errstate(invalid="ignore", over="ignore"):  # NaN input: forward names it
            np.multiply(input, target, out=loss)
            np.negative(loss, out=loss)  # −x y
            np.logaddexp(0, loss, out=loss)  # log(1 + e^(−x y)), each finite for finite x y
            self.output = float(loss.sum())
        if not math.isfinite(self.output):  # the sum overflowed: added exactly scaled
            self.output = exact_total(loss, divisor=input.size if self.size_average else 1)
        elif self.size_average:
            self.output /= input.size
        return self.output

    def update_grad_input(self, input: np.ndarray, target: object) -> np.ndarray:
        target = check_real_target(self._who(), input, target)
        grad = self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        np.multiply(input, target, out=grad)
        np.negative(grad, out=grad)
        logistic(grad, grad)  # σ(−x y) = e^(−x y) / (1 + e^(−x y))
        grad *= target
        grad *= -1 / input.size if self.size_average else -1.0
        return grad
