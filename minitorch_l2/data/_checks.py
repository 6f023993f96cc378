"""Argument checks shared by the data generators: clear errors naming the function."""

from __future__ import annotations

import numbers

import numpy as np


def check_count(who: str, name: str, value: object, minimum: int = 1) -> int:
    """Return ``value`` as an int if it is an integer ≥ ``minimum``, else raise a ValueError."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"{who}: {name} must be an int >= {minimum}, got {value!r}")
    return int(value)


def check_flag(who: str, name: str, value: object) -> bool:
    """Return ``value`` if it is True or False (no truthy strings), else raise a TypeError."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{who}: {name} must be True or False, got {value!r}")
    return bool(value)


def finite_points(who: str, settings: str, points: np.ndarray) -> np.ndarray:
    """``points`` when every coordinate is finite, else a ValueError: ``settings`` are too large."""
    if not np.isfinite(points).all():
        raise ValueError(
            f"{who}: {settings} puts points past the float range (inf or NaN); use smaller values"
        )
    return points


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
