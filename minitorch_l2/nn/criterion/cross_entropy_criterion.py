"""``nn.CrossEntropyCriterion``: ``nn.LogSoftMax`` followed by ``nn.ClassNLLCriterion`` on logits.

    L = −Σᵢ w[tᵢ] (x[i, tᵢ] − log Σⱼ exp x[i, j]) / Z,   ∂L/∂x[i, j] = w[tᵢ] (pᵢⱼ − [j = tᵢ]) / Z,

with p = softmax(x) and Z as in ClassNLLCriterion. The log-sum-exp is taken after subtracting the
row maximum, so logits of ±1000 are exact. ``backward`` does not depend on a previous ``forward``:
it reuses the forward's log-softmax only when ``input`` equals, element for element, the input
``forward`` saw (a copy is kept, and comparing it costs one pass instead of the log-softmax's
six); otherwise it computes the log-softmax again. A loss past the float range from finite
logits (a row spanning ±1e308) is redone from halved terms (``_exact_mean.py``): ±inf only where
the exact loss is past the range.

The gradient is written in the closed form above (p = exp(log-softmax), subtract 1 at the
targets, scale) rather than chained through ClassNLL's one-hot gradient and LogSoftMax's
backward: the same numbers in five array passes instead of nine, and the targets are checked
once per call instead of twice.
"""

from __future__ import annotations

import math

import numpy as np

from .._checks import check_class_scores, reuse
from ..transfer.log_softmax import LogSoftMax
from ._exact_mean import exact_total
from ._target_checks import check_class_targets
from ._weights import check_weight_count, checked_weights
from .class_nll_criterion import ClassNLLCriterion
from .criterion import Criterion


class CrossEntropyCriterion(Criterion):
    """Softmax cross-entropy of logits ``(n, C)`` (or ``(C,)``) and 0-based class targets.

    L = −Σᵢ w[tᵢ] (x[i, tᵢ] − log Σⱼ exp x[i, j]) / Z, i.e. ``LogSoftMax`` then
    ``ClassNLLCriterion`` (Z as there), computed stably for logits of ±1000;
    ∂L/∂x[i, j] = w[tᵢ] (pᵢⱼ − [j = tᵢ]) / Z with p = softmax(x).

    Parameters
    ----------
    weights : array_like of shape (C,), optional
        A weight per class, passed to the inner ``ClassNLLCriterion``.
    size_average : bool
        Divide by the total weight of the targets (True) or not.
    """

    def __init__(self, weights: np.ndarray | None = None, size_average: bool = True) -> None:
        super().__init__(size_average)  # its arguments checked under this criterion's name
        self.lsm = LogSoftMax()
        self.nll = ClassNLLCriterion(checked_weights(self._who(), weights), self.size_average)
        self.validate()

    def validate(self) -> None:
        """Check ``lsm`` (a LogSoftMax), ``nll`` (a ClassNLLCriterion) and ``size_average``."""
        who = self._who()
        for name, cls in (("lsm", LogSoftMax), ("nll", ClassNLLCriterion)):
            if type(getattr(self, name)) is not cls:
                raise TypeError(
                    f"{who}: {name} must be an nn.{cls.__name__}, got "
                    f"{type(getattr(self, name)).__name__}"
                )
        try:
            self.nll.validate()
        except (TypeError, ValueError) as error:
            raise type(error)(f"{who}: nll: {error}") from None
        super().validate()

    per_call_attributes = ("_seen_input",)

    def update_output(self, input: np.ndarray, target: np.ndarray) -> float:
        target = self._checked_targets(input, target)
        self.output = self.nll._loss(self.lsm.update_output(input), target)
        if not math.isfinite(self.output):  # a term or the sum past the range: redone scaled
            self.output = self._exact_loss(input, target)
        self._seen_input = reuse(getattr(self, "_seen_input", None), input.shape, input.dtype)
        np.copyto(self._seen_input, input)  # backward may reuse lsm.output for this very input
        return self.output

    def _exact_loss(self, input: np.ndarray, target: np.ndarray) -> float:
        """L from halved terms (m − x[i, tᵢ])/2 + log Σⱼ exp(x[i, j] − m)/2, m the row's max."""
        rows_kept, target = self.nll._kept(target)
        target_weights, total = self.nll._target_weights_and_normaliser(input, target)
        with np.errstate(all="ignore"):  # x − m is −inf, exp 0, for rows spanning the range
            rows = input.reshape(-1, input.shape[-1])[rows_kept].astype(np.float64)
            peak = rows.max(axis=1)
            spread = np.log(np.exp(rows - peak[:, None]).sum(axis=1))
            halves = (peak * 0.5 - rows[np.arange(target.size), target] * 0.5) + spread * 0.5
        normaliser = target_weights if self.size_average and target_weights is not None else total
        return exact_total(halves, target_weights, exponent=1, divisor=normaliser)

    def _log_softmax(self, input: np.ndarray) -> np.ndarray:
        seen = getattr(self, "_seen_input", None)
        if (
            seen is not None
            and self.lsm.output is not None
            and seen.shape == input.shape
            and seen.dtype == input.dtype
            and np.array_equal(seen, input)  # NaN never equals: recomputed, as it should be
        ):
            return self.lsm.output
        return self.lsm.update_output(input)

    def update_grad_input(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        target = self._checked_targets(input, target)
        target_weights, total = self.nll._target_weights_and_normaliser(input, target)
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        if not total:  # no target carries weight: L = 0 (ClassNLLCriterion), so is its gradient
            self.grad_input.fill(0)
            return self.grad_input
        np.exp(self._log_softmax(input), out=self.grad_input)  # p = softmax(x)
        rows = self.grad_input.reshape(-1, input.shape[-1])  # a view of the buffer
        rows[np.arange(target.size), target] -= 1.0  # p − onehot(t)
        if target_weights is None:
            self.grad_input *= 1.0 / total
        else:
            rows *= self.nll._steps(target_weights, total)[:, None]  # · w[tᵢ] / Z, row by row
        return self.grad_input

    def _inputs_to_scan(self, input: object, target: object) -> list[tuple[str, object]]:
        # The class weights may explain a NaN loss too (the array is the caller's, mutable).
        scan = super()._inputs_to_scan(input, target)
        return scan if self.nll.weights is None else [*scan, ("weights", self.nll.weights)]

    def _checked_targets(self, input: np.ndarray, target: object) -> np.ndarray:
        # Checked under this criterion's name; the inner ClassNLL sees them already checked.
        self.nll.size_average = self.size_average
        check_class_scores(self._who(), input)
        if self.nll.weights is not None:
            check_weight_count(self._who(), self.nll.weights, input)
        return check_class_targets(self._who(), input, target)
