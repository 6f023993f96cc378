"""What every module's and criterion's arrays must satisfy, whatever the class: the shared part
of ``validate()``, which ``__init__`` and ``load`` both run.

- each parameter (``parameter_names``) is a float32/float64 ndarray in native byte order, its
  gradient an ndarray of the same shape and dtype, and all parameters have one dtype;
- no two parameter or gradient attributes of one module view overlapping memory: a file making
  ``bias`` the very array ``grad_bias`` is would make every backward move the weights.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def overlaps(a: np.ndarray, b: np.ndarray) -> bool:
    """True when the two arrays may view common memory (an exact answer where it is cheap).

    Parameters
    ----------
    a, b : numpy.ndarray
        The arrays.
    """
    if a.size == 0 or b.size == 0 or not np.may_share_memory(a, b):
        return False
    try:
        return bool(np.shares_memory(a, b, max_work=10_000))
    except np.exceptions.TooHardError:
        return True


def parameter_arrays(owner: object) -> list[tuple[str, np.ndarray]]:
    """``(attribute, array)`` of each parameter and gradient a module holds (``parameter_names``).

    Parameters
    ----------
    owner : object
        A module (a criterion has none).
    """
    found = []
    for names in getattr(type(owner), "parameter_names", ()):
        for name in names:
            value = vars(owner).get(name)
            if isinstance(value, np.ndarray):
                found.append((name, value))
    return found


def check_no_overlap(who: str, arrays: list[tuple[str, np.ndarray]]) -> None:
    """Raise a ValueError when two of the named arrays share memory.

    Parameters
    ----------
    who : str
        The class, for the message.
    arrays : list of (str, numpy.ndarray)
        The attributes to compare, by name.
    """
    for index, (name, array) in enumerate(arrays):
        for other_name, other in arrays[:index]:
            if overlaps(array, other):
                raise ValueError(
                    f"{who}: {name} and {other_name} share memory (the same array, or views of "
                    f"one); each must be an array of its own"
                )


def check_parameter_pairs(who: str, owner: object, names: Iterable[tuple[str, str]]) -> None:
    """Each parameter a native float array, its gradient of the same shape and dtype; one dtype.

    Parameters
    ----------
    who : str
        The class, for the message.
    owner : object
        The module.
    names : iterable of (str, str)
        The (parameter, gradient) attribute pairs (``parameter_names``).
    """
    dtypes = {}
    for param_name, grad_name in names:
        param, grad = getattr(owner, param_name, None), getattr(owner, grad_name, None)
        if param is None:
            if grad is not None:
                raise ValueError(f"{who}: has {grad_name} but no {param_name} (None)")
            continue
        for name, value in ((param_name, param), (grad_name, grad)):
            if not isinstance(value, np.ndarray):
                raise TypeError(
                    f"{who}: {name} must be a numpy.ndarray of float32 or float64, got "
                    f"{type(value).__name__}"
                )
            if value.dtype.char not in "fd" or not value.dtype.isnative:
                raise TypeError(
                    f"{who}: {name} must be float32 or float64 in the machine's byte order, got "
                    f"{value.dtype.str}"
                )
        if grad.shape != param.shape or grad.dtype != param.dtype:
            raise ValueError(
                f"{who}: {grad_name} (shape {grad.shape}, {grad.dtype}) must have the shape and "
                f"dtype of {param_name} ({param.shape}, {param.dtype})"
            )
        dtypes[param_name] = param.dtype
    if len(set(dtypes.values())) > 1:
        mixed = ", ".join(f"{name} {dtype}" for name, dtype in dtypes.items())
        raise TypeError(f"{who}: its parameters mix dtypes ({mixed}); one dtype for all")
