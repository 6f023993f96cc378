"""What a gradient check found: per-tensor results, extra checks, and a short readable table.

A tensor passes when every Jacobian element satisfies |analytic − numeric| ≤ atol + rtol·|numeric|
(numeric, from finite differences, is the reference). ``str(report)`` prints one row per tensor and,
for each failing tensor, its worst elements and a one-line diagnosis when one is evident.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field

import numpy as np

#: How many of a failing tensor's worst elements ``str(report)`` shows.
SHOWN_ELEMENTS = 3


@dataclass(frozen=True)
class WorstElement:
    """One Jacobian element ∂output[output_index] / ∂tensor[tensor_index] that disagrees.

    The checker makes these for a failing tensor (:attr:`TensorCheck.worst`); the fields are
    also its attributes.

    Parameters
    ----------
    tensor_index : tuple of int
        Index of the element in the checked tensor (the input or a parameter).
    output_index : tuple of int
        Index of the output element; ``()`` for a criterion's scalar loss.
    analytic : float
        The derivative as backward computed it.
    numeric : float
        The central-difference derivative, the reference.
    abs_error : float
        |analytic − numeric|; inf when either is NaN.
    rel_error : float
        abs_error / |numeric|; inf when numeric is 0 (and analytic is not).
    """

    tensor_index: tuple[int, ...]
    output_index: tuple[int, ...]
    analytic: float
    numeric: float
    abs_error: float
    #: abs_error / |numeric|; inf when numeric is 0.
    rel_error: float


@dataclass
class TensorCheck:
    """The check of one tensor (``input``, ``weight``, ``3.bias``, ...).

    ``numeric`` and ``analytic`` are the Jacobians, shape (tensor.size, output.size), with
    ``J[i, j] = ∂outputⱼ/∂tensorᵢ``, when they were kept (``keep_jacobians``: by default only
    small ones are); ``analytic`` is also None when backward could not give one of the right
    shape, and ``problem`` then says why.

    An element fails when |analytic − numeric| > atol + rtol·|numeric| (or either is NaN). The
    checker builds these; the fields are also its attributes, and the properties :attr:`ok`
    and :attr:`total` derive from them.

    Parameters
    ----------
    name : str
        The tensor's name: ``input`` (``input[0]``, ... for a tuple input), else the
        parameter's name from ``named_parameters()``.
    shape : tuple of int
        The tensor's shape.
    output_shape : tuple of int
        The shape of the module's output; ``()`` for a criterion's loss.
    max_abs_error : float
        max |analytic − numeric| over the Jacobian's elements (a NaN counts as inf); inf
        when the tensor could not be compared.
    failing : int
        How many elements fail; all :attr:`total` of them when the tensor could not be
        compared.
    numeric, analytic : numpy.ndarray or None
        The Jacobians, when kept (see above).
    worst : list of WorstElement
        Up to 5 failing elements, the largest abs_error first; empty when none fails or the
        tensor could not be compared. ``str(report)`` shows the first 3.
    problem : str or None
        Why the tensor could not be compared (backward gave None, not an array, or a
        gradient of the wrong or of varying shape; or it raised); None when it was compared.
    diagnosis : str or None
        A one-line diagnosis of a failure when one is evident (transposed, sign flipped, off
        by a constant factor, zero, ...), else None.
    checked : bool
        False when backward raised before this tensor could be compared at all.
    """

    name: str
    shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    max_abs_error: float
    failing: int
    numeric: np.ndarray | None = None
    analytic: np.ndarray | None = None
    worst: list[WorstElement] = field(default_factory=list)
    problem: str | None = None
    diagnosis: str | None = None
    #: False when backward raised before this tensor could be compared at all.
    checked: bool = True

    @property
    def ok(self) -> bool:
        """True when backward's gradient matched the finite differences everywhere."""
        return self.problem is None and self.failing == 0

    @property
    def total(self) -> int:
        """Number of Jacobian elements compared (tensor.size × output.size)."""
        return math.prod(self.shape) * math.prod(self.output_shape)


@dataclass(frozen=True)
class PropertyCheck:
    """A check beyond the Jacobian (determinism, zero grad_output, accumulation, scale, ...).

    The checker makes these; the fields are also its attributes.

    Parameters
    ----------
    name : str
        What was checked, as ``str(report)`` prints it, e.g. ``"forward deterministic"`` or
        ``"parameter gradients accumulate"``.
    ok : bool
        Whether it held.
    detail : str
        For a failed check, what was seen instead; empty when it passed.
    """

    name: str
    ok: bool
    detail: str = ""


@dataclass
class GradcheckReport:
    """The result of :func:`check_module` / :func:`check_criterion`.

    ``ok`` is True when every tensor and every extra check passed. ``entries`` maps tensor
    names to :class:`TensorCheck` (``report["weight"]`` works too).

    The checker builds the report; the fields are also its attributes. ``str(report)`` is the
    readable table, which :class:`GradcheckError` carries as its message.

    Parameters
    ----------
    subject : str
        What was checked: the first line of its ``repr``, e.g. ``nn.Linear(4 -> 3)``.
    entries : dict of str to TensorCheck
        One check per tensor, in order: the input array(s), then the parameters.
    properties : list of PropertyCheck
        The checks beyond the Jacobian.
    eps : float
        The finite-difference step.
    atol, rtol : float
        The tolerances: an element passes when |analytic − numeric| ≤ atol + rtol·|numeric|.
    dtype : numpy.dtype
        The dtype the check ran in (float64 unless asked otherwise).
    notes : list of str
        Remarks that do not fail the check: a float64 clone was checked, a
        ``compute_grad_input = False`` was switched on for the check, ...
    problems : list of str
        What failed outside the comparisons, e.g. the exception backward raised, with where
        it was raised; any problem makes :attr:`ok` False.
    """

    subject: str
    entries: dict[str, TensorCheck]
    properties: list[PropertyCheck]
    eps: float
    atol: float
    rtol: float
    dtype: np.dtype
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when all tensors and all extra checks passed."""
        return (
            not self.problems
            and all(entry.ok for entry in self.entries.values())
            and all(check.ok for check in self.properties)
        )

    @property
    def max_abs_error(self) -> float:
        """Largest |analytic − numeric| over all tensors (inf if one could not be compared)."""
        return max((entry.max_abs_error for entry in self.entries.values()), default=0.0)

    @property
    def failures(self) -> list[TensorCheck]:
        """The tensors that failed, in order."""
        return [entry for entry in self.entries.values() if not entry.ok]

    def __getitem__(self, name: str) -> TensorCheck:
        return self.entries[name]

    def __str__(self) -> str:
        verdict = "ok" if self.ok else "FAIL"
        lines = [
            f"gradcheck {self.subject}: {verdict}, "
            f"max abs error {format_number(self.max_abs_error)}",
            f"  pass when |analytic - numeric| <= {self.atol:g} + {self.rtol:g}*|numeric| "
            f"(central differences, eps {self.eps:g}, {self.dtype})",
        ]
        lines += [line for note in self.notes for line in _wrapped(f"note: {note}")]
        lines += [line for problem in self.problems for line in _wrapped(f"problem: {problem}")]
        rows = [["tensor", "shape", "max abs error", "failing", "result"]]
        for entry in self.entries.values():
            result = "ok" if entry.ok else ("FAIL" if entry.checked else "not checked")
            rows.append(
                [
                    entry.name,
                    _shape(entry.shape),
                    format_number(entry.max_abs_error),
                    f"{entry.failing}/{entry.total}" if entry.problem is None else "-",
                    result,
                ]
            )
        lines += format_table(rows, indent="  ")
        passed = [check.name for check in self.properties if check.ok]
        if passed:
            lines += _wrapped("also ok: " + "; ".join(passed))
        for check in self.properties:
            if not check.ok:
                lines += _wrapped(f"FAIL {check.name}: {check.detail}")
        for entry in self.failures:
            if entry.checked:
                lines += [""] + _failure(entry)
        return "\n".join(lines)

    __repr__ = __str__


class GradcheckError(AssertionError):
    """Raised by a check with ``raise_on_failure=True``; the message is the report's table.

    An AssertionError, so a failed check inside a test reads as a test failure.

    Parameters
    ----------
    report : GradcheckReport
        The failed report; kept as the ``report`` attribute, and ``str(report)`` is the
        message.
    """

    def __init__(self, report: GradcheckReport) -> None:
        super().__init__(str(report))
        self.report = report


def _failure(entry: TensorCheck) -> list[str]:
    # "weight: <problem or diagnosis>", then the worst elements as a small table.
    head = entry.problem or entry.diagnosis or f"{entry.failing} of {entry.total} elements differ"
    lines = [f"{entry.name}: {head}"]
    if entry.problem is not None and entry.diagnosis is not None:
        lines.append(f"  {entry.diagnosis}")
    if entry.worst:
        with_output = entry.output_shape != ()
        header = [f"{entry.name} index"] + (["output index"] if with_output else [])
        rows = [header + ["analytic", "numeric", "abs error", "rel error"]]
        for w in entry.worst[:SHOWN_ELEMENTS]:
            rows.append(
                [_index(w.tensor_index)]
                + ([_index(w.output_index)] if with_output else [])
                + [f"{w.analytic:.6g}", f"{w.numeric:.6g}", format_number(w.abs_error)]
                + [format_number(w.rel_error)]
            )
        lines += format_table(rows, indent="  ")
    return lines


def _wrapped(text: str) -> list[str]:
    return textwrap.wrap(
        text, 100, initial_indent="  ", subsequent_indent="    ", break_on_hyphens=False
    )


def format_table(rows: list[list[str]], indent: str = "") -> list[str]:
    """Left-aligned columns, two spaces apart: the lines of a plain-text table."""
    widths = [max(len(row[k]) for row in rows) for k in range(len(rows[0]))]
    return [
        indent + "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
        for row in rows
    ]


def format_number(value: float) -> str:
    """Three significant digits, or ``inf``."""
    return "inf" if math.isinf(value) else f"{value:.3g}"


def _shape(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def _index(index: tuple[int, ...]) -> str:
    return "[" + ", ".join(map(str, index)) + "]"
