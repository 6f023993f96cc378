"""Per-class (or per-column) weight vectors of criteria, checked once, as ``validate`` needs them.

ClassNLL, CrossEntropy, MultiMargin, BCE and MultiLabelSoftMargin take Lua's optional 1-D
``weights`` tensor. The checks: a 1-D array of finite real numbers, stored as float64 (``.float()``
converts it with the criterion), and, at each call, one weight per class of the input.
"""

from __future__ import annotations

import numpy as np


def checked_weights(who: str, weights: object) -> np.ndarray | None:
    """``weights`` copied into a 1-D float array, or None; anything else is a ValueError.

    float64, unless it is already a float32 array (a criterion converted by ``.float()``).
    """
    if weights is None:
        return None
    single = isinstance(weights, np.ndarray) and weights.dtype == np.float32
    try:
        array = np.array(weights, dtype=np.float32 if single else np.float64)
    except (TypeError, ValueError):
        array = None
    if array is None or array.ndim != 1 or array.size == 0 or not np.isfinite(array).all():
        shape = "unreadable" if array is None else f"shape {array.shape}"
        raise ValueError(
            f"{who}: weights must be a 1-D array of finite numbers, one per class, got {shape}"
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
