"""``nn.MarginCriterion(margin)``: the two-class hinge loss of scores x and labels y (±1).

    L = Σᵢ max(0, margin − xᵢ yᵢ) / N,       ∂L/∂xᵢ = −yᵢ / N where xᵢ yᵢ < margin, else 0,

N the number of elements (1 without averaging). As in Lua the labels are not checked to be ±1:
any real y gives the formula's value.
"""

from __future__ import annotations

import math

import numpy as np

from .._checks import reuse
from ._exact_mean import exact_total
from ._margin import MarginSetting
from ._target_checks import check_real_target


class MarginCriterion(MarginSetting):
    """Hinge loss for labels ±1: L = Σᵢ max(0, margin − xᵢ yᵢ) / N.

    ∂L/∂xᵢ = −yᵢ / N where xᵢ yᵢ < margin, 0 elsewhere. The target has the input's number of
    elements: a float array of its dtype, or integers (converted).

    Parameters
    ----------
    margin : float, default 1
        The score each xᵢ yᵢ should reach.
    size_average : bool, default True
        Divide by the number of elements N (True) or not (Lua's ``sizeAverage``, which Lua's
        constructor does not take).
    """

    per_call_attributes = ("_hinge",)  # a reused work buffer

    def update_output(self, input: np.ndarray, target: object) -> float:
        target = check_real_target(self._who(), input, target)
        hinge = self._hinge = reuse(self.__dict__.get("_hinge"), input.shape, input.dtype)
        with np.errstate(invalid="ignore"):  # inf · 0: forward names the element instead
            np.multiply(input, target, out=hinge)  # x y
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is redone below
            np.subtract(self.margin, hinge, out=hinge)
            self.output = float(np.maximum(hinge, 0, out=hinge).sum())  # Σ max(0, margin − x y)
        if not math.isfinite(self.output):
            with np.errstate(all="ignore"):  # halved terms max(0, margin/2 − (x/2) y)
                half = self.margin * 0.5 - input.astype(np.float64) * 0.5 * target
            divisor = input.size if self.size_average else 1
            self.output = exact_total(np.maximum(half, 0), exponent=1, divisor=divisor)
        elif self.size_average:
            self.output /= input.size
        return self.output

    def update_grad_input(self, input: np.ndarray, target: object) -> np.ndarray:
        target = check_real_target(self._who(), input, target)
        grad = self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        np.multiply(input, target, out=grad)
        np.less(grad, self.margin, out=grad)  # 1 where x y < margin
        grad *= target
        grad *= -1 / input.size if self.size_average else -1.0  # −y / N there
        return grad
