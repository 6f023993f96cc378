"""``nn.AbsCriterion``: L = Σᵢ |xᵢ − tᵢ| / N, N = the number of elements (1 without averaging).

Gradient: ∂L/∂xᵢ = +1/N where xᵢ − tᵢ ≥ 0 and −1/N elsewhere — at xᵢ = tᵢ, Lua's +1/N, one
subgradient of |·| at its kink. Where x − t or the sum overflows, the loss is redone from
|x/2 − t/2| (``_exact_mean.py``): ±inf only where the exact loss is past the range.
"""

from __future__ import annotations

import math

import numpy as np

from .._checks import reuse
from ._exact_mean import exact_total
from ._target_checks import check_float_target
from .criterion import Criterion


class AbsCriterion(Criterion):
    """Mean (or sum) absolute error: L = Σᵢ |xᵢ − tᵢ| / N.

    ∂L/∂xᵢ = ±1/N, the sign of xᵢ − tᵢ, with +1/N at xᵢ = tᵢ as in Lua. Input and target are
    float arrays of one dtype with the same number of elements (the target is read in the
    input's shape).

    Parameters
    ----------
    size_average : bool, default True
        Divide by the number of elements N (True) or not (Lua's ``sizeAverage``).
    """

    per_call_attributes = ("_diff",)  # a reused work buffer

    def __init__(self, size_average: bool = True) -> None:
        super().__init__()
        self.size_average = size_average
        self.validate()

    def update_output(self, input: np.ndarray, target: np.ndarray) -> float:
        target = check_float_target(self._who(), input, target)
        diff = self._diff = reuse(self.__dict__.get("_diff"), input.shape, input.dtype)
        with np.errstate(invalid="ignore", over="ignore"):  # an overflow is redone below
            np.subtract(input, target, out=diff)
            self.output = float(np.abs(diff, out=diff).sum())  # Σ |x − t|
        if not math.isfinite(self.output):
            with np.errstate(all="ignore"):
                half = np.abs(input.astype(np.float64) * 0.5 - target.reshape(input.shape) * 0.5)
            self.output = exact_total(
                half, exponent=1, divisor=input.size if self.size_average else 1
            )
        elif self.size_average:
            self.output /= input.size
        return self.output

    def update_grad_input(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        target = check_float_target(self._who(), input, target)
        norm = 1 / input.size if self.size_average else 1.0
        grad = self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        np.greater_equal(input, target, out=grad)  # 1 where x − t ≥ 0, else 0
        grad *= 2 * norm
        grad -= norm  # +norm or −norm
        return grad
