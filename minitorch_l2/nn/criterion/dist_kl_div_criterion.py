"""``nn.DistKLDivCriterion``: the Kullback–Leibler divergence KL(t ‖ p) from log-probabilities x.

    L = Σᵢ tᵢ (log tᵢ − xᵢ) / N over the elements with tᵢ > 0 (0 log 0 = 0),
    ∂L/∂xᵢ = −tᵢ / N there, 0 elsewhere,

x = log p (``nn.LogSoftMax``'s output), t the target distribution, N the number of elements (1
without averaging) — Lua's normaliser, the element count, not the row count. Where a term or
the sum overflows, the loss is redone from t and (log t − x)/2 (``_exact_mean.py``): ±inf only
where the exact loss is past the range, never inf − inf.
"""

from __future__ import annotations

import math

import numpy as np

from .._checks import reuse
from ._exact_mean import exact_total
from ._target_checks import check_float_target
from .criterion import Criterion


class DistKLDivCriterion(Criterion):
    """KL divergence of a target distribution t from log-probabilities x: Σᵢ tᵢ (log tᵢ − xᵢ) / N.

    Only elements with tᵢ > 0 contribute (0 log 0 = 0); ∂L/∂xᵢ = −tᵢ / N there. The target is a
    float array of the input's shape and dtype (Lua asserts equal sizes).

    Parameters
    ----------
    size_average : bool, default True
        Divide by the number of elements N (True) or not (Lua's ``sizeAverage``, which Lua's
        constructor does not take).
    """

    per_call_attributes = ("_terms",)  # a reused work buffer

    def __init__(self, size_average: bool = True) -> None:
        super().__init__()
        self.size_average = size_average
        self.validate()

    def update_output(self, input: np.ndarray, target: np.ndarray) -> float:
        target = check_float_target(self._who(), input, target, same_shape=True)
        positive = target > 0
        terms = self._terms = reuse(self.__dict__.get("_terms"), input.shape, input.dtype)
        terms.fill(0)
        np.log(target, out=terms, where=positive)  # log t, where t > 0
        with np.errstate(invalid="ignore", over="ignore"):  # an overflow is redone below
            np.subtract(terms, input, out=terms, where=positive)
            np.multiply(terms, target, out=terms, where=positive)  # t (log t − x)
            self.output = float(terms.sum())
        if not math.isfinite(self.output):
            self.output = self._exact_loss(input, target, positive)
        elif self.size_average:
            self.output /= input.size
        return self.output

    def _exact_loss(self, input: np.ndarray, target: np.ndarray, positive: np.ndarray) -> float:
        """L from the products t · (log t − x)/2 (float64), the 2 put back once at the end."""
        with np.errstate(all="ignore"):
            t = target[positive].astype(np.float64)
            halves = np.log(t) * 0.5 - input[positive].astype(np.float64) * 0.5
        return exact_total(halves, t, exponent=1, divisor=input.size if self.size_average else 1)

    def update_grad_input(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        target = check_float_target(self._who(), input, target, same_shape=True)
        grad = self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        np.multiply(target, -1 / input.size if self.size_average else -1.0, out=grad)
        grad[target <= 0] = 0  # −t / N where t > 0 only (a negative t takes no part, as in Lua)
        return grad
