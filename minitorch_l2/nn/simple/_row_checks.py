"""The input checks of the row-wise layers (L2Normalize, Normalize): names, shapes, dtypes.

Only attributes are read (type, ``ndim``, ``shape``, ``dtype``) on the hot path; messages are
built on failure only. An input is a vector (d,) or a batch (n, d); ``grad_output`` has exactly
the input's shape and dtype; backward's input is the forward's (by identity, or equal values).
"""

from __future__ import annotations

import numpy as np


def as_rows(who: str, input: np.ndarray) -> np.ndarray:
    """The input as an (n, d) batch: a vector (d,) becomes a (1, d) view; no data is copied.

    Raises a TypeError naming ``who`` unless ``input`` is an ndarray of float32 or float64 (the
    float range handling is derived for those two: float16 has too few bits for its messages'
    promise, and ``longdouble``'s range does not fit a Python float), and a ValueError unless it
    is (d,) or (n, d) with d ≥ 1. Only attributes are read; messages are built on failure only.
    """
    if not isinstance(input, np.ndarray) or input.dtype.char not in "fd":
        _refuse_array(who, "input", input, "float32 or float64")
    if input.ndim not in (1, 2) or input.shape[-1] == 0:
        raise ValueError(
            f"{who}: expected input of shape (d,) or (n, d) with d >= 1, got shape {input.shape}"
        )
    return input if input.ndim == 2 else input.reshape(1, -1)


def check_grad_output(who: str, grad_output: np.ndarray, input: np.ndarray) -> None:
    """Raise unless ``grad_output`` is an ndarray of ``input``'s shape and dtype.

    A TypeError for the type or dtype, a ValueError for the shape, each naming ``who``, what it
    expects and what it got. No reshaping: a (3, 2) gradient for a (2, 3) output is an error.
    """
    if not isinstance(grad_output, np.ndarray) or grad_output.dtype != input.dtype:
        _refuse_array(who, "grad_output", grad_output, f"{input.dtype} (the input's dtype)")
    if grad_output.shape != input.shape:
        raise ValueError(
            f"{who}: expected grad_output of the input's shape {input.shape}, "
            f"got {grad_output.shape}"
        )


def check_forward_input(who: str, input: object, forward_input: np.ndarray | None) -> None:
    """Raise a ValueError unless ``input`` equals the input of the last forward.

    Called by backward only when ``input is not forward_input``: Sequential and the gradient
    checker pass the very array the forward saw, which needs no look at the data. An equal copy
    passes (one comparison pass over it, NaN equal to NaN); anything else is refused, because
    backward would otherwise combine the new values with the norms of the old ones.
    """
    if forward_input is None:
        last = "no forward yet"
    elif not isinstance(input, np.ndarray):
        last = f"{forward_input.shape} {forward_input.dtype}"
    elif input.shape != forward_input.shape or input.dtype != forward_input.dtype:
        last = f"{forward_input.shape} {forward_input.dtype}"
    elif np.array_equal(input, forward_input, equal_nan=True):
        return
    else:
        raise ValueError(
            f"{who}: backward expects the input of the last forward ({input.shape} "
            f"{input.dtype}), got an array of that shape and dtype holding other values; "
            f"run forward on it first"
        )
    got = f"{input.shape} {input.dtype}" if isinstance(input, np.ndarray) else type(input).__name__
    raise ValueError(f"{who}: backward expects the input of the last forward ({last}), got {got}")


def _refuse_array(who: str, name: str, array: object, dtypes: str) -> None:
    if not isinstance(array, np.ndarray):
        raise TypeError(
            f"{who}: expected {name} to be a numpy.ndarray of {dtypes}, got {type(array).__name__}"
        )
    raise TypeError(f"{who}: expected {name} of dtype {dtypes}, got {array.dtype}")
