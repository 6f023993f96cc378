"""``check_module`` and ``check_criterion``: analytic gradients against central differences.

A check, in the order it runs:

1. **settings** — every keyword validated once into one :class:`Settings`, held with the
   calls, notes and problems by one :class:`~.run.Run`;
2. **the point** — the input's :class:`Layout` read once (a tensor or a table); the module
   must accept the input as given; a float32 module is checked through a float64 clone,
   because a finite difference in float32 is noise;
3. **the calls** — every forward and backward goes through one
   :class:`~minitorch_l2._jacobian.ModuleCalls` (fresh copies of the input, a forward before
   each backward, zeroed gradients; counted and timed), inside a block that restores the
   module's parameters and gradients bit for bit;
4. **beyond the Jacobian** — determinism, unchanged arguments, zero-in-zero-out,
   accumulation and ``scale`` (:mod:`.properties`); undeclared weight-like attributes;
5. **the Jacobians** — ``mode="fast"`` projects them first (:mod:`.fast`) and keeps only the
   failing tensors for the full check; the full check is planned within the limits
   (:mod:`.cost`: one pass, several, or a refusal) and run block by block (:mod:`.full`);
6. **the report** — every block's result, the notes and the calls made.

For every block (checked tensor t × output tensor) the element-wise test is

    |J_analytic[i, j] − J_numeric[i, j]| ≤ atol + rtol · |J_numeric[i, j]|,
    J[i, j] = ∂outputⱼ/∂tᵢ.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..._jacobian import (
    CriterionCalls,
    Layout,
    ModuleCalls,
    grad_input_enabled,
    preserved_parameters,
    subject_name,
)
from .._diagnosis.undeclared import undeclared_parameters
from .._report import GradcheckCostError, GradcheckError, GradcheckReport, TensorCheck
from . import cost
from .fast import fast_check
from .full import full_check
from .properties import criterion_properties, module_properties
from .run import Run
from .settings import FLOAT64, Settings, takes_options

Input = np.ndarray | list | tuple


@takes_options()
def check_module(module: object, input: Input, **options: object) -> GradcheckReport:
    """Check a module's ``backward`` against central finite differences of its ``forward``.

    Parameters
    ----------
    module : nn.Module
        The layer or container to check. Left as it was: parameters and accumulated
        gradients restored exactly, ``output`` recomputed at ``input``.
    input : numpy.ndarray or list
        Where to check: a tensor, or a table (a list, nested as deep as needed; tuples read
        as lists) of tensors. Never modified (the module only sees copies). An integer leaf
        (LookupTable's or Index's indices) is held fixed: never perturbed, its grad_input
        not compared; the floating leaves and the parameters are checked.
    eps : float
        Finite-difference step: ∂outputⱼ/∂tᵢ ≈ (f(tᵢ + eps) − f(tᵢ − eps)) / (2·eps).
    atol, rtol : float
        An element passes when |analytic − numeric| ≤ atol + rtol·|numeric|.
    params : bool
        Also check every parameter: what ``named_parameters()`` gives (``weight``, ``bias``,
        ``3.weight`` in containers; a layer's own ``parameters()`` override counts).
    dtype : dtype or None
        None (default) checks in float64, through a float64 clone of a float32 module.
        ``np.float32`` forces checking in float32, with a warning: expect rounding noise.
    raise_on_failure : bool
        Raise :class:`GradcheckError` (an AssertionError) carrying the report unless
        ``report.ok``: on a failure, and on an inconclusive check (every element of a checked
        tensor on a kink).
    keep_jacobians : bool or None
        Keep each block's ``numeric`` and ``analytic`` Jacobians in the report: True always,
        False never, None (default) when they have at most 65,536 elements.
    mode : str
        ``"full"`` compares every element. ``"fast"`` first compares random projections
        vᵀJu (two backwards, and four forwards per tensor) and checks in full only the
        tensors where they disagree, to say where and why.
    max_memory : int or None
        Bytes the check may hold at once for the analytic Jacobian (default 1 GiB). A bigger
        check goes block by block, in several passes over the outputs; None: no limit.
    max_seconds : float or None
        A full check estimated to take longer is refused with a
        :class:`GradcheckCostError` naming the estimate (default 600); None: no limit.
    seed : int
        Seed of the check's own draws (the random grad_output, fast mode's vectors).
    **options
        The keywords above (defaults as the signature shows), and only those.

    Returns
    -------
    GradcheckReport
        ``report.ok``, ``report.status`` (``"ok"``, ``"FAIL"``, ``"inconclusive"``),
        ``report.max_abs_error``, ``report["weight"]``, ``report["input[1] → output[0]"]``
        for tables; ``print(report)``.

    Raises
    ------
    GradcheckCostError
        The check is too costly for the limits (refused before its Jacobians), or memory
        ran out during it: the check's problem, never reported as the module's.

    Notes
    -----
    A module (or a container's first module) with ``compute_grad_input = False`` is checked
    with the flag switched on, and the report notes it; the flag is off again afterwards.
    """
    settings = Settings.checked("check_module", options, check_module.options)
    inputs = _layout(input, settings)
    module.forward(inputs.copy(input))  # the module must accept the input as it is given
    run = Run(settings, subject_name(module))
    param_dtypes = {p.dtype for _, p, _ in module.named_parameters()}
    nothing = len(inputs.fixed) == len(inputs.paths) and not (settings.params and param_dtypes)
    _fixed_note(run, inputs, nothing)
    _dtype_notes(run, param_dtypes, _floating_dtypes(inputs))
    checked = module if param_dtypes <= {settings.dtype} else module.clone().type(settings.dtype)
    calls = run.calls = ModuleCalls(checked, inputs.copy(input, settings.dtype), settings.params)
    with _own_memory(run), grad_input_enabled(checked) as switched:
        if switched:
            run.note(
                f"compute_grad_input was False on {', '.join(switched)}: switched on for the "
                f"check so that grad_input is checked too, and off again after"
            )
        with preserved_parameters(checked):
            output = Layout.of(calls.forward(), "output", "check_module")
            properties = module_properties(calls, output, settings)
            entries = _jacobians(run, output)
    calls.forwards += 1  # the first forward, of the module as given
    if checked is module:
        calls.forward()  # leave output (read by backward) at the input
    unchecked = undeclared_parameters(module) if settings.params else []
    return _finish(run.report(entries, properties, unchecked), settings)


@takes_options("params")
def check_criterion(
    criterion: object, input: Input, target: object, **options: object
) -> GradcheckReport:
    """Check a criterion's ``backward(input, target)`` = ∂loss/∂input by central differences.

    Parameters
    ----------
    criterion : nn.Criterion
        ``forward(input, target)`` returns the loss; ``backward(input, target)`` its gradient.
    input : numpy.ndarray or list
        Where to check: a tensor or a (nested) table of them; never modified. Integer leaves
        are held fixed, as for :func:`check_module`.
    target : object
        Passed unchanged (a copy each call); a float target of the input's dtype follows the
        input into the checking dtype, integer class labels keep theirs.
    **options
        ``eps``, ``atol``, ``rtol``, ``dtype``, ``raise_on_failure``, ``keep_jacobians``,
        ``mode``, ``max_memory``, ``max_seconds``, ``seed``: as for :func:`check_module`.

    Returns
    -------
    GradcheckReport
        One entry per input tensor (``input`` or ``input[0]``, ``input[1]``, ...).
    """
    settings = Settings.checked("check_criterion", options, check_criterion.options)
    settings = dataclasses.replace(settings, params=False)  # a criterion has no parameters
    inputs = _layout(input, settings)
    criterion.forward(inputs.copy(input), _converted(target, None, None))
    run = Run(settings, subject_name(criterion))
    given = _floating_dtypes(inputs)
    _fixed_note(run, inputs, not given)
    _dtype_notes(run, set(), given)
    checked = criterion
    if not given <= {settings.dtype}:
        checked = criterion.clone() if hasattr(criterion, "clone") else criterion
        if hasattr(checked, "type"):
            checked.type(settings.dtype)
    first = next(d for p, d in zip(inputs.paths, inputs.dtypes) if p not in inputs.fixed)
    work_target = _converted(target, first, settings.dtype)
    calls = run.calls = CriterionCalls(checked, inputs.copy(input, settings.dtype), work_target)
    calls.forwards += 1  # the first forward, of the criterion as given
    with _own_memory(run):
        output = Layout.of(calls.forward(), "output", "check_criterion")
        properties = criterion_properties(calls)
        entries = _jacobians(run, output)
    return _finish(run.report(entries, properties), settings)


def _jacobians(run: Run, output: Layout) -> dict[str, TensorCheck]:
    # Fast mode first (when asked), then the full check of whatever is still in doubt.
    settings = run.settings
    tensors = run.calls.tensors()
    passed: dict[str, TensorCheck] = {}
    if settings.mode == "fast":
        passed, failed = fast_check(run, output, tensors)
        if not failed:
            return passed
        run.note(
            f"fast mode: the projections v'Ju disagree, or show a kink, for "
            f"{', '.join(failed)}; checked element by element to say where"
        )
    full = [t for t in tensors if t[0] not in passed]
    try:
        plan = cost.plan(run, full, output)
    except GradcheckCostError as refusal:
        if not passed and settings.mode == "full":
            raise
        run.problem(f"the full check that would locate the disagreement was refused: {refusal}")
        return passed
    if plan.cost.passes > 1:
        run.note(
            f"went block by block within max_memory={cost.format_bytes(settings.max_memory)}: "
            f"the analytic Jacobian ({cost.format_bytes(plan.cost.bytes)}) was collected in "
            f"{plan.cost.passes} passes over the outputs"
        )
    checked = full_check(run, output, full, plan)
    entries: dict[str, TensorCheck] = {}
    for name, _ in tensors:  # in the tensors' order, fast-mode passes and full checks alike
        if name in passed:
            entries[name] = passed[name]
        entries.update({key: e for key, e in checked.items() if e.tensor == name})
    return entries


class _own_memory:  # noqa: N801 (used as a context manager, like contextlib's)
    """Turn a MemoryError met during a check into a GradcheckCostError: it is the check's."""

    def __init__(self, run: Run) -> None:
        self.run = run

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type | None, error: BaseException | None, _: object) -> bool:
        if kind is not None and issubclass(kind, MemoryError):
            settings = self.run.settings
            limit = cost.format_bytes(settings.max_memory)
            raise GradcheckCostError(
                f"{settings.who}({self.run.subject}): ran out of memory during the check "
                f"(max_memory={limit}): this is the check's own cost, not a fault of the "
                f"module; use mode='fast', a smaller input, or a lower max_memory"
            ) from error
        return False


def _layout(input: Input, settings: Settings) -> Layout:
    # The input's layout, read once; every leaf floating, or integer (indices, held fixed).
    inputs = Layout.of(input, "input", settings.who)
    for path, dtype in zip(inputs.paths, inputs.dtypes):
        if dtype.kind not in "fiu":
            raise TypeError(
                f"{settings.who}: expected {path} of a floating dtype (float32 or float64), or "
                f"an integer one (indices, held fixed), got {dtype}; convert it with "
                f".astype(np.float64)"
            )
    return inputs


def _floating_dtypes(inputs: Layout) -> set[np.dtype]:
    return {d for p, d in zip(inputs.paths, inputs.dtypes) if p not in inputs.fixed}


def _fixed_note(run: Run, inputs: Layout, nothing_else: bool) -> None:
    # Integer leaves are held fixed; say so, and refuse a check that would check nothing.
    if not inputs.fixed:
        return
    fixed = [f"{p} ({d})" for p, d in zip(inputs.paths, inputs.dtypes) if p in inputs.fixed]
    if nothing_else:
        raise ValueError(
            f"{run.settings.who}({run.subject}): nothing to check: every input leaf is integer "
            f"({', '.join(fixed)}) and there is no parameter to check"
        )
    run.note(
        f"{', '.join(fixed)} held fixed: integer indices are not perturbed, and their "
        f"grad_input is not compared"
    )


def _converted(target: object, source: np.dtype | None, dtype: np.dtype | None) -> object:
    # A deep copy of a target; float arrays of the input's dtype follow it into ``dtype``.
    if isinstance(target, np.ndarray):
        follow = dtype is not None and target.dtype == source
        return target.astype(dtype if follow else target.dtype, copy=True)
    if isinstance(target, tuple | list):
        return [_converted(t, source, dtype) for t in target]
    return target


def _dtype_notes(run: Run, param_dtypes: set[np.dtype], input_dtypes: set[np.dtype]) -> None:
    # Say in which dtype the check ran when it is not the one the module or input has.
    check_dtype = run.settings.dtype
    if check_dtype != FLOAT64:
        run.note(f"checked in {check_dtype} as asked: expect rounding noise")
        return
    low = sorted(str(d) for d in (param_dtypes | input_dtypes) - {FLOAT64})
    if not low:
        return
    why = f"(finite differences in {'/'.join(low)} are noise)"
    if param_dtypes - {FLOAT64}:
        run.note(f"{run.subject} is {'/'.join(low)}: checked a float64 clone {why}")
    else:
        run.note(f"the input is {'/'.join(low)}: checked in float64 {why}")


def _finish(report: GradcheckReport, settings: Settings) -> GradcheckReport:
    if settings.raise_on_failure and not report.ok:
        raise GradcheckError(report)
    return report
