"""Argument checks shared by the data generators: clear errors naming the function."""

from __future__ import annotations

import numbers

import numpy as np


def check_count(who: str, name: str, value: object, minimum: int = 1) -> int:
    """Return ``value`` as an int if it is an integer ≥ ``minimum``, else raise a ValueError."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"{who}: {name} must be an int >= {minimum}, got {value!r}")
    return int(value)


def check_scale(who: str, name: str, value: object) -> float:
    """Return ``value`` as a float if it is a finite real number ≥ 0, else raise a ValueError."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not np.isfinite(value)
        or value < 0
    ):
        raise ValueError(f"{who}: {name} must be a finite number >= 0, got {value!r}")
    return float(value)
