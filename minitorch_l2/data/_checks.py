"""Argument checks shared by the data generators: clear errors naming the function."""

from __future__ import annotations

import numbers

import numpy as np

#: The most numbers a generator puts in X (512 MiB of float64): toy data sets stay in memory.
MAX_ELEMENTS = 2**26


def check_count(who: str, name: str, value: object, minimum: int = 1) -> int:
    """Return ``value`` as an int if it is an integer ≥ ``minimum``, else raise a ValueError."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"{who}: {name} must be an int >= {minimum}, got {value!r}")
    return int(value)


def check_total(who: str, given: str, total: int) -> None:
    """Raise a ValueError when X would hold ``total`` > MAX_ELEMENTS numbers; ``given`` names why.

    Checked before anything is allocated, so a huge count is refused at once, not by NumPy.
    """
    if total > MAX_ELEMENTS:
        raise ValueError(
            f"{who}: {given} would make X of {total} numbers, more than the limit of "
            f"2**26 = {MAX_ELEMENTS} (512 MiB of float64); ask for fewer"
        )


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
