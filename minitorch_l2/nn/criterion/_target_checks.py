"""Validation of criterion targets and of the class-score layers' inputs.

Scores are a vector ``(C,)`` or a batch ``(n, C)`` over the last dimension; class targets are
0-based integers. Only shapes, dtypes and the targets' values are read, never a copy made.
"""

from __future__ import annotations

import numpy as np


def check_class_targets(
    who: str, input: np.ndarray, target: object, ignore_index: int | None = None
) -> np.ndarray:
    """Return ``target`` as a 1-D integer array of one class index in [0, C) per input row.

    A single row — a vector input ``(C,)`` or a batch of one ``(1, C)`` — takes one target (an
    int, as Lua takes a number, or an array of one element); a batch ``(n, C)`` takes an integer
    array of shape ``(n,)``. A target equal to ``ignore_index`` may lie outside [0, C).
    """
    n_classes = input.shape[-1]
    rows = 1 if input.ndim == 1 else input.shape[0]
    if isinstance(target, int | np.integer) and not isinstance(target, bool):
        target = np.asarray(target)
    if not isinstance(target, np.ndarray):
        raise TypeError(
            f"{who}: expected integer class targets as a numpy.ndarray (or an int for a single "
            f"row), got {type(target).__name__}"
        )
    if target.dtype.kind not in "iu":
        raise TypeError(
            f"{who}: expected integer class targets (e.g. int64), got dtype {target.dtype}; "
            f"convert with .astype(np.int64)"
        )
    expected = f"({rows},)" if input.ndim == 2 else "a single class index"
    one_number = rows == 1 and target.ndim == 0
    if target.size != rows or (input.ndim == 2 and target.shape != (rows,) and not one_number):
        raise ValueError(
            f"{who}: expected targets of shape {expected} for input of shape {input.shape}, "
            f"got shape {target.shape}"
        )
    target = target.reshape(rows)
    checked = target if ignore_index is None else target[target != ignore_index]
    if checked.size and (checked.min() < 0 or checked.max() >= n_classes):
        ignored = "" if ignore_index is None else f", or ignore_index {ignore_index}"
        raise ValueError(
            f"{who}: class targets must lie in [0, {n_classes - 1}] (0-based){ignored}, got "
            f"values in [{checked.min()}, {checked.max()}]"
        )
    return target


def check_float_target(
    who: str, input: np.ndarray, target: object, same_shape: bool = False
) -> np.ndarray:
    """A non-empty regression target: a float ndarray of the input's dtype, seen in its shape.

    As Lua's THNN criteria compare element counts only, a target of another shape with the
    input's number of elements is accepted too (a (128,) target for a (128, 1) output) and
    returned as a view in the input's shape; ``same_shape=True`` asks for the shape itself.
    """
    if not isinstance(target, np.ndarray):
        raise TypeError(
            f"{who}: expected target to be a numpy.ndarray of the input's shape {input.shape}, "
            f"got {type(target).__name__}"
        )
    if target.shape != input.shape and (same_shape or target.size != input.size):
        count = "" if same_shape else f" or of its {input.size} elements"
        raise ValueError(
            f"{who}: expected target of the input's shape {input.shape}{count}, got {target.shape}"
        )
    if target.dtype != input.dtype:
        raise TypeError(
            f"{who}: target has dtype {target.dtype} but input has {input.dtype}; "
            f"pass both in one dtype (e.g. target.astype(input.dtype))"
        )
    if input.size == 0:
        raise ValueError(f"{who}: expected a non-empty input, got shape {input.shape}")
    return target if target.shape == input.shape else target.reshape(input.shape)


def check_real_target(who: str, input: np.ndarray, target: object) -> np.ndarray:
    """Like :func:`check_float_target`, but integer targets (labels such as ±1) are accepted too.

    They are converted to the input's dtype (a copy); float targets must have that dtype.
    """
    if isinstance(target, np.ndarray) and target.dtype.kind in "iu":
        target = target.astype(input.dtype)
    return check_float_target(who, input, target)


def check_sign_values(who: str, target: np.ndarray) -> None:
    """Raise a ValueError naming ``who`` unless every element of ``target`` is +1 or −1."""
    if not np.all((target == 1) | (target == -1)):
        bad = target[(target != 1) & (target != -1)]
        raise ValueError(f"{who}: targets must be +1 or -1, got {bad.flat[0]!r} among them")


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
