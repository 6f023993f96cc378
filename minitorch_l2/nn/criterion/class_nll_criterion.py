"""``nn.ClassNLLCriterion``: negative log-likelihood of 0-based class targets.

Input: log-probabilities ``(n, C)`` (or ``(C,)``); target: integers tᵢ ∈ [0, C). With class
weights w (default all 1):

    L = −Σᵢ w[tᵢ] x[i, tᵢ] / Z,   Z = Σᵢ w[tᵢ] if size_average else 1,

Torch's definition: the average is over the *weights of the targets*, not the row count (the two
agree without weights). As in Torch 7, a total target weight of 0 gives L = 0, not 0/0.
Gradient: ∂L/∂x[i, tᵢ] = −w[tᵢ] / Z, zero elsewhere.
"""

from __future__ import annotations

import numpy as np

from .._checks import check_class_scores, reuse
from ._target_checks import check_class_targets
from .criterion import Criterion


class ClassNLLCriterion(Criterion):
    """Negative log-likelihood criterion; feed it the output of ``nn.LogSoftMax``.

    L = −Σᵢ w[tᵢ] x[i, tᵢ] / Z for log-probabilities x ``(n, C)`` and class targets tᵢ ∈ [0, C)
    (0-based), with Z = Σᵢ w[tᵢ] when averaging (1 otherwise) and L = 0 when Z = 0, as in Torch;
    ∂L/∂x[i, tᵢ] = −w[tᵢ] / Z and 0 elsewhere. Without weights, w = 1 and Z = n.

    Parameters
    ----------
    weights : array_like of shape (C,), optional
        A weight per class (finite real numbers), e.g. to balance rare classes.
    size_average : bool
        Divide by the total weight of the targets (True, Torch's default) or not.
    """

    def __init__(self, weights: np.ndarray | None = None, size_average: bool = True) -> None:
        super().__init__(size_average)
        if weights is not None:
            weights = np.array(weights, dtype=np.float64)
            if weights.ndim != 1 or weights.size == 0 or not np.isfinite(weights).all():
                raise ValueError(
                    f"nn.ClassNLLCriterion: weights must be a 1-D array of finite numbers, one per "
                    f"class, got shape {weights.shape}"
                )
        self.weights = weights

    def update_output(self, input: np.ndarray, target: np.ndarray) -> float:
        self.output = self._loss(input, self._checked_targets(input, target))
        return self.output

    def _inputs_to_scan(self, input: object, target: object) -> list[tuple[str, object]]:
        # The class weights may explain a NaN loss too (the array is the caller's, mutable).
        scan = super()._inputs_to_scan(input, target)
        return scan if self.weights is None else [*scan, ("weights", self.weights)]

    def _loss(self, log_probabilities: np.ndarray, target: np.ndarray) -> float:
        """L for targets that were already checked (CrossEntropyCriterion checks them once)."""
        target_weights, total = self._target_weights_and_normaliser(log_probabilities, target)
        rows = log_probabilities.reshape(-1, log_probabilities.shape[-1])
        picked = rows[np.arange(target.size), target]  # x[i, tᵢ]
        loss = -float(picked.sum() if target_weights is None else np.dot(target_weights, picked))
        return loss / total if total else 0.0

    def update_grad_input(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        target = self._checked_targets(input, target)
        target_weights, total = self._target_weights_and_normaliser(input, target)
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        self.grad_input.fill(0)
        if total:
            rows = self.grad_input.reshape(-1, input.shape[-1])  # a view of the buffer
            step = -1.0 / total if target_weights is None else target_weights * (-1.0 / total)
            rows[np.arange(target.size), target] = step
        return self.grad_input

    def _checked_targets(self, input: np.ndarray, target: object) -> np.ndarray:
        """``target`` as a 1-D integer array, after the shape, dtype and range checks."""
        check_class_scores(self._who(), input)
        return check_class_targets(self._who(), input, target)

    def _target_weights_and_normaliser(
        self, input: np.ndarray, target: np.ndarray
    ) -> tuple[np.ndarray | None, float]:
        """w[tᵢ] for checked targets (None when unweighted) and the normaliser Z."""
        if self.weights is None:
            return None, (target.size if self.size_average else 1)
        if self.weights.size != input.shape[-1]:
            raise ValueError(
                f"{self._who()}: has {self.weights.size} class weights but the input has "
                f"{input.shape[-1]} classes (shape {input.shape})"
            )
        target_weights = self.weights[target]
        return target_weights, (float(target_weights.sum()) if self.size_average else 1.0)
