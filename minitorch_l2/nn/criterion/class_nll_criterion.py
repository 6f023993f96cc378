"""``nn.ClassNLLCriterion``: negative log-likelihood of 0-based class targets.

Input: log-probabilities ``(n, C)`` (or ``(C,)``); target: integers tᵢ ∈ [0, C). With class
weights w (default all 1) and the rows K whose target is not ``ignore_index``:

    L = −Σᵢ∈K w[tᵢ] x[i, tᵢ] / Z,   Z = Σᵢ∈K w[tᵢ] if size_average else 1,

Torch's definition: the average is over the *weights of the targets*, not the row count (the two
agree without weights). As in Torch 7, a total target weight of 0 gives L = 0, not 0/0.
Gradient: ∂L/∂x[i, tᵢ] = −w[tᵢ] / Z for i ∈ K, zero elsewhere. Where a product, the sum or Z
overflows, both are redone exactly scaled (``_exact_mean.py``): ±inf only past the range.
"""

from __future__ import annotations

import math

import numpy as np

from .._checks import check_class_scores, reuse
from .._lua_names import attribute_alias
from .._settings import integer
from ._exact_mean import exact_shares, exact_total
from ._target_checks import check_class_targets
from ._weights import check_weight_count, checked_weights
from .criterion import Criterion


class ClassNLLCriterion(Criterion):
    """Negative log-likelihood criterion; feed it the output of ``nn.LogSoftMax``.

    L = −Σᵢ w[tᵢ] x[i, tᵢ] / Z for log-probabilities x ``(n, C)`` and class targets tᵢ ∈ [0, C)
    (0-based), with Z = Σᵢ w[tᵢ] when averaging (1 otherwise) and L = 0 when Z = 0, as in Torch;
    ∂L/∂x[i, tᵢ] = −w[tᵢ] / Z and 0 elsewhere. Without weights, w = 1 and Z = n. Rows whose
    target is ``ignore_index`` take no part, in the sum or in Z.

    Parameters
    ----------
    weights : array_like of shape (C,), optional
        A weight per class (finite real numbers), e.g. to balance rare classes.
    size_average : bool
        Divide by the total weight of the targets (True, Torch's default) or not.
    ignore_index : int, optional
        A target value whose rows are skipped (Lua's ``ignoreIndex``, 0-based here: Lua's
        ``ignoreIndex = 1`` is ``ignore_index=0``). It may lie outside [0, C), e.g. ``-1``
        for padding; None (the default) ignores nothing, as Lua's default −100 does.
    """

    def __init__(
        self,
        weights: np.ndarray | None = None,
        size_average: bool = True,
        ignore_index: int | None = None,
    ) -> None:
        super().__init__()
        self.weights = weights
        self.size_average = size_average
        self.ignore_index = ignore_index
        self.validate()

    def validate(self) -> None:
        """Check the settings (weights, size_average, ignore_index), normalising them."""
        who = self._who()
        self.weights = checked_weights(who, self.weights)
        if self.ignore_index is not None:
            self.ignore_index = integer(who, "ignore_index", self.ignore_index)
        super().validate()

    ignoreIndex = attribute_alias("ignore_index")

    def update_output(self, input: np.ndarray, target: np.ndarray) -> float:
        self.output = self._loss(input, self._checked_targets(input, target))
        return self.output

    def _inputs_to_scan(self, input: object, target: object) -> list[tuple[str, object]]:
        # The class weights may explain a NaN loss too (the array is the criterion's, mutable).
        scan = super()._inputs_to_scan(input, target)
        return scan if self.weights is None else [*scan, ("weights", self.weights)]

    def _loss(self, log_probabilities: np.ndarray, target: np.ndarray) -> float:
        """L for targets that were already checked (CrossEntropyCriterion checks them once)."""
        rows_kept, target = self._kept(target)
        target_weights, total = self._target_weights_and_normaliser(log_probabilities, target)
        rows = log_probabilities.reshape(-1, log_probabilities.shape[-1])
        picked = rows[rows_kept, target]  # x[i, tᵢ]
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is redone below
            loss = -float(
                picked.sum() if target_weights is None else np.dot(target_weights, picked)
            )
        if not (math.isfinite(loss) and math.isfinite(total)):
            normaliser = (
                target_weights if self.size_average and target_weights is not None else total
            )
            return exact_total(-picked, target_weights, divisor=normaliser)
        return loss / total if total else 0.0

    def _steps(self, target_weights: np.ndarray | None, total: float) -> np.ndarray | float:
        """w[tᵢ] / Z per kept row (1/Z unweighted); exactly scaled when Z is past the range."""
        if target_weights is None:
            return 1.0 / total
        if not math.isfinite(total):
            return exact_shares(target_weights, target_weights)
        return target_weights * (1.0 / total)

    def update_grad_input(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        rows_kept, target = self._kept(self._checked_targets(input, target))
        target_weights, total = self._target_weights_and_normaliser(input, target)
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        self.grad_input.fill(0)
        if total:
            rows = self.grad_input.reshape(-1, input.shape[-1])  # a view of the buffer
            rows[rows_kept, target] = -self._steps(target_weights, total)
        return self.grad_input

    def _checked_targets(self, input: np.ndarray, target: object) -> np.ndarray:
        """``target`` as a 1-D integer array, after the shape, dtype and range checks."""
        check_class_scores(self._who(), input)
        return check_class_targets(self._who(), input, target, self.ignore_index)

    def _kept(self, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row indices, their targets) of the rows whose target is not ``ignore_index``."""
        if self.ignore_index is None:
            return np.arange(target.size), target
        rows = np.flatnonzero(target != self.ignore_index)
        return rows, target[rows]

    def _target_weights_and_normaliser(
        self, input: np.ndarray, target: np.ndarray
    ) -> tuple[np.ndarray | None, float]:
        """w[tᵢ] for checked, kept targets (None when unweighted) and the normaliser Z."""
        if self.weights is None:
            return None, (target.size if self.size_average else 1)
        check_weight_count(self._who(), self.weights, input)
        target_weights = self.weights[target]
        with np.errstate(over="ignore"):  # Z past the range: see _loss and _steps
            return target_weights, (float(target_weights.sum()) if self.size_average else 1.0)
