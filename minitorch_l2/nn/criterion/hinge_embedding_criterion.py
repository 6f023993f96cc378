"""``nn.HingeEmbeddingCriterion(margin)``: distances x of pairs, similar (y = 1) or not (y = −1).

    ℓᵢ = xᵢ                      if yᵢ = 1,
    ℓᵢ = max(0, margin − xᵢ)     if yᵢ = −1,        L = Σᵢ ℓᵢ / N (N elements; 1 without averaging),
    ∂L/∂xᵢ = yᵢ / N, except 0 where yᵢ = −1 and xᵢ > margin.

The input is a tensor of distances (e.g. an L1 ``PairwiseDistance``), not a table, as in Lua.
Where Σᵢ ℓᵢ (or margin − xᵢ) overflows, the terms are redone divided by a power of two 2ᵏ > 4N
(exact) and the mean multiplied back: a representable mean is returned, inf only past the range.
"""

from __future__ import annotations

import math

import numpy as np

from .._checks import reuse
from ._exact_mean import exact_total
from ._margin import MarginSetting
from ._target_checks import check_real_target, check_sign_values


class HingeEmbeddingCriterion(MarginSetting):
    """Hinge embedding loss: pull similar pairs' distances x to 0, push others beyond ``margin``.

    ℓᵢ = xᵢ for yᵢ = 1 and max(0, margin − xᵢ) for yᵢ = −1; L = Σᵢ ℓᵢ / N. The target holds +1
    or −1 per element of the input (an array of its number of elements, or a number for a
    single distance); other values are a ValueError.

    Parameters
    ----------
    margin : float, default 1
        Dissimilar pairs cost nothing once their distance exceeds it.
    size_average : bool, default True
        Divide by the number of elements N (True) or not (Lua's ``sizeAverage``, which Lua's
        constructor does not take).
    """

    per_call_attributes = ("_loss",)  # a reused work buffer

    def update_output(self, input: np.ndarray, target: object) -> float:
        target = self._checked(input, target)
        loss = self._loss = reuse(self.__dict__.get("_loss"), input.shape, input.dtype)
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is redone below
            np.subtract(self.margin, input, out=loss)
            np.maximum(loss, 0, out=loss)  # max(0, margin − x), for y = −1
            np.copyto(loss, input, where=target == 1)  # x, for y = 1
            self.output = float(loss.sum())
        if not math.isfinite(self.output):
            self.output = self._scaled_loss(input, target)
        elif self.size_average:
            self.output /= input.size
        return self.output

    def _scaled_loss(self, input: np.ndarray, target: np.ndarray) -> float:
        """L from every term divided by 2ᵏ > 4N, in float64: no overflow before the mean."""
        k = input.size.bit_length() + 2
        divisor = input.size if self.size_average else 1
        with np.errstate(all="ignore"):  # inf (then forward's own warning) only past the range
            scaled = np.ldexp(input.astype(np.float64), -k)
            terms = np.maximum(np.ldexp(self.margin, -k) - scaled, 0)
            np.copyto(terms, scaled, where=target == 1)
        return exact_total(terms, exponent=k, divisor=divisor)

    def update_grad_input(self, input: np.ndarray, target: object) -> np.ndarray:
        target = self._checked(input, target)
        grad = self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        np.copyto(grad, target)
        grad[(target == -1) & (input > self.margin)] = 0  # beyond the margin: flat
        if self.size_average:
            grad *= 1 / input.size
        return grad

    def _checked(self, input: np.ndarray, target: object) -> np.ndarray:
        """The ±1 target in the input's shape (a number for a single distance)."""
        if isinstance(target, int | float | np.number) and not isinstance(target, bool):
            target = np.array(target, dtype=input.dtype)
        target = check_real_target(self._who(), input, target)
        check_sign_values(self._who(), target)
        return target
