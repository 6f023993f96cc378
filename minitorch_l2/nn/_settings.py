"""Checked settings: the one validation a module's constructor and ``load`` both run.

A layer keeps its constructor arguments as attributes and checks them in ``validate()``, which
``__init__`` calls last and ``load`` calls on every module it rebuilds, so a file cannot give a
module a setting its constructor would refuse. Each checker returns the normalised value (a
Python ``int``/``float``/``bool``) or raises naming the module and the setting.
"""

from __future__ import annotations

import math
import numbers

import numpy as np


def boolean(who: str, name: str, value: object) -> bool:
    """``value`` as a bool; only ``True``/``False`` (or numpy's bools) are accepted."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    raise TypeError(f"{who}: {name} must be True or False, got {value!r}")


def integer(
    who: str, name: str, value: object, minimum: int | None = None, maximum: int | None = None
) -> int:
    """``value`` as an int in [minimum, maximum]; bools and floats are refused."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{who}: {name} must be an int, got {value!r}")
    value = int(value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        low = "-inf" if minimum is None else minimum
        high = "inf" if maximum is None else maximum
        raise ValueError(f"{who}: {name} must be in [{low}, {high}], got {value}")
    return value


def int_tuple(who: str, name: str, value: object, minimum: int | None = None) -> tuple[int, ...]:
    """``value`` (a tuple or list of ints, each ≥ ``minimum``) as a tuple of Python ints."""
    if not isinstance(value, tuple | list):
        raise TypeError(f"{who}: {name} must be a tuple of ints, got {value!r:.60}")
    return tuple(integer(who, f"{name}[{i}]", item, minimum) for i, item in enumerate(value))


def real(
    who: str,
    name: str,
    value: object,
    minimum: float = -math.inf,
    maximum: float = math.inf,
    *,
    low_open: bool = False,
    high_open: bool = False,
    finite: bool = True,
) -> float:
    """``value`` as a float in the interval; NaN, and ±inf unless ``finite=False``, refused."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"{who}: {name} must be a real number, got {value!r}")
    value = float(value)
    too_low = value <= minimum if low_open else value < minimum
    too_high = value >= maximum if high_open else value > maximum
    if math.isnan(value) or (finite and math.isinf(value)) or too_low or too_high:
        # An infinite bound of a finite number is open: (0, inf), never (0, inf].
        left = "(" if low_open or (finite and math.isinf(minimum)) else "["
        right = ")" if high_open or (finite and math.isinf(maximum)) else "]"
        what = "a finite number" if finite else "a number"
        raise ValueError(
            f"{who}: {name} must be {what} in {left}{minimum:g}, {maximum:g}{right}, got {value!r}"
        )
    return value


def choice(who: str, name: str, value: object, options: tuple) -> object:
    """``value`` itself when it is one of ``options``, else a ValueError listing them."""
    if any(
        value is option or (type(value) is type(option) and value == option) for option in options
    ):
        return value
    raise ValueError(f"{who}: {name} must be one of {options!r}, got {value!r}")


def array(
    who: str,
    name: str,
    value: object,
    shape: tuple[int, ...] | None = None,
    dtype: np.dtype | None = None,
    *,
    floating: bool = True,
    shape_is: str = "",
) -> np.ndarray:
    """``value`` when it is an ndarray of ``shape`` (and ``dtype``), else an error naming it.

    ``shape_is`` says which settings give the shape, for the message: ``"(output_size,
    input_size)"``.
    """
    if not isinstance(value, np.ndarray) or value.dtype.hasobject:
        raise TypeError(f"{who}: {name} must be a numpy.ndarray, got {type(value).__name__}")
    if floating and (value.dtype.char not in "fd" or not value.dtype.isnative):
        raise TypeError(
            f"{who}: {name} must be float32 or float64 (in the machine's byte order), got "
            f"{value.dtype.str}"
        )
    if shape is not None and value.shape != tuple(shape):
        settings = f"{shape_is} = " if shape_is else ""
        raise ValueError(
            f"{who}: {name} must have shape {settings}{tuple(shape)}, got {value.shape}"
        )
    if dtype is not None and value.dtype != dtype:
        raise TypeError(f"{who}: {name} has dtype {value.dtype}, expected {np.dtype(dtype)}")
    return value
