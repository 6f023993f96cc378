"""Validation of criterion targets and of the class-score layers' inputs.

Scores are a vector ``(C,)`` or a batch ``(n, C)`` over the last dimension; class targets are
0-based integers. Only shapes, dtypes and the targets' values are read, never a copy made.
"""

from __future__ import annotations

import numpy as np


def check_class_targets(who: str, input: np.ndarray, target: object) -> np.ndarray:
    """Return ``target`` as a 1-D integer array of one class index in [0, C) per input row.

    A vector input ``(C,)`` takes one target (an int or an array of one element); a batch
    ``(n, C)`` takes an integer array of shape ``(n,)``.
    """
    n_classes = input.shape[-1]
    rows = 1 if input.ndim == 1 else input.shape[0]
    if isinstance(target, int | np.integer) and not isinstance(target, bool):
        target = np.asarray(target)
    if not isinstance(target, np.ndarray):
        raise TypeError(
            f"{who}: expected integer class targets as a numpy.ndarray (or an int for a single "
            f"vector), got {type(target).__name__}"
        )
    if target.dtype.kind not in "iu":
        raise TypeError(
            f"{who}: expected integer class targets (e.g. int64), got dtype {target.dtype}; "
            f"convert with .astype(np.int64)"
        )
    expected = f"({rows},)" if input.ndim == 2 else "a single class index"
    if target.size != rows or (input.ndim == 2 and target.shape != (rows,)):
        raise ValueError(
            f"{who}: expected targets of shape {expected} for input of shape {input.shape}, "
            f"got shape {target.shape}"
        )
    target = target.reshape(rows)
    if rows and (target.min() < 0 or target.max() >= n_classes):
        raise ValueError(
            f"{who}: class targets must lie in [0, {n_classes - 1}] (0-based), got values in "
            f"[{target.min()}, {target.max()}]"
        )
    return target


def check_float_target(who: str, input: np.ndarray, target: object) -> np.ndarray:
    """Accept a non-empty regression target: a float ndarray of the input's shape and dtype."""
    if not isinstance(target, np.ndarray):
        raise TypeError(
            f"{who}: expected target to be a numpy.ndarray of the input's shape {input.shape}, "
            f"got {type(target).__name__}"
        )
    if target.shape != input.shape:
        raise ValueError(
            f"{who}: expected target of the input's shape {input.shape}, got {target.shape}"
        )
    if target.dtype != input.dtype:
        raise TypeError(
            f"{who}: target has dtype {target.dtype} but input has {input.dtype}; "
            f"pass both in one dtype (e.g. target.astype(input.dtype))"
        )
    if input.size == 0:
        raise ValueError(f"{who}: expected a non-empty input, got shape {input.shape}")
    return target


def check_sign_targets(who: str, rows: int, vector_input: bool, target: object) -> np.ndarray:
    """Return ``target`` as a 1-D array of ``rows`` values, each +1 or −1.

    A batch of ``rows`` pairs takes an array of shape ``(rows,)``; a single pair of vectors takes
    one number (±1) or an array of one element. Integer and floating dtypes are both accepted.
    """
    if isinstance(target, int | float | np.integer | np.floating) and not isinstance(target, bool):
        target = np.asarray(target)
    if not isinstance(target, np.ndarray):
        raise TypeError(
            f"{who}: expected targets of +1/-1 as a numpy.ndarray, got {type(target).__name__}"
        )
    if target.dtype.kind not in "iuf":
        raise TypeError(f"{who}: expected integer or float targets of +1/-1, got {target.dtype}")
    if target.size != rows or (not vector_input and target.shape != (rows,)):
        expected = "a single +1/-1" if vector_input else f"shape ({rows},)"
        raise ValueError(f"{who}: expected targets of {expected}, got shape {target.shape}")
    target = target.reshape(rows)
    if not np.all((target == 1) | (target == -1)):
        raise ValueError(f"{who}: targets must be +1 (similar) or -1 (dissimilar), got {target}")
    return target
