"""``nn.MultiLabelSoftMarginCriterion``: independent logistic losses, one per class and row.

With p = σ(x) = 1 / (1 + e^(−x)), targets y ∈ [0, 1] (usually 0 or 1) and a weight w per class:

    L = −Σᵢ wᵢ (yᵢ log pᵢ + (1 − yᵢ) log(1 − pᵢ)) / N
      = Σᵢ wᵢ (log(1 + e^(−|xᵢ|)) − xᵢ (yᵢ − [xᵢ ≥ 0])) / N,       ∂L/∂xᵢ = wᵢ (pᵢ − yᵢ) / N,

the second form Lua's stable one (no overflow for any finite x); N the number of elements (1
without averaging).
"""

from __future__ import annotations

import math

import numpy as np

from .._checks import reuse
from .._logistic import logistic
from ._exact_mean import exact_total
from ._weights import WeightsCriterion


class MultiLabelSoftMarginCriterion(WeightsCriterion):
    """Sigmoid cross-entropy of scores x and 0/1 targets y, class by class: the stable form.

    L = Σᵢ wᵢ (log(1 + e^(−|xᵢ|)) − xᵢ (yᵢ − [xᵢ ≥ 0])) / N, equal to the binary cross-entropy
    of σ(x); ∂L/∂xᵢ = wᵢ (σ(xᵢ) − yᵢ) / N. The target is a float array of the input's dtype
    and number of elements.

    Parameters
    ----------
    weights : array_like of shape (C,), optional
        A weight per class (the last dimension), broadcast over the rows.
    size_average : bool, default True
        Divide by the number of elements N (True) or not (Lua's ``sizeAverage``).
    """

    per_call_attributes = ("_linear", "_loss")  # reused work buffers

    def update_output(self, input: np.ndarray, target: np.ndarray) -> float:
        target = self._checked(input, target)
        loss = self._loss = reuse(self.__dict__.get("_loss"), input.shape, input.dtype)
        linear = self._linear = reuse(self.__dict__.get("_linear"), input.shape, input.dtype)
        np.abs(input, out=loss)
        np.negative(loss, out=loss)
        np.log1p(np.exp(loss, out=loss), out=loss)  # log(1 + e^(−|x|))
        np.greater_equal(input, 0, out=linear)  # [x ≥ 0]
        np.subtract(target, linear, out=linear)
        with np.errstate(invalid="ignore"):  # inf · 0: forward names the element instead
            linear *= input  # x (y − [x ≥ 0])
        loss -= linear
        with np.errstate(over="ignore"):  # an overflow is redone below
            unweighted = loss if self.weights is None else loss.copy()
            if self.weights is not None:
                loss *= self.weights
            self.output = float(loss.sum())
        if not math.isfinite(self.output):  # a product or the sum overflowed
            factors = None if self.weights is None else np.broadcast_to(self.weights, loss.shape)
            divisor = input.size if self.size_average else 1
            self.output = exact_total(unweighted, factors, divisor=divisor)
        elif self.size_average:
            self.output /= input.size
        return self.output

    def update_grad_input(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        target = self._checked(input, target)
        grad = self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        logistic(input, grad)  # σ(x)
        grad -= target
        if self.weights is not None:
            grad *= self.weights
        if self.size_average:
            grad *= 1 / input.size
        return grad
