"""Compare an analytic Jacobian with the numerical one, element by element, into a TensorCheck.

An element fails when |a − n| > atol + rtol·|n| (or either is NaN); its relative error is
|a − n| / |n|. The worst failing elements are kept with their tensor and output indices.
"""

from __future__ import annotations

import numpy as np

from .analytic import shape_message
from .diagnose import diagnose_shape, diagnose_values
from .report import TensorCheck, WorstElement

#: How many worst elements a TensorCheck keeps.
KEPT_ELEMENTS = 5


def compare_jacobians(
    name: str,
    shape: tuple[int, ...],
    output_shape: tuple[int, ...],
    analytic: np.ndarray,
    numeric: np.ndarray,
    atol: float,
    rtol: float,
) -> TensorCheck:
    """Check ``analytic`` against ``numeric`` (both (tensor.size, output.size)) for one tensor."""
    with np.errstate(all="ignore"):
        error = np.abs(analytic - numeric)
        fails = ~(error <= atol + rtol * np.abs(numeric))  # NaN fails too
        error = np.where(np.isnan(error), np.inf, error)
    failing = int(np.count_nonzero(fails))
    check = TensorCheck(
        name=name,
        shape=tuple(shape),
        output_shape=tuple(output_shape),
        numeric=numeric,
        analytic=analytic,
        max_abs_error=float(error.max()) if error.size else 0.0,
        failing=failing,
    )
    if failing:
        check.worst = _worst(check, error, fails)
        check.diagnosis = diagnose_values(name, check.shape, analytic, numeric, atol, rtol)
    return check


def wrong_shape(
    name: str,
    shape: tuple[int, ...],
    output_shape: tuple[int, ...],
    stack: np.ndarray,
    numeric: np.ndarray,
    atol: float,
    rtol: float,
) -> TensorCheck:
    """A tensor whose gradient came back in another shape: name both shapes, try a diagnosis."""
    return TensorCheck(
        name=name,
        shape=tuple(shape),
        output_shape=tuple(output_shape),
        numeric=numeric,
        analytic=None,
        max_abs_error=np.inf,
        failing=numeric.size,
        problem=shape_message(name, tuple(shape), stack.shape[1:]),
        diagnosis=diagnose_shape(tuple(shape), stack, numeric, atol, rtol),
    )


def not_compared(
    name: str,
    shape: tuple[int, ...],
    output_shape: tuple[int, ...],
    numeric: np.ndarray,
    problem: str,
    checked: bool = True,
) -> TensorCheck:
    """A tensor whose analytic gradient could not be obtained (``problem`` says why)."""
    return TensorCheck(
        name=name,
        shape=tuple(shape),
        output_shape=tuple(output_shape),
        numeric=numeric,
        analytic=None,
        max_abs_error=np.inf,
        failing=numeric.size,
        problem=problem,
        checked=checked,
    )


def _worst(check: TensorCheck, error: np.ndarray, fails: np.ndarray) -> list[WorstElement]:
    candidates = np.flatnonzero(fails)
    order = candidates[np.argsort(-error.flat[candidates], kind="stable")][:KEPT_ELEMENTS]
    worst = []
    for flat_index in order:
        i, j = np.unravel_index(flat_index, error.shape)
        a, n = float(check.analytic[i, j]), float(check.numeric[i, j])
        abs_error = float(error[i, j])
        worst.append(
            WorstElement(
                tensor_index=tuple(int(k) for k in np.unravel_index(i, check.shape)),
                output_index=tuple(int(k) for k in np.unravel_index(j, check.output_shape)),
                analytic=a,
                numeric=n,
                abs_error=abs_error,
                rel_error=abs_error / abs(n) if n != 0 else (0.0 if a == 0 else np.inf),
            )
        )
    return worst
