"""Compare an analytic Jacobian with the numerical one, block by block, into a TensorCheck.

An element fails when |a − n| > atol + rtol·|n| (or either is NaN); its relative error is
|a − n| / |n|. The numerical Jacobian arrives in blocks of rows (see
:func:`~minitorch_l2.gradcheck._numerical.numerical_row_blocks`) and each block is compared at
once: what is kept is the count, the largest error, the few worst elements and the evidence the
diagnoses need — never a full-size temporary, and the Jacobians themselves only when asked.
"""

from __future__ import annotations

import math

import numpy as np

from ._analytic import shape_message
from ._diagnose import ShapeEvidence, ValueEvidence
from ._report import TensorCheck, WorstElement

#: How many worst elements a TensorCheck keeps.
KEPT_ELEMENTS = 5


class Comparison:
    """Receives the numerical Jacobian's row blocks for one tensor; keeps them only if asked.

    ``add(start, rows)`` takes rows ``start …`` of J (``(rows, output.size)``, a buffer the
    caller reuses); ``result()`` gives the TensorCheck. Subclasses compare; this one only
    stores (for a tensor whose analytic gradient could not be obtained).
    """

    def __init__(
        self,
        name: str,
        shape: tuple[int, ...],
        output_shape: tuple[int, ...],
        keep: bool,
        problem: str | None = None,
        checked: bool = True,
    ) -> None:
        self.name, self.shape, self.output_shape = name, tuple(shape), tuple(output_shape)
        self.problem, self.checked = problem, checked
        size, outputs = math.prod(self.shape), math.prod(self.output_shape)
        self.numeric = np.empty((size, outputs)) if keep else None

    @property
    def needs_numeric(self) -> bool:
        """Whether the numerical Jacobian is wanted at all (to compare, or to keep)."""
        return self.numeric is not None

    def add(self, start: int, rows: np.ndarray) -> None:
        """Take rows ``start … start + len(rows) − 1`` of the numerical Jacobian."""
        if self.numeric is not None:
            self.numeric[start : start + len(rows)] = rows

    def result(self) -> TensorCheck:
        """A tensor that could not be compared: ``problem`` says why."""
        return TensorCheck(
            name=self.name,
            shape=self.shape,
            output_shape=self.output_shape,
            max_abs_error=math.inf,
            failing=math.prod(self.shape) * math.prod(self.output_shape),
            numeric=self.numeric,
            analytic=None,
            problem=self.problem,
            checked=self.checked,
        )


class WrongShapeComparison(Comparison):
    """A gradient that came back in another shape: name both shapes, try a diagnosis."""

    def __init__(
        self,
        name: str,
        shape: tuple[int, ...],
        output_shape: tuple[int, ...],
        stack: np.ndarray,
        atol: float,
        rtol: float,
        keep: bool,
    ) -> None:
        problem = shape_message(name, tuple(shape), stack.shape[1:])
        super().__init__(name, shape, output_shape, keep, problem)
        self.evidence = ShapeEvidence(tuple(shape), stack, atol, rtol)

    @property
    def needs_numeric(self) -> bool:  # noqa: D102 (as the base class)
        return True

    def add(self, start: int, rows: np.ndarray) -> None:  # noqa: D102 (as the base class)
        super().add(start, rows)
        self.evidence.add(start, np.ascontiguousarray(rows.T))

    def result(self) -> TensorCheck:  # noqa: D102 (as the base class)
        check = super().result()
        check.diagnosis = self.evidence.diagnosis()
        return check


class JacobianComparison(Comparison):
    """Element-wise comparison of ``analytic`` (``(tensor.size, output.size)``) with the blocks.

    Work is done in the by-output layout ``(output.size, rows)``: ``analytic.T`` of a Jacobian
    built from backward rows is the contiguous stack of those rows, so only the small numeric
    block is transposed (one copy per block), never the analytic Jacobian.
    """

    def __init__(
        self,
        name: str,
        shape: tuple[int, ...],
        output_shape: tuple[int, ...],
        analytic: np.ndarray,
        atol: float,
        rtol: float,
        keep: bool,
    ) -> None:
        super().__init__(name, shape, output_shape, keep)
        self.analytic = analytic if keep else None
        self.by_output = analytic.T
        self.atol, self.rtol = atol, rtol
        self.max_abs_error = 0.0
        self.failing = 0
        # (−error, flat index in J, analytic, numeric) of the worst failing elements so far.
        self.worst: list[tuple[float, int, float, float]] = []
        self.evidence = ValueEvidence(name, self.shape, self.by_output, atol, rtol)

    @property
    def needs_numeric(self) -> bool:  # noqa: D102 (as the base class)
        return True

    def add(self, start: int, rows: np.ndarray) -> None:  # noqa: D102 (as the base class)
        super().add(start, rows)
        numeric = np.ascontiguousarray(rows.T)
        analytic = self.by_output[:, start : start + len(rows)]
        with np.errstate(all="ignore"):
            error = np.abs(analytic - numeric)
            allowed = np.abs(numeric)
            allowed *= self.rtol
            allowed += self.atol
            fails = ~(error <= allowed)  # NaN fails too
        error[np.isnan(error)] = np.inf
        if error.size:
            self.max_abs_error = max(self.max_abs_error, float(error.max()))
        failing = int(np.count_nonzero(fails))
        if failing:
            self.failing += failing
            self._keep_worst(start, error, fails, analytic, numeric)
        self.evidence.add(start, analytic, numeric, fails if failing else None)

    def _keep_worst(
        self,
        start: int,
        error: np.ndarray,
        fails: np.ndarray,
        analytic: np.ndarray,
        numeric: np.ndarray,
    ) -> None:
        # Largest error first, ties in the order of J's flat index (as a stable sort of J would).
        positions = np.flatnonzero(fails)
        errors = error.reshape(-1)[positions]
        if positions.size > KEPT_ELEMENTS:  # drop all but the top few (ties kept) before sorting
            kth = np.partition(errors, positions.size - KEPT_ELEMENTS)[-KEPT_ELEMENTS]
            positions, errors = positions[errors >= kth], errors[errors >= kth]
        j, k = np.unravel_index(positions, error.shape)
        flat = (start + k) * error.shape[0] + j
        order = np.lexsort((flat, -errors))[:KEPT_ELEMENTS]
        for o in order:
            at = j[o], k[o]
            self.worst.append(
                (-float(errors[o]), int(flat[o]), float(analytic[at]), float(numeric[at]))
            )
        self.worst = sorted(self.worst)[:KEPT_ELEMENTS]

    def result(self) -> TensorCheck:  # noqa: D102 (as the base class)
        check = TensorCheck(
            name=self.name,
            shape=self.shape,
            output_shape=self.output_shape,
            max_abs_error=self.max_abs_error,
            failing=self.failing,
            numeric=self.numeric,
            analytic=self.analytic,
        )
        if self.failing:
            check.worst = [self._element(*w) for w in self.worst]
            check.diagnosis = self.evidence.diagnosis()
        return check

    def _element(self, minus_error: float, flat: int, a: float, n: float) -> WorstElement:
        i, j = divmod(flat, max(math.prod(self.output_shape), 1))
        abs_error = -minus_error
        return WorstElement(
            tensor_index=tuple(int(k) for k in np.unravel_index(i, self.shape)),
            output_index=tuple(int(k) for k in np.unravel_index(j, self.output_shape)),
            analytic=a,
            numeric=n,
            abs_error=abs_error,
            rel_error=abs_error / abs(n) if n != 0 else (0.0 if a == 0 else math.inf),
        )


def compare_jacobians(
    name: str,
    shape: tuple[int, ...],
    output_shape: tuple[int, ...],
    analytic: np.ndarray,
    numeric: np.ndarray,
    atol: float,
    rtol: float,
    block_rows: int | None = None,
) -> TensorCheck:
    """Check ``analytic`` against a whole ``numeric`` (both (tensor.size, output.size)).

    The same comparison as the streaming one, fed ``block_rows`` rows at a time (default: all);
    both Jacobians are kept in the result.
    """
    comparison = JacobianComparison(name, shape, output_shape, analytic, atol, rtol, keep=True)
    step = max(1, block_rows or len(numeric))
    for start in range(0, len(numeric), step):
        comparison.add(start, numeric[start : start + step])
    return comparison.result()
