"""``nn.MultiMarginCriterion``: the multi-class hinge loss of scores x and a class target t.

For each row i, with zᵢⱼ = margin − x[i, tᵢ] + x[i, j] over the other classes j ≠ tᵢ:

    L = Σᵢ Σⱼ≠tᵢ w[tᵢ] max(0, zᵢⱼ)ᵖ / C / n      (p = 1 or 2; no 1/n without averaging),
    ∂L/∂x[i, j] = w[tᵢ] p max(0, zᵢⱼ)ᵖ⁻¹ / (C n),   ∂L/∂x[i, tᵢ] = −Σⱼ≠tᵢ ∂L/∂x[i, j],

C the number of classes; class targets are 0-based (Lua's are 1-based). Where a zᵢⱼ, its square
or the sum overflows, it is redone in float64 with x, margin and w divided by powers of two (exact)
and the power put back at the end: the representable answer, inf (with the library's warning)
only past the range.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from .._checks import check_class_scores, reuse
from .._settings import choice, real
from ._exact_mean import exact_total
from ._target_checks import check_class_targets
from ._weights import check_weight_count, checked_weights, scan_with_weights
from .criterion import Criterion


class MultiMarginCriterion(Criterion):
    """Multi-class margin (hinge) loss: each wrong class should score ``margin`` below the target.

    L = Σᵢ Σⱼ≠tᵢ w[tᵢ] max(0, margin − x[i, tᵢ] + x[i, j])ᵖ / C (/ n with averaging), for
    scores x ``(n, C)`` or ``(C,)`` and 0-based class targets tᵢ (an int for a single row).

    Parameters
    ----------
    p : int, default 1
        1 (hinge) or 2 (squared hinge), as in Lua.
    weights : array_like of shape (C,), optional
        A weight per class, applied to the rows of that target class.
    margin : float, default 1
        The required gap between the target's score and every other.
    size_average : bool, default True
        Divide by the number of rows n as well (Lua's ``sizeAverage``, which Lua's constructor
        does not take: set it after construction there).
    """

    per_call_attributes = ("_z",)  # a reused work buffer

    def __init__(
        self,
        p: int = 1,
        weights: np.ndarray | None = None,
        margin: float = 1.0,
        size_average: bool = True,
    ) -> None:
        super().__init__()
        self.p = p
        self.weights = weights
        self.margin = margin
        self.size_average = size_average
        self.validate()

    def validate(self) -> None:
        """Check ``p`` (1 or 2), ``weights``, ``margin`` (finite) and ``size_average``."""
        who = self._who()
        self.p = choice(who, "p", self.p, (1, 2))
        self.weights = checked_weights(who, self.weights)
        self.margin = real(who, "margin", self.margin)
        super().validate()

    def update_output(self, input: np.ndarray, target: object) -> float:
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is redone below
            hinge, target = self._hinge(input, target)
            if self.p == 2:
                hinge *= hinge
            if self.weights is not None:
                hinge *= self.weights[target][:, None]  # w[tᵢ] on the whole row
            total = float(hinge.sum())
        if not math.isfinite(total):
            self.output = self._scaled_loss(input, target)
            return self.output
        self.output = total / input.shape[-1]
        if self.size_average:
            self.output /= hinge.shape[0]
        return self.output

    def update_grad_input(self, input: np.ndarray, target: object) -> np.ndarray:
        try:
            with np.errstate(over="raise"):  # z, 2 g w z or a row's sum past the float range
                return self._gradient(input, target)
        except FloatingPointError:
            return self._scaled_gradient(input, target)

    def _gradient(self, input: np.ndarray, target: object) -> np.ndarray:
        """∂L/∂x, as Lua computes it."""
        hinge, target = self._hinge(input, target)
        n, classes = hinge.shape
        grad = self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        rows = grad.reshape(hinge.shape)
        g = 1 / (n * classes) if self.size_average else 1 / classes
        if self.p == 1:
            np.greater(hinge, 0, out=rows)  # 1 where the margin is violated
            rows *= g
        else:
            np.multiply(hinge, 2 * g, out=rows)  # 2 g max(0, z)
        if self.weights is not None:
            rows *= self.weights[target][:, None]
        rows[np.arange(n), target] = -rows.sum(axis=1)  # the target column is 0 before this
        return grad

    def _scaled(self, input: np.ndarray, target: np.ndarray, k: int) -> tuple:
        """(max(0, z)/2ᵏ per row and class in float64; w[tᵢ] = ŵᵢ 2^eᵢ per row, as columns)."""
        rows = np.ldexp(input.reshape(-1, input.shape[-1]).astype(np.float64), -k)
        n = rows.shape[0]
        hinge = np.ldexp(self.margin, -k) - rows[np.arange(n), target][:, None] + rows
        np.maximum(hinge, 0, out=hinge)
        hinge[np.arange(n), target] = 0
        weights = np.ones(n) if self.weights is None else self.weights[target].astype(np.float64)
        mantissas, exponents = np.frexp(weights)
        return hinge, mantissas[:, None], exponents[:, None]

    def _scaled_loss(self, input: np.ndarray, target: np.ndarray) -> float:
        """L with z/2ᵏ (k large enough that Σ (z/2ᵏ)ᵖ cannot overflow), the powers put back."""
        terms = input.size.bit_length() + 5
        k = terms if self.p == 1 else (1025 + terms) // 2 + 1
        with np.errstate(all="ignore"):  # inf (then forward's own warning) only past the range
            hinge, weights, e = self._scaled(input, target, k)
            rows = (hinge**self.p).sum(axis=1)
        divisor = input.shape[-1] * (hinge.shape[0] if self.size_average else 1)
        return exact_total(rows, weights[:, 0], exponent=e[:, 0] + self.p * k, divisor=divisor)

    def _scaled_gradient(self, input: np.ndarray, target: object) -> np.ndarray:
        """∂L/∂x from z/8 and ŵ, the power put back: inf (and a warning) only past the range."""
        target = check_class_targets(self._who(), input, target)
        n, classes = input.reshape(-1, input.shape[-1]).shape
        g = 1 / (n * classes) if self.size_average else 1 / classes
        with np.errstate(all="ignore"):
            hinge, weights, e = self._scaled(input, target, 3)
            if self.p == 1:
                hinge = np.ldexp((hinge > 0) * g, -3)
            else:
                hinge *= 2 * g
            hinge *= weights
            hinge[np.arange(n), target] = -hinge.sum(axis=1)  # then each row at its own scale
            self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
            self.grad_input.reshape(hinge.shape)[...] = np.ldexp(hinge, 3 + e)
        if not np.isfinite(self.grad_input).all():
            warnings.warn(
                f"{self._who()}: the gradient is past the float range for finite input; it "
                f"holds inf there",
                RuntimeWarning,
                stacklevel=4,
            )
        return self.grad_input

    def _hinge(self, input: np.ndarray, target: object) -> tuple[np.ndarray, np.ndarray]:
        """(max(0, z) per row and class, 0 at the target class; the checked targets)."""
        who = self._who()
        check_class_scores(who, input)
        target = check_class_targets(who, input, target)
        rows = input.reshape(-1, input.shape[-1])
        n = rows.shape[0]
        hinge = self._z = reuse(self.__dict__.get("_z"), rows.shape, input.dtype)
        picked = np.subtract(self.margin, rows[np.arange(n), target])  # margin − x[i, tᵢ]
        np.add(picked[:, None], rows, out=hinge)  # zᵢⱼ, Lua's order of operations
        np.maximum(hinge, 0, out=hinge)
        hinge[np.arange(n), target] = 0  # the target class itself takes no part
        if self.weights is not None:
            check_weight_count(who, self.weights, input)
        return hinge, target

    def _inputs_to_scan(self, input: object, target: object) -> list[tuple[str, object]]:
        return scan_with_weights(super()._inputs_to_scan(input, target), self.weights)
