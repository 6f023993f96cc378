"""``nn.CrossEntropyCriterion``: ``nn.LogSoftMax`` followed by ``nn.ClassNLLCriterion`` on logits.

    L = −Σᵢ w[tᵢ] (x[i, tᵢ] − log Σⱼ exp x[i, j]) / Z,   ∂L/∂x[i, j] = w[tᵢ] (pᵢⱼ − [j = tᵢ]) / Z,

with p = softmax(x) and Z as in ClassNLLCriterion. The log-sum-exp is taken after subtracting the
row maximum, so logits of ±1000 are exact. ``backward`` recomputes the log-softmax from ``input``,
so it does not depend on a previous ``forward``.
"""

from __future__ import annotations

import numpy as np

from ._target_checks import check_class_scores, check_class_targets
from .class_nll_criterion import ClassNLLCriterion
from .criterion import Criterion
from .log_softmax import LogSoftMax


class CrossEntropyCriterion(Criterion):
    """Softmax cross-entropy of logits ``(n, C)`` (or ``(C,)``) and 0-based class targets.

    Parameters
    ----------
    weights : array_like of shape (C,), optional
        A weight per class, passed to the inner ``ClassNLLCriterion``.
    size_average : bool
        Divide by the total weight of the targets (True) or not.
    """

    def __init__(self, weights: np.ndarray | None = None, size_average: bool = True) -> None:
        super().__init__(size_average)
        self.lsm = LogSoftMax()
        self.nll = ClassNLLCriterion(weights, size_average)

    def update_output(self, input: np.ndarray, target: np.ndarray) -> float:
        check_class_scores(self._who(), input)
        target = check_class_targets(self._who(), input, target)
        self.nll.size_average = self.size_average
        self.lsm.update_output(input)
        self.output = self.nll.update_output(self.lsm.output, target)
        return self.output

    def update_grad_input(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        check_class_scores(self._who(), input)
        target = check_class_targets(self._who(), input, target)
        self.nll.size_average = self.size_average
        self.lsm.update_output(input)
        self.nll.update_grad_input(self.lsm.output, target)
        self.grad_input = self.lsm.update_grad_input(input, self.nll.grad_input)
        return self.grad_input
