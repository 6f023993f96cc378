"""Input validation shared by every module: clear errors instead of NumPy's deep ones.

Only cheap attributes (type, ``ndim``, ``shape``, ``dtype``) are read, so the checks cost
nanoseconds on the hot path and never touch the data.
"""

from __future__ import annotations

import numpy as np

#: ``dtype.char`` of the two dtypes modules compute in: float32 ("f") and float64 ("d"), Torch 7's
#: FloatTensor and DoubleTensor. float16 and long double are refused rather than half-supported:
#: BLAS has no kernels for them and no layer is tested in them. Looking up the one-letter
#: ``dtype.char`` in a frozenset is the cheapest exact test for the hot path.
SUPPORTED_FLOAT_CHARS = frozenset("fd")


def check_float_array(who: str, name: str, array: object) -> np.ndarray:
    """Return ``array`` if it is a float32/float64 ndarray, else raise a TypeError naming who."""
    if not isinstance(array, np.ndarray):
        raise TypeError(
            f"{who}: expected {name} to be a numpy.ndarray of float32 or float64, "
            f"got {type(array).__name__}"
        )
    if array.dtype.kind != "f":
        raise TypeError(
            f"{who}: expected {name} of a floating dtype (float32 or float64), got {array.dtype}; "
            f"convert it with .astype(np.float64)"
        )
    if array.dtype.char not in SUPPORTED_FLOAT_CHARS:
        raise TypeError(
            f"{who}: {name} has dtype {array.dtype}, which is not supported: modules compute in "
            f"float32 or float64 only (Torch 7's Float and Double); convert it with "
            f".astype(np.float64) or .astype(np.float32)"
        )
    return array


def check_same_dtype(who: str, name: str, array: np.ndarray, dtype: np.dtype) -> None:
    """Raise a TypeError when a parametrised module meets an input of another dtype."""
    if array.dtype != dtype:
        if not array.dtype.isnative:  # the module cannot be converted to it
            raise TypeError(
                f"{who}: {name} has the non-native byte order {array.dtype.str!r}; convert it "
                f"with .astype(np.{dtype.name})"
            )
        fix = ".float()" if array.dtype == np.float32 else ".double()"
        raise TypeError(
            f"{who}: {name} has dtype {array.dtype} but the module's parameters are {dtype}; "
            f"convert the module with {fix} (or the input with .astype({dtype.name}))"
        )


def check_feature_input(who: str, input: np.ndarray, size: int) -> None:
    """Accept a vector ``(size,)`` or a batch ``(n, size)``, else raise a ValueError."""
    if input.ndim not in (1, 2) or input.shape[-1] != size:
        raise ValueError(
            f"{who}: expected input of shape ({size},) or (n, {size}), got {input.shape}"
        )


def reuse(buffer: np.ndarray | None, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """Torch's lazy buffer: return ``buffer`` itself when shape and dtype match, else a new one.

    Reusing the same array across calls is what makes a warm forward/backward allocation-free;
    the price (as in Torch) is that callers must copy an output they want to keep.
    """
    if buffer is not None and buffer.shape == shape and buffer.dtype == dtype:
        return buffer
    return np.empty(shape, dtype=dtype)


def check_class_scores(who: str, input: np.ndarray) -> None:
    """Accept scores of shape ``(C,)`` or ``(n, C)`` with C ≥ 1, else raise a ValueError."""
    if input.ndim not in (1, 2) or input.shape[-1] < 1:
        raise ValueError(
            f"{who}: expected input of shape (C,) or (n, C) with C >= 1 classes, got {input.shape}"
        )
