"""``check_module`` and ``check_criterion``: analytic gradients against central differences.

For every tensor t (the input, then each parameter from ``named_parameters()``) the analytic
Jacobian from one-hot backward passes is compared with the numerical one, element by element:

    |J_analytic[i, j] − J_numeric[i, j]| ≤ atol + rtol · |J_numeric[i, j]|,
    J[i, j] = ∂outputⱼ/∂tᵢ.

The module never sees the caller's input array (only copies); its parameters are perturbed in
place and restored bit for bit, and its accumulated gradients are restored as well. A float32
module is checked through a float64 clone, because a finite difference in float32 is noise.
"""

from __future__ import annotations

import copy
import math
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ._analytic import BackwardRows, backward_rows, criterion_rows
from ._compare import Comparison, JacobianComparison, WrongShapeComparison
from ._inputs import Input, arrays_of, copy_input, copy_target, named_arrays
from ._numerical import numerical_row_blocks
from ._properties import criterion_properties, module_properties
from ._report import GradcheckError, GradcheckReport, TensorCheck
from ._state import grad_input_enabled, preserved_parameters

FLOAT64 = np.dtype(np.float64)

#: With ``keep_jacobians=None`` (the default) a report keeps a tensor's Jacobians when they
#: have at most this many elements (512 KB each): small checks stay inspectable, and a large
#: module's report does not hold gigabytes.
KEPT_JACOBIAN_ELEMENTS = 1 << 16


def check_module(
    module: object,
    input: Input,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    params: bool = True,
    dtype: np.dtype | type | str | None = None,
    raise_on_failure: bool = False,
    keep_jacobians: bool | None = None,
) -> GradcheckReport:
    """Check a module's ``backward`` against central finite differences of its ``forward``.

    Parameters
    ----------
    module : nn.Module
        The layer or container to check. Left as it was: parameters and accumulated
        gradients restored exactly, ``output`` recomputed at ``input``.
    input : numpy.ndarray or tuple of numpy.ndarray
        Where to check; never modified (the module only sees copies).
    eps : float
        Finite-difference step: ∂outputⱼ/∂tᵢ ≈ (f(tᵢ + eps) − f(tᵢ − eps)) / (2·eps).
    atol, rtol : float
        An element passes when |analytic − numeric| ≤ atol + rtol·|numeric|.
    params : bool
        Also check every parameter (``weight``, ``bias``, ``3.weight`` in containers).
    dtype : dtype or None
        None (default) checks in float64, through a float64 clone of a float32 module.
        ``np.float32`` forces checking in float32, with a warning: expect rounding noise.
    raise_on_failure : bool
        Raise :class:`GradcheckError` (an AssertionError) carrying the report on failure.
    keep_jacobians : bool or None
        Keep each tensor's ``numeric`` and ``analytic`` Jacobians in the report: True always,
        False never, None (default) when they have at most 65,536 elements. Either way the
        comparison itself runs block by block and never holds a full-size temporary.

    Returns
    -------
    GradcheckReport
        ``report.ok``, ``report.max_abs_error``, ``report["weight"]``; ``print(report)``.

    Notes
    -----
    A module (or a container's first module) with ``compute_grad_input = False`` is checked
    with the flag switched on, and the report notes it; the flag is off again afterwards.
    """
    _check_settings("check_module", eps, atol, rtol)
    arrays = named_arrays(input, "check_module")
    module.forward(copy_input(input))  # the module must accept the input as it is given
    subject = _describe(module)
    param_dtypes = {p.dtype for _, p, _ in module.named_parameters()}
    check_dtype = _checking_dtype(dtype)
    notes = _dtype_notes(subject, check_dtype, param_dtypes, {a.dtype for _, a in arrays})
    checked = module if param_dtypes <= {check_dtype} else module.clone().type(check_dtype)
    work = copy_input(input, check_dtype)
    with grad_input_enabled(checked) as switched, preserved_parameters(checked):
        if switched:
            notes.append(
                f"compute_grad_input was False on {', '.join(switched)}: switched on for the "
                f"check so that grad_input is checked too, and off again after"
            )
        properties = module_properties(checked, work, params, atol, rtol)
        problems: list[str] = []
        rows = _rows(lambda: backward_rows(checked, work, params), problems)
        output_shape = np.shape(checked.forward(copy_input(work)))

        def forward_at(_: np.ndarray) -> object:
            # The perturbed tensor is read through ``work`` or the module's own attribute.
            return checked.forward(copy_input(work))

        tensors = list(zip([name for name, _ in arrays], arrays_of(work)))
        if params:
            tensors += [(name, param) for name, param, _ in checked.named_parameters()]
        entries = {
            name: _entry(
                name,
                tensor.shape,
                output_shape,
                rows,
                forward_at,
                tensor,
                eps,
                atol,
                rtol,
                keep_jacobians,
            )
            for name, tensor in tensors
        }
    if checked is module:
        module.forward(copy_input(work))  # leave output (read by backward) at the input again
    report = GradcheckReport(
        subject, entries, properties, eps, atol, rtol, check_dtype, notes, problems
    )
    return _finish(report, raise_on_failure)


def check_criterion(
    criterion: object,
    input: Input,
    target: object,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    dtype: np.dtype | type | str | None = None,
    raise_on_failure: bool = False,
    keep_jacobians: bool | None = None,
) -> GradcheckReport:
    """Check a criterion's ``backward(input, target)`` = ∂loss/∂input by central differences.

    Parameters
    ----------
    criterion : nn.Criterion
        ``forward(input, target)`` returns the loss; ``backward(input, target)`` its gradient.
    input : numpy.ndarray or tuple of numpy.ndarray
        Where to check; never modified.
    target : object
        Passed unchanged (a copy each call); a float target of the input's dtype follows the
        input into the checking dtype, integer class labels keep theirs.
    eps, atol, rtol, dtype, raise_on_failure, keep_jacobians
        As for :func:`check_module`.

    Returns
    -------
    GradcheckReport
        One entry per input array (``input`` or ``input[0]``, ``input[1]``).
    """
    _check_settings("check_criterion", eps, atol, rtol)
    arrays = named_arrays(input, "check_criterion")
    criterion.forward(copy_input(input), copy_target(target, None, None))
    subject = _describe(criterion)
    check_dtype = _checking_dtype(dtype)
    given = {a.dtype for _, a in arrays}
    notes = _dtype_notes(subject, check_dtype, set(), given)
    checked = criterion if given <= {check_dtype} else copy.deepcopy(criterion)
    work = copy_input(input, check_dtype)
    work_target = copy_target(target, arrays[0][1].dtype, check_dtype)
    properties = criterion_properties(checked, work, work_target)
    problems: list[str] = []
    rows = _rows(lambda: criterion_rows(checked, work, work_target), problems)

    def loss_at(_: np.ndarray) -> object:
        return checked.forward(copy_input(work), copy_target(work_target, None, None))

    entries = {
        name: _entry(name, tensor.shape, (), rows, loss_at, tensor, eps, atol, rtol, keep_jacobians)
        for (name, _), tensor in zip(arrays, arrays_of(work))
    }
    report = GradcheckReport(
        subject, entries, properties, eps, atol, rtol, check_dtype, notes, problems
    )
    return _finish(report, raise_on_failure)


def _entry(
    name: str,
    shape: tuple[int, ...],
    output_shape: tuple[int, ...],
    rows: BackwardRows | None,
    fn: Callable[[np.ndarray], object],
    tensor: np.ndarray,
    eps: float,
    atol: float,
    rtol: float,
    keep_jacobians: bool | None,
) -> TensorCheck:
    shape = tuple(shape)
    keep = keep_jacobians or (
        keep_jacobians is None and tensor.size * math.prod(output_shape) <= KEPT_JACOBIAN_ELEMENTS
    )
    comparison: Comparison
    if rows is None:
        problem = "not checked: backward raised (see the problem above)"
        comparison = Comparison(name, shape, output_shape, keep, problem, checked=False)
    elif name in rows.problems:
        comparison = Comparison(name, shape, output_shape, keep, rows.problems[name])
    else:
        # pop: the report keeps this tensor's rows only if it keeps its Jacobians.
        stack = rows.stacks.pop(name, None)
        if stack is None:  # no rows for an empty output
            stack = np.zeros((0, *shape))
        if stack.shape[1:] != shape:
            comparison = WrongShapeComparison(name, shape, output_shape, stack, atol, rtol, keep)
        else:
            analytic = stack.reshape(stack.shape[0], math.prod(shape)).T
            comparison = JacobianComparison(name, shape, output_shape, analytic, atol, rtol, keep)
    if comparison.needs_numeric:
        numerical_row_blocks(fn, tensor, eps, comparison.add)
    return comparison.result()


def _rows(collect: Callable[[], BackwardRows], problems: list[str]) -> BackwardRows | None:
    # Backward is user code under test: an exception is a finding for the report, not a crash.
    try:
        return collect()
    except Exception as exc:
        problems.append(_exception_text(exc))
        return None


def _exception_text(exc: Exception) -> str:
    # Point at the innermost frame of the code under test, not of NumPy or of this checker.
    skipped = (Path(__file__).parent, Path(np.__file__).parent)
    frames = [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        if not any(Path(f.filename).is_relative_to(folder) for folder in skipped)
    ]
    text = f"backward raised {type(exc).__name__}: {str(exc).strip()}"
    if frames:
        text += f" (in {frames[-1].name}, {Path(frames[-1].filename).name}:{frames[-1].lineno})"
    return text


def _checking_dtype(dtype: np.dtype | type | str | None) -> np.dtype:
    if dtype is None:
        return FLOAT64
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"gradcheck: dtype must be a floating dtype or None, got {dtype}")
    if dtype != FLOAT64:
        warnings.warn(
            f"gradcheck in {dtype}: finite differences at this precision are mostly rounding "
            f"noise (errors near 1e-3 are normal; use eps≈1e-3, atol≈1e-2), and a real bug can "
            f"hide in it. Leave dtype=None to check a float64 clone instead.",
            UserWarning,
            stacklevel=3,  # the caller of check_module/check_criterion
        )
    return dtype


def _dtype_notes(
    subject: str, check_dtype: np.dtype, param_dtypes: set[np.dtype], input_dtypes: set[np.dtype]
) -> list[str]:
    if check_dtype != FLOAT64:
        return [f"checked in {check_dtype} as asked: expect rounding noise"]
    low = sorted(str(d) for d in (param_dtypes | input_dtypes) - {FLOAT64})
    if not low:
        return []
    why = f"(finite differences in {'/'.join(low)} are noise)"
    if param_dtypes - {FLOAT64}:
        return [f"{subject} is {'/'.join(low)}: checked a float64 clone {why}"]
    return [f"the input is {'/'.join(low)}: checked in float64 {why}"]


def _check_settings(who: str, eps: float, atol: float, rtol: float) -> None:
    if not (math.isfinite(eps) and eps > 0):
        raise ValueError(f"{who}: eps must be a positive finite number, got {eps!r}")
    for name, value in (("atol", atol), ("rtol", rtol)):
        if not (math.isfinite(value) and value >= 0):
            raise ValueError(f"{who}: {name} must be a finite number >= 0, got {value!r}")


def _describe(subject: object) -> str:
    return repr(subject).splitlines()[0].removesuffix(" {")


def _finish(report: GradcheckReport, raise_on_failure: bool) -> GradcheckReport:
    if raise_on_failure and not report.ok:
        raise GradcheckError(report)
    return report
