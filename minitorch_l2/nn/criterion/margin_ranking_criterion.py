"""``nn.MarginRankingCriterion(margin)``: rank x1 above x2 (y = 1) or below it (y = −1).

For a pair of score vectors (x1, x2) of shape (n,) and targets yᵢ ∈ {+1, −1}:
    ℓᵢ = max(0, −yᵢ (x1ᵢ − x2ᵢ) + margin),   L = Σᵢ ℓᵢ / n (or the sum without averaging),
    ∂L/∂x1ᵢ = −yᵢ [ℓ's argument ≥ 0] / n,   ∂L/∂x2ᵢ = −∂L/∂x1ᵢ.
A single number y ranks one pair of 1-element tensors (Lua's non-batch mode, never averaged).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from .._checks import reuse
from .._tables import describe, reuse_list
from ._exact_mean import exact_total
from ._margin import MarginSetting
from ._target_checks import check_sign_targets


class MarginRankingCriterion(MarginSetting):
    """Hinge loss on the difference of a pair of scores: ℓ = max(0, −y (x1 − x2) + margin).

    L = Σᵢ ℓᵢ / n with ``size_average`` (Lua's default), else Σᵢ ℓᵢ. ``backward`` returns the
    pair [∂L/∂x1, ∂L/∂x2] with ∂L/∂x1ᵢ = −yᵢ / n where −yᵢ (x1ᵢ − x2ᵢ) + margin ≥ 0, else 0.

    Parameters
    ----------
    margin : float, default 1
        The margin by which x1 should exceed x2 when y = 1.
    size_average : bool, default True
        Average over the n pairs (True) or sum (Lua's ``sizeAverage``).
    """

    takes_table = True

    per_call_attributes = ("_hinge",)  # a reused work buffer

    def _distances(self, input: object, target: object) -> tuple:
        """Validate; return x1, x2, the targets and the hinge arguments −y (x1 − x2) + margin."""
        who = self._who()
        if type(input) is not list or len(input) != 2:
            raise TypeError(f"{who}: expected input to be a pair [x1, x2], got {describe(input)}")
        x1, x2 = input
        single = isinstance(target, numbers.Real) or (
            isinstance(target, np.ndarray) and target.ndim == 0
        )
        if x1.shape != x2.shape or x1.dtype != x2.dtype or (x1.ndim != 1 and not single):
            raise ValueError(
                f"{who}: expected x1 and x2 of one shape (n,) and dtype, got {describe(input)}"
            )
        if single and x1.size != 1:
            raise ValueError(
                f"{who}: a single target ranks one pair of 1-element tensors; got shape "
                f"{x1.shape} (give a target of shape ({x1.size},) for a batch)"
            )
        target = check_sign_targets(who, x1.size, single, target)
        hinge = self._hinge = reuse(self.__dict__.get("_hinge"), (x1.size,), x1.dtype)
        with np.errstate(over="ignore"):  # x1 − x2 past the range: the loss is redone scaled
            np.subtract(x1.reshape(-1), x2.reshape(-1), out=hinge)
            np.negative(hinge, out=hinge)
            hinge *= target
            hinge += self.margin
        return x1, x2, target, hinge, single

    def update_output(self, input: list[np.ndarray], target: object) -> float:
        _, _, target, hinge, single = self._distances(input, target)
        with np.errstate(over="ignore"):  # an overflow is redone below
            self.output = float(np.maximum(hinge, 0).sum())
        if not math.isfinite(self.output):  # halved terms max(0, −y (x1/2 − x2/2) + margin/2)
            x1, x2 = (np.asarray(x, dtype=np.float64).reshape(-1) * 0.5 for x in input)
            with np.errstate(all="ignore"):
                half = np.maximum(-target * (x1 - x2) + self.margin * 0.5, 0)
            divisor = target.size if self.size_average and not single else 1
            self.output = exact_total(half, exponent=1, divisor=divisor)
        elif self.size_average and not single:
            self.output /= target.size
        return self.output

    def update_grad_input(self, input: list[np.ndarray], target: object) -> list:
        x1, _, target, hinge, single = self._distances(input, target)
        grads = self.grad_input = reuse_list(self.grad_input, 2)
        for index in (0, 1):
            grads[index] = reuse(grads[index], x1.shape, x1.dtype)
        first = grads[0].reshape(-1)
        np.greater_equal(hinge, 0, out=first)  # the mask, as Lua's ge(dist, 0)
        first *= -target
        if self.size_average and not single:
            first /= target.size
        np.negative(grads[0], out=grads[1])
        return grads
