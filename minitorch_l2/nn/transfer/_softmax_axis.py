"""The axis THNN's SoftMax and LogSoftMax normalise over, and the reductions along it.

THNN takes a vector (C,) and a batch (n, C) over C, an image (C, H, W) over its planes C at
every pixel, and a batch of images (N, C, H, W) over C: the last axis for 1-D and 2-D inputs,
axis ndim − 3 for 3-D and 4-D ones. Along the last axis the reductions take the fast paths of
``_row_reductions`` (narrow class scores); along the planes NumPy's own.
"""

from __future__ import annotations

import numpy as np

from .._row_reductions import row_max, row_sum


def softmax_axis(who: str, input: np.ndarray) -> int:
    """THNN's softmax axis of ``input``; a ValueError naming ``who`` for another shape."""
    axis = forward_axis(input)
    if not 1 <= input.ndim <= 4 or input.shape[axis] < 1:
        raise ValueError(
            f"{who}: expected input of shape (C,), (n, C), (C, H, W) or (N, C, H, W) with "
            f"C >= 1 (the softmax runs over C), got {input.shape}"
        )
    return axis


def forward_axis(input: np.ndarray) -> int:
    """The axis :func:`softmax_axis` found for the forward's input (backward's, unchecked)."""
    return -1 if input.ndim <= 2 else input.ndim - 3


def kept_shape(shape: tuple[int, ...], axis: int) -> tuple[int, ...]:
    """``shape`` with the softmax axis of length 1: one value per row or pixel."""
    if axis == -1:
        return shape[:-1] + (1,)
    return shape[:axis] + (1,) + shape[axis + 1 :]


def axis_max(x: np.ndarray, axis: int, out: np.ndarray) -> np.ndarray:
    """``out`` = the maximum of ``x`` along ``axis``, kept as an axis of length 1."""
    return row_max(x, out=out) if axis == -1 else np.max(x, axis=axis, keepdims=True, out=out)


def axis_sum(x: np.ndarray, axis: int, out: np.ndarray) -> np.ndarray:
    """``out`` = the sum of ``x`` along ``axis``, kept as an axis of length 1."""
    return row_sum(x, out=out) if axis == -1 else np.sum(x, axis=axis, keepdims=True, out=out)
