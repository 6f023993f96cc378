"""Where a criterion's non-finite loss came from: the first NaN or ±inf among its inputs.

The project's rule is "never a silent NaN". A loss is one float, so testing it with
``math.isfinite`` costs nothing per call; only when it is NaN or ±inf are the input arrays
scanned (one pass each), to tell bad input (a ValueError naming the first offending element)
from a genuine floating-point overflow of finite input (the IEEE result, with a warning).
"""

from __future__ import annotations

import math
import warnings

import numpy as np


def first_non_finite(array: np.ndarray) -> tuple[int, ...] | None:
    """The index of the first (C order) NaN or ±inf in ``array``, or None when all are finite."""
    bad = ~np.isfinite(array)  # a temporary, but only on the error path
    if not bad.any():
        return None
    return tuple(int(i) for i in np.unravel_index(int(np.argmax(bad)), array.shape))


def check_loss(who: str, loss: float, arrays: list[tuple[str, object]]) -> float:
    """Return ``loss``; if it is NaN or ±inf, first look for the reason among ``arrays``.

    Parameters
    ----------
    who : str
        The criterion, for messages (``"nn.MSECriterion"``).
    loss : float
        The loss just computed.
    arrays : list of (str, object)
        ``(name, value)`` of the criterion's inputs; floating ndarrays among them are scanned.

    Returns
    -------
    float
        ``loss`` itself when it is finite, or when it is not but every input is (an overflow:
        the IEEE result is returned and a RuntimeWarning says so).

    Raises
    ------
    ValueError
        An input holds NaN or ±inf; the message names the input, the index and the value.
    """
    if math.isfinite(loss):
        return loss
    for name, array in arrays:
        if isinstance(array, np.ndarray) and array.dtype.kind == "f":
            index = first_non_finite(array)
            if index is not None:
                raise ValueError(
                    f"{who}: {name} holds {float(array[index])} at index {index}, so the loss is "
                    f"{loss}; the loss needs finite input"
                )
    warnings.warn(
        f"{who}: the loss is {loss} although every input is finite (an overflow"
        + (", or inf - inf or 0 * inf in the criterion's arithmetic)" if math.isnan(loss) else ")"),
        RuntimeWarning,
        stacklevel=3,  # the caller of the criterion's forward
    )
    return loss
