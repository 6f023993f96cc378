"""``nn.MultiLabelMarginCriterion``: a hinge loss for several target classes per row.

Each row i of scores x ``(n, C)`` (or one ``(C,)``) has a target row of C integers: its class
labels, 0-based, ended by the first −1 (what follows is ignored; Lua's labels are 1-based, ended
by 0). With Tᵢ the labels of row i and the other classes j ∉ Tᵢ:

    L = Σᵢ Σₖ∈Tᵢ Σⱼ∉Tᵢ max(0, 1 − x[i, k] + x[i, j]) / C / n      (no 1/n without averaging),
    ∂L/∂x[i, j] = +1/(C n) and ∂L/∂x[i, k] = −1/(C n) for every violated pair (k, j).

A label listed twice counts twice, as in Lua.
"""

from __future__ import annotations

import numpy as np

from .._checks import check_class_scores, reuse
from .criterion import Criterion


class MultiLabelMarginCriterion(Criterion):
    """Multi-label hinge loss: every target class should score 1 above every other class.

    L = Σᵢ Σₖ∈Tᵢ Σⱼ∉Tᵢ max(0, 1 − x[i, k] + x[i, j]) / C (/ n with averaging), where the labels
    Tᵢ of row i are the 0-based entries of its target row before the first −1.

    Parameters
    ----------
    size_average : bool, default True
        Divide by the number of rows n as well (Lua's ``sizeAverage``, which Lua's constructor
        does not take).
    """

    per_call_attributes = ("_hinge",)  # a reused work buffer

    def __init__(self, size_average: bool = True) -> None:
        super().__init__()
        self.size_average = size_average
        self.validate()

    def update_output(self, input: np.ndarray, target: np.ndarray) -> float:
        hinge, _, _ = self._pairs(input, target)
        classes = input.shape[-1]
        self.output = float(np.maximum(hinge, 0, out=hinge).sum()) / classes
        if self.size_average:
            self.output /= 1 if input.ndim == 1 else input.shape[0]
        return self.output

    def update_grad_input(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        hinge, row_of, label = self._pairs(input, target)
        n, classes = (1, input.shape[0]) if input.ndim == 1 else input.shape
        violated = (hinge > 0).astype(input.dtype)  # (K, C): label k of its row against class j
        violated *= 1 / (n * classes) if self.size_average else 1 / classes
        grad = self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        rows = grad.reshape(n, classes)
        rows.fill(0)
        np.add.at(rows, row_of, violated)  # +g for each class j a label violates
        np.add.at(rows, (row_of, label), -violated.sum(axis=1))  # −g per violation, at k
        return grad

    def _pairs(self, input: np.ndarray, target: object) -> tuple[np.ndarray, ...]:
        """1 − x[i, k] + x[i, j] for each label k (rows of K) and class j, −inf where j ∈ Tᵢ.

        Also returns the row and the class of each of the K labels.
        """
        who = self._who()
        check_class_scores(who, input)
        if not isinstance(target, np.ndarray) or target.dtype.kind not in "iu":
            raise TypeError(
                f"{who}: expected integer label rows (int64, ended by -1), got "
                f"{getattr(target, 'dtype', type(target).__name__)}"
            )
        if target.shape != input.shape:
            raise ValueError(
                f"{who}: expected a target of the input's shape {input.shape} (labels ended by "
                f"-1), got {target.shape}"
            )
        classes = input.shape[-1]
        if target.size and (target.min() < -1 or target.max() >= classes):
            raise ValueError(
                f"{who}: labels must lie in [0, {classes - 1}] (0-based), ended by -1; got "
                f"values in [{target.min()}, {target.max()}]"
            )
        scores, labels = input.reshape(-1, classes), target.reshape(-1, classes)
        listed = np.logical_and.accumulate(labels >= 0, axis=1)  # before the first −1
        row_of, position = np.nonzero(listed)
        label = labels[row_of, position]
        is_target = np.zeros(scores.shape, dtype=bool)
        is_target[row_of, label] = True
        hinge = self._hinge = reuse(
            self.__dict__.get("_hinge"), (row_of.size, classes), input.dtype
        )
        with np.errstate(invalid="ignore"):  # inf − inf: forward names the element instead
            np.subtract(1, scores[row_of, label][:, None], out=hinge)  # 1 − x[i, k]
            hinge += scores[row_of]  # + x[i, j]
        hinge[is_target[row_of]] = -np.inf  # j ∈ Tᵢ takes no part
        return hinge, row_of, label
