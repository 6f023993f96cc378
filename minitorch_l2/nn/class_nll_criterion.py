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

from ._checks import reuse
from ._target_checks import check_class_scores, check_class_targets
from .criterion import Criterion


class ClassNLLCriterion(Criterion):
    """Negative log-likelihood criterion; feed it the output of ``nn.LogSoftMax``.

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

    def _targets_and_scale(self, input: np.ndarray, target: np.ndarray) -> tuple:
        """Validated targets, their weights (None when unweighted) and the normaliser Z."""
        check_class_scores(self._who(), input)
        target = check_class_targets(self._who(), input, target)
        if self.weights is None:
            return target, None, (target.size if self.size_average else 1)
        if self.weights.size != input.shape[-1]:
            raise ValueError(
                f"{self._who()}: has {self.weights.size} class weights but the input has "
                f"{input.shape[-1]} classes (shape {input.shape})"
            )
        target_weights = self.weights[target]
        total = float(target_weights.sum()) if self.size_average else 1.0
        return target, target_weights, total

    def update_output(self, input: np.ndarray, target: np.ndarray) -> float:
        target, target_weights, total = self._targets_and_scale(input, target)
        picked = input.reshape(-1, input.shape[-1])[np.arange(target.size), target]  # x[i, tᵢ]
        loss = -float(picked.sum() if target_weights is None else np.dot(target_weights, picked))
        self.output = loss / total if total else 0.0
        return self.output

    def update_grad_input(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        target, target_weights, total = self._targets_and_scale(input, target)
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        self.grad_input.fill(0)
        if total:
            rows = self.grad_input.reshape(-1, input.shape[-1])  # a view of the buffer
            step = -1.0 / total if target_weights is None else target_weights * (-1.0 / total)
            rows[np.arange(target.size), target] = step
        return self.grad_input
