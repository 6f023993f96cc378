"""What a gradient check found: per-block results and the checks beyond the Jacobian, as data.

A *block* is the Jacobian of one output tensor w.r.t. one checked tensor: for a tensor output
the block of ``weight`` is just named ``weight``; for a table output it is ``weight → output[1]``.
An element passes when |analytic − numeric| ≤ atol + rtol·|numeric| (numeric, from finite
differences, is the reference); elements where the input sits on a kink (the one-sided
derivatives differ) are set apart, not failed. ``str(report)`` is laid out by ``_text.py``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ._text import render


@dataclass(frozen=True)
class WorstElement:
    """One Jacobian element ∂output[output_index] / ∂tensor[tensor_index] that disagrees.

    The checker makes these for a failing block (:attr:`TensorCheck.worst`); the fields are
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
    value : float
        The checked tensor's value at ``tensor_index`` (the input value, for the input): where
        the derivative was taken. A mask bug shows here (every failing input > 0).
    """

    tensor_index: tuple[int, ...]
    output_index: tuple[int, ...]
    analytic: float
    numeric: float
    abs_error: float
    rel_error: float
    value: float = math.nan


@dataclass(frozen=True)
class KinkElement:
    """A Jacobian element at a kink: the left and right derivatives differ, so no one is right.

    Parameters
    ----------
    tensor_index : tuple of int
        Index of the element in the checked tensor.
    output_index : tuple of int
        Index of the output element.
    value : float
        The tensor's value there (at or within eps of the non-differentiable point).
    left, right : float
        (f(x) − f(x − h)) / h and (f(x + h) − f(x)) / h.
    analytic : float
        What backward gave: between ``left`` and ``right`` (a subgradient: set apart, not
        failed), or outside both (the element fails too).
    """

    tensor_index: tuple[int, ...]
    output_index: tuple[int, ...]
    value: float
    left: float
    right: float
    analytic: float


@dataclass
class TensorCheck:
    """The check of one block: one checked tensor (``input``, ``weight``, ...) × one output.

    ``numeric`` and ``analytic`` are the block's Jacobians, shape (tensor.size, output.size),
    with ``J[i, j] = ∂outputⱼ/∂tensorᵢ``, when they were kept (``keep_jacobians``: by default
    only small ones are); ``analytic`` is also None when backward could not give one of the
    right shape, and ``problem`` then says why.

    An element fails when |analytic − numeric| > atol + rtol·|numeric| (or either is NaN),
    unless the tensor sits on a kink there and the analytic value lies between the one-sided
    derivatives (a subgradient): that element is set apart. Every element on a kink, passing
    or failing, is counted in :attr:`kinks`. The checker builds these; the fields are also its
    attributes.

    Parameters
    ----------
    name : str
        The block's name: the tensor's (``input``, ``input[0]``, ``weight``, ``3.bias``) for a
        tensor output, ``input[1] → output[0]`` for a table output.
    shape : tuple of int
        The checked tensor's shape.
    output_shape : tuple of int
        The shape of this block's output tensor; ``()`` for a criterion's loss.
    max_abs_error : float
        max |analytic − numeric| over the elements not set apart as kinks (a NaN counts as
        inf); inf when the block could not be compared.
    failing : int
        How many elements fail; all :attr:`total` of them when it could not be compared.
    numeric, analytic : numpy.ndarray or None
        The Jacobians, when kept (see above).
    worst : list of WorstElement
        Up to 5 failing elements, the largest abs_error first. ``str(report)`` shows 3.
    problem : str or None
        Why the block could not be compared (backward gave None, not an array, a gradient of
        the wrong or of varying shape, or raised); None when it was compared.
    diagnosis : str or None
        A one-line diagnosis of a failure when one is evident (transposed, sign flipped, off
        by a constant factor, zero, a missing mask, ...), else None.
    checked : bool
        False when backward raised before this block could be compared at all.
    tensor : str
        The checked tensor's name (``name`` without the output part).
    output : str or None
        The output tensor's path for a table output (``output[0][1]``), else None.
    where : str or None
        Where the failing elements are, when that says something: "every failing element has
        input > 0 (the elements at input <= 0 pass)".
    kinks : int
        Elements where the tensor sits on a kink (the one-sided derivatives differ), whether
        they pass or not; those with a subgradient are set apart.
    kink_elements : list of KinkElement
        A few of them.
    kink_indices : numpy.ndarray or None
        Flat indices of the tensor's elements on a kink in this block.
    method : str
        ``"full"`` (every element compared), ``"fast"`` (random projections vᵀJu only) or
        ``"float32"`` (the float32 result against the float64 clone's; ``analytic`` and
        ``numeric`` of each worst element are the float32 and float64 values).
    compared : int or None
        For ``"fast"``: how many projections were compared.
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
    checked: bool = True
    tensor: str = ""
    output: str | None = None
    where: str | None = None
    kinks: int = 0
    kink_elements: list[KinkElement] = field(default_factory=list)
    kink_indices: np.ndarray | None = None
    method: str = "full"
    compared: int | None = None

    def __post_init__(self) -> None:
        self.tensor = self.tensor or self.name

    @property
    def ok(self) -> bool:
        """True when backward's gradient matched the finite differences everywhere."""
        return self.problem is None and self.failing == 0

    @property
    def total(self) -> int:
        """Number of comparisons: tensor.size × output.size elements (or fast projections)."""
        if self.compared is not None:
            return self.compared
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

    :attr:`status` is ``"FAIL"`` when a block, an extra check or anything else failed;
    ``"inconclusive"`` when nothing failed but every element of some checked tensor sits on a
    kink (its one-sided derivatives differ), so its gradient was never compared where it is a
    derivative; else ``"ok"``. :attr:`ok` is True for ``"ok"`` only: a check at an all-kink
    input (Lua's all-zero input for ReLU) is not a pass, and ``raise_on_failure`` raises for
    it too. ``entries`` maps block names to :class:`TensorCheck` (``report["weight"]``,
    ``report["input[1] → output[0]"]``).

    The checker builds the report; the fields are also its attributes. ``str(report)`` is the
    readable table, which :class:`GradcheckError` carries as its message.

    Parameters
    ----------
    subject : str
        What was checked: the first line of its ``repr``, e.g. ``nn.Linear(4 -> 3)``.
    entries : dict of str to TensorCheck
        One check per block, in order: the input tensors, then the parameters.
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
        ``compute_grad_input = False`` was switched on, the check went block by block, ...
    problems : list of str
        What failed outside the comparisons, e.g. the exception backward raised, with where
        it was raised; any problem makes :attr:`ok` False.
    unchecked : list of str
        Arrays that look like parameters (a floating attribute with a ``grad_<name>``
        partner) but are not declared: nothing checks their gradients, and optimisers never
        see them. They do not fail the check; the report names them.
    mode : str
        ``"full"`` or ``"fast"`` (a gradient check), or ``"float32"`` (:func:`check_float32`:
        the float32 module against its float64 clone; ``atol`` and ``eps`` are 0 there).
    forward_calls, backward_calls : int
        How many forwards and backwards the check made.
    seconds : float
        How long it took.
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
    unchecked: list[str] = field(default_factory=list)
    mode: str = "full"
    forward_calls: int = 0
    backward_calls: int = 0
    seconds: float = 0.0

    @property
    def status(self) -> str:
        """``"ok"``, ``"FAIL"``, or ``"inconclusive"`` (nothing failed, but every element of a
        checked tensor sits on a kink: see :attr:`kinked_tensors`)."""
        failed = (
            self.problems
            or not all(entry.ok for entry in self.entries.values())
            or not all(check.ok for check in self.properties)
        )
        if failed:
            return "FAIL"
        return "inconclusive" if self.kinked_tensors else "ok"

    @property
    def ok(self) -> bool:
        """True for a clean pass: every block and extra check passed, and no checked tensor
        sits on kinks only."""
        return self.status == "ok"

    @property
    def inconclusive(self) -> bool:
        """True when nothing failed but every element of a checked tensor sits on a kink."""
        return self.status == "inconclusive"

    @property
    def kinked_tensors(self) -> dict[str, int]:
        """``{tensor: size}`` for each checked tensor of which *every* element sits on a kink."""
        return {name: size for name, (count, size) in self.kinks.items() if count == size > 0}

    @property
    def max_abs_error(self) -> float:
        """Largest |analytic − numeric| over all blocks (inf if one could not be compared)."""
        return max((entry.max_abs_error for entry in self.entries.values()), default=0.0)

    @property
    def failures(self) -> list[TensorCheck]:
        """The blocks that failed, in order."""
        return [entry for entry in self.entries.values() if not entry.ok]

    @property
    def kinks(self) -> dict[str, tuple[int, int]]:
        """``{tensor: (elements on a kink, tensor.size)}`` for each tensor with kinks."""
        found: dict[str, tuple[set[int], int]] = {}
        for entry in self.entries.values():
            if entry.kink_indices is not None and entry.kink_indices.size:
                seen, size = found.setdefault(entry.tensor, (set(), math.prod(entry.shape)))
                seen.update(int(i) for i in entry.kink_indices)
        return {name: (len(seen), size) for name, (seen, size) in found.items()}

    def __getitem__(self, name: str) -> TensorCheck:
        return self.entries[name]

    def __str__(self) -> str:
        return render(self)

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


class GradcheckCostError(RuntimeError):
    """A check refused (or stopped) for its cost: its own memory or time, never the module's fault.

    Raised before the expensive part of a check when its estimate exceeds ``max_memory`` even
    block by block, or ``max_seconds``; and in place of a MemoryError met during a check. The
    message names the estimate and what to do (``mode="fast"``, a smaller input, a limit).

    Parameters
    ----------
    message : str
        What was estimated and why the check stopped.
    estimate : object
        The estimate (a ``Cost``: ``bytes``, ``forwards``, ``backwards``, ``seconds``).
    """

    def __init__(self, message: str, estimate: object = None) -> None:
        super().__init__(message)
        self.estimate = estimate
