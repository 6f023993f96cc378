"""One-line diagnoses of a failing gradient, from the most specific pattern to the most general.

``analytic`` and ``numeric`` are Jacobians of shape (tensor.size, output.size); "≈" below means
|a − n| ≤ atol + rtol·|n| for every element, the same test that decided the tensor failed.
"""

from __future__ import annotations

import math

import numpy as np


def close(analytic: np.ndarray, numeric: np.ndarray, atol: float, rtol: float) -> bool:
    """``|analytic − numeric| ≤ atol + rtol·|numeric|`` everywhere (numeric is the reference)."""
    return bool(np.all(np.abs(analytic - numeric) <= atol + rtol * np.abs(numeric)))


def diagnose_values(
    name: str,
    shape: tuple[int, ...],
    analytic: np.ndarray,
    numeric: np.ndarray,
    atol: float,
    rtol: float,
) -> str | None:
    """Name the pattern of a wrong gradient, or None when none is evident.

    Tried in order: the gradient is zero; the output does not depend on the tensor; every
    column of J is the same (backward ignores grad_output); J matches after transposing a
    square tensor; J = c·numeric for a constant c (c = −1: sign flipped).
    """
    is_input = name.startswith("input")
    flat_analytic = not np.any(np.abs(analytic) > atol)
    flat_numeric = not np.any(np.abs(numeric) > atol)
    if flat_analytic and not flat_numeric:
        if is_input:
            return "input gradient is zero (does update_grad_input fill grad_input?)"
        return (
            f"parameter gradient is zero (does acc_grad_parameters add into the gradient of "
            f"{name}?)"
        )
    if flat_numeric and not flat_analytic:
        return f"the output does not depend on {name}, yet the analytic gradient is not zero"
    if (
        analytic.shape[1] > 1
        and close(analytic, analytic[:, :1], atol, rtol)
        and not close(numeric, numeric[:, :1], atol, rtol)
    ):
        return "gradient ignores grad_output (every one-hot grad_output gives the same gradient)"
    if len(shape) == 2 and shape[0] == shape[1] > 1:
        rows = analytic.shape[1]
        transposed = analytic.reshape(*shape, rows).transpose(1, 0, 2).reshape(-1, rows)
        if close(transposed, numeric, atol, rtol):
            return "analytic ≈ numeric transposed"
    with np.errstate(all="ignore"):
        factor = float(np.vdot(analytic, numeric) / np.vdot(numeric, numeric))
    if math.isfinite(factor) and factor != 0 and close(analytic, factor * numeric, atol, rtol):
        if abs(factor + 1) <= max(rtol, 1e-9):
            return "sign flipped: analytic ≈ −numeric (factor −1)"
        return f"off by a constant factor {format_factor(factor)} (analytic ≈ c · numeric)"
    return None


def diagnose_shape(
    expected: tuple[int, ...], stack: np.ndarray, numeric: np.ndarray, atol: float, rtol: float
) -> str | None:
    """For a gradient of the wrong shape: do its values match once transposed or reshaped?

    ``stack`` holds the returned gradients, shape (output.size, *returned shape).
    """
    rows, got = stack.shape[0], stack.shape[1:]
    if len(got) == 2 and got == expected[::-1]:
        transposed = stack.transpose(0, 2, 1).reshape(rows, -1).T
        if close(transposed, numeric, atol, rtol):
            return "analytic ≈ numeric transposed"
    if math.prod(got) == math.prod(expected):
        if close(stack.reshape(rows, -1).T, numeric, atol, rtol):
            return f"the values are right once reshaped to {expected}: a missing squeeze/reshape"
    return None


def format_factor(factor: float) -> str:
    """Shortest rounding of ``factor`` that still differs from 1 (1.01, 0.25, 1.0001, 2)."""
    for digits in range(3, 17):
        text = f"{factor:.{digits}g}"
        if float(text) != 1.0:
            return text
    return repr(factor)
