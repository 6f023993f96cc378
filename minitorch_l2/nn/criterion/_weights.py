"""Per-class (or per-column) weight vectors of criteria, checked once, as ``validate`` needs them.

ClassNLL, CrossEntropy, MultiMargin, BCE and MultiLabelSoftMargin take Lua's optional 1-D
``weights`` tensor. The checks: a 1-D array of finite real numbers, stored as float64 (``.float()``
converts it with the criterion), and, at each call, one weight per class of the input.
:class:`WeightsCriterion` is the constructor and checks that BCE, MultiLabelSoftMargin and
SpatialClassNLL share.
"""

from __future__ import annotations

import numpy as np

from ._target_checks import check_float_target
from .criterion import Criterion


def checked_weights(who: str, weights: object) -> np.ndarray | None:
    """``weights`` copied into a 1-D float array (float64 unless given float32), or None.

    Not real numbers: a TypeError; not 1-D, empty or not finite: a ValueError.
    """
    if weights is None:
        return None
    try:
        given = np.asarray(weights)
    except (TypeError, ValueError):  # a ragged list
        given = None
    if given is None or given.dtype.kind not in "iuf":
        raise TypeError(
            f"{who}: weights must be a 1-D array (or list) of real numbers, one per class, got "
            f"{weights!r:.80}"
        )
    array = np.array(given, dtype=np.float32 if given.dtype == np.float32 else np.float64)
    if array.ndim != 1 or array.size == 0 or not np.isfinite(array).all():
        raise ValueError(
            f"{who}: weights must be a 1-D array of finite numbers, one per class, got shape "
            f"{array.shape}"
            + ("" if array.ndim != 1 or not array.size else " with non-finite values")
        )
    return array


def check_weight_count(who: str, weights: np.ndarray, input: np.ndarray) -> None:
    """Raise a ValueError unless there is one weight per class (the input's last dimension)."""
    if weights.size != input.shape[-1]:
        raise ValueError(
            f"{who}: has {weights.size} class weights but the input has {input.shape[-1]} "
            f"classes (shape {input.shape})"
        )


def scan_with_weights(scan: list[tuple[str, object]], weights: object) -> list:
    """``scan`` (what may explain a NaN loss) with the criterion's ``weights`` added, if any."""
    return scan if weights is None else [*scan, ("weights", weights)]


class WeightsCriterion(Criterion):
    """A criterion of Lua's ``(weights, sizeAverage)`` constructor (internal).

    Parameters
    ----------
    weights : array_like of shape (C,), optional
        A weight per class (the input's last dimension).
    size_average : bool, default True
        Average the loss (True) or sum it (Lua's ``sizeAverage``).
    """

    def __init__(self, weights: np.ndarray | None = None, size_average: bool = True) -> None:
        super().__init__(size_average)
        self.weights = weights
        self.validate()

    def validate(self) -> None:
        """Check ``weights`` (None, or 1-D and finite) and ``size_average`` (a bool)."""
        self.weights = checked_weights(self._who(), self.weights)
        super().validate()

    def _checked(self, input: np.ndarray, target: object) -> np.ndarray:
        """The float target in the input's shape, after the checks (one weight per class)."""
        target = check_float_target(self._who(), input, target)
        if self.weights is not None:
            check_weight_count(self._who(), self.weights, input)
        return target

    def _inputs_to_scan(self, input: object, target: object) -> list[tuple[str, object]]:
        return scan_with_weights(super()._inputs_to_scan(input, target), self.weights)
