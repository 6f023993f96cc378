"""Compare one block's analytic Jacobian with the numerical one, row block by row block.

An element fails when |a − n| > atol + rtol·|n| (or either is NaN); its relative error is
|a − n| / |n|. Every element whose one-sided derivatives differ by more than twice the
tolerance sits on a *kink* and is counted as such (a few kept) — a failing one always, a
passing one when the gap is also above √h·max(1, |slope|) (1e-3 at h = 1e-6): a smooth
function's one-sided slopes differ by h·|f''|, a kink's by its jump whatever h, and three
values cannot tell a smaller jump from curvature. At a kink no single derivative exists, and
the central difference n is only the mean of the two, so passing there proves as little as
failing. One whose analytic value lies between the two (a subgradient) is set apart: it does
not fail, and its error does not count; one outside both still fails. The numerical rows
arrive in blocks (see :func:`minitorch_l2._jacobian.numerical_row_blocks`), each compared at
once: what is kept is the count, the largest error, the few worst elements with the tensor's
value there, and the evidence the diagnoses need — never a full-size temporary, and the
Jacobians only when asked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..._jacobian import RowBlock, shape_message
from .._report import KinkElement, TensorCheck, WorstElement
from .patterns import ShapeEvidence, ValueEvidence

#: How many worst elements (and kink elements) a TensorCheck keeps.
KEPT_ELEMENTS = 5


@dataclass(frozen=True)
class Block:
    """One block of the Jacobian: a checked tensor × one output tensor (columns start…stop−1).

    Parameters
    ----------
    name : str
        ``weight``, or ``weight → output[1]`` for a table output.
    tensor : str
        The checked tensor's name.
    shape : tuple of int
        Its shape.
    output : str or None
        The output tensor's path for a table output, else None.
    output_shape : tuple of int
        The output tensor's shape.
    start, stop : int
        Its columns in the flat output.
    """

    name: str
    tensor: str
    shape: tuple[int, ...]
    output: str | None
    output_shape: tuple[int, ...]
    start: int
    stop: int

    @property
    def rows(self) -> int:
        """Elements of the checked tensor."""
        return math.prod(self.shape)

    @property
    def columns(self) -> int:
        """Elements of the output tensor."""
        return self.stop - self.start


class Comparison:
    """Receives a block's numerical rows; keeps them only if asked; ``result()`` is the check.

    This base class only stores (for a block whose analytic gradient could not be obtained:
    ``problem`` says why); subclasses compare.
    """

    def __init__(
        self, block: Block, keep: bool, problem: str | None = None, checked: bool = True
    ) -> None:
        self.block, self.problem, self.checked = block, problem, checked
        self.numeric = np.empty((block.rows, block.columns)) if keep else None

    @property
    def needs_numeric(self) -> bool:
        """Whether the numerical Jacobian is wanted at all (to compare, or to keep)."""
        return self.numeric is not None

    def add(self, rows: RowBlock, analytic: np.ndarray | None = None) -> None:
        """Take a block of numerical rows (and the matching analytic ``(columns, rows)``)."""
        if self.numeric is not None:
            b = self.block
            self.numeric[rows.start : rows.start + len(rows.central)] = rows.central[
                :, b.start : b.stop
            ]

    def result(self) -> TensorCheck:
        """A block that could not be compared: ``problem`` says why."""
        b = self.block
        return TensorCheck(
            name=b.name,
            shape=b.shape,
            output_shape=b.output_shape,
            max_abs_error=math.inf,
            failing=b.rows * b.columns,
            numeric=self.numeric,
            problem=self.problem,
            checked=self.checked,
            tensor=b.tensor,
            output=b.output,
        )


class WrongShapeComparison(Comparison):
    """A gradient that came back in another shape: name both shapes, try a diagnosis.

    ``returned`` is ``(columns, *returned shape)``: the block's rows of the returned gradients.
    """

    def __init__(self, block: Block, returned: np.ndarray, atol: float, rtol: float, keep: bool):
        super().__init__(block, keep, shape_message(block.tensor, block.shape, returned.shape[1:]))
        self.evidence = ShapeEvidence(block.shape, returned, atol, rtol)

    @property
    def needs_numeric(self) -> bool:  # noqa: D102 (as the base class)
        return True

    def add(self, rows: RowBlock, analytic: np.ndarray | None = None) -> None:  # noqa: D102
        super().add(rows)
        b = self.block
        self.evidence.add(rows.start, np.ascontiguousarray(rows.central[:, b.start : b.stop].T))

    def result(self) -> TensorCheck:  # noqa: D102 (as the base class)
        check = super().result()
        check.diagnosis = self.evidence.diagnosis()
        return check


class JacobianComparison(Comparison):
    """Element-wise comparison of a block, in the by-output layout ``(columns, rows)``.

    The analytic rows come from one-hot backwards, one per output element, so the by-output
    layout is their natural stack; only the small numeric block is transposed (one copy).

    Parameters
    ----------
    block : Block
        Which block.
    values : numpy.ndarray
        The checked tensor's values, flat float64 (shown beside each worst element).
    atol, rtol : float
        The tolerances.
    keep : bool
        Keep both Jacobians in the result.
    whole : numpy.ndarray or None
        The whole analytic block ``(columns, rows)`` when it is held at once (it enables the
        transposed-gradient diagnosis); None when it arrives in pieces.
    """

    def __init__(
        self,
        block: Block,
        values: np.ndarray,
        atol: float,
        rtol: float,
        keep: bool,
        whole: np.ndarray | None = None,
    ) -> None:
        super().__init__(block, keep)
        self.values, self.atol, self.rtol = values, atol, rtol
        self.analytic = None
        if keep:  # a view of the rows when they are held whole, else filled block by block
            self.analytic = whole.T if whole is not None else np.empty((block.rows, block.columns))
        self.filled = keep and whole is None
        self.max_abs_error = 0.0
        self.failing = 0
        # (−error, flat index in J, analytic, numeric) of the worst failing elements so far.
        self.worst: list[tuple[float, int, float, float]] = []
        self.kinks = 0
        self.kink_elements: list[KinkElement] = []
        self.kink_rows: list[np.ndarray] = []
        self.failing_rows = np.zeros(block.rows, bool)
        self.live_rows = np.zeros(block.rows, bool)  # rows the output depends on
        self.evidence = ValueEvidence(block.tensor, block.shape, whole, atol, rtol, block.output)

    @property
    def needs_numeric(self) -> bool:  # noqa: D102 (as the base class)
        return True

    def add(self, rows: RowBlock, analytic: np.ndarray | None = None) -> None:  # noqa: D102
        super().add(rows)
        b, start = self.block, rows.start
        n = len(rows.central)
        if self.filled:
            self.analytic[start : start + n] = analytic.T
        numeric = np.ascontiguousarray(rows.central[:, b.start : b.stop].T)
        with np.errstate(all="ignore"):
            error = np.abs(analytic - numeric)
            allowed = np.abs(numeric)
            allowed *= self.rtol
            allowed += self.atol
            fails = ~(error <= allowed)  # NaN fails too
        error[np.isnan(error)] = np.inf
        analytic, numeric = self._kinks(rows, analytic, numeric, fails, error)
        if error.size:
            self.max_abs_error = max(self.max_abs_error, float(error.max()))
        failing = int(np.count_nonzero(fails))
        if failing:
            self.failing += failing
            self._keep_worst(start, error, fails, analytic, numeric)
            self.failing_rows[start : start + n] |= fails.any(axis=0)
        self.live_rows[start : start + n] |= (np.abs(numeric) > self.atol).any(axis=0)
        self.evidence.add(start, analytic, numeric, fails if failing else None)

    def _kinks(
        self,
        rows: RowBlock,
        analytic: np.ndarray,
        numeric: np.ndarray,
        fails: np.ndarray,
        error: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        # Every element whose one-sided derivatives differ; a subgradient there is set apart.
        columns = slice(self.block.start, self.block.stop)
        at = rows.at[columns]
        with np.errstate(all="ignore"):  # in place: these are block-sized, one of each
            right = np.subtract(rows.plus[:, columns], at)
            right /= rows.up[:, None]
            left = np.subtract(at, rows.minus[:, columns])
            left /= rows.down[:, None]
            right, left = right.T, left.T
            slope = np.abs(left)
            np.maximum(slope, np.abs(right), out=slope)
            gap = np.subtract(right, left)
            np.abs(gap, out=gap)
            bound = np.multiply(slope, self.rtol)
            bound += self.atol
            bound *= 2
            kink = gap > bound
            # A smooth f's one-sided slopes differ by h·|f''|, a kink's by its jump: a passing
            # element counts as a kink only with a gap above √h·max(1, slope), not curvature.
            np.maximum(slope, 1.0, out=bound)
            bound *= np.sqrt(0.5 * (rows.up + rows.down))
            kink &= fails | (gap > bound)
        if not np.any(kink):
            return analytic, numeric
        j, k = np.nonzero(kink)
        with np.errstate(all="ignore"):
            a, slack = analytic[j, k], self.atol + self.rtol * slope[j, k]
            low = np.minimum(left[j, k], right[j, k])
            high = np.maximum(left[j, k], right[j, k])
            between = (a >= low - slack) & (a <= high + slack)
        self.kinks += len(j)
        self.kink_rows.append(np.unique(rows.start + k))
        for o in range(min(len(j), KEPT_ELEMENTS - len(self.kink_elements))):
            i = rows.start + int(k[o])
            self.kink_elements.append(
                KinkElement(
                    tensor_index=_unravel(i, self.block.shape),
                    output_index=_unravel(int(j[o]), self.block.output_shape),
                    value=float(self.values[i]),
                    left=float(left[j[o], k[o]]),
                    right=float(right[j[o], k[o]]),
                    analytic=float(a[o]),
                )
            )
        j, k = j[between], k[between]
        fails[j, k] = False
        error[j, k] = 0.0
        # The diagnoses look at the other elements: a kink pair is neutral when both are 0.
        analytic, numeric = analytic.copy(), numeric.copy()
        analytic[j, k] = numeric[j, k] = 0.0
        return analytic, numeric

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
        b = self.block
        check = TensorCheck(
            name=b.name,
            shape=b.shape,
            output_shape=b.output_shape,
            max_abs_error=self.max_abs_error,
            failing=self.failing,
            numeric=self.numeric,
            analytic=self.analytic,
            tensor=b.tensor,
            output=b.output,
            kinks=self.kinks,
            kink_elements=self.kink_elements,
            kink_indices=np.unique(np.concatenate(self.kink_rows)) if self.kink_rows else None,
        )
        if self.failing:
            check.worst = [self._element(*w) for w in self.worst]
            check.diagnosis = self.evidence.diagnosis()
            check.where = self._where()
        return check

    def _element(self, minus_error: float, flat: int, a: float, n: float) -> WorstElement:
        i, j = divmod(flat, max(self.block.columns, 1))
        abs_error = -minus_error
        return WorstElement(
            tensor_index=_unravel(i, self.block.shape),
            output_index=_unravel(j, self.block.output_shape),
            analytic=a,
            numeric=n,
            abs_error=abs_error,
            rel_error=abs_error / abs(n) if n != 0 else (0.0 if a == 0 else math.inf),
            value=float(self.values[i]),
        )

    def _where(self) -> str | None:
        # A sign shared by every failing element's tensor value, and not by the passing ones.
        failing = self.values[self.failing_rows]
        passing = self.values[self.live_rows & ~self.failing_rows]
        name = self.block.tensor
        for test, other, sign, opposite in (
            (failing > 0, passing <= 0, "> 0", "<= 0"),
            (failing < 0, passing >= 0, "< 0", ">= 0"),
            (failing == 0, passing != 0, "= 0", "!= 0"),
        ):
            if failing.size and np.all(test) and passing.size and np.all(other):
                return (
                    f"every failing element has {name} {sign}; the {passing.size} at "
                    f"{name} {opposite} pass"
                )
        return None


def _unravel(flat: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(int(k) for k in np.unravel_index(flat, shape))


def compare_jacobians(
    block: Block,
    analytic: np.ndarray,
    numeric: np.ndarray,
    atol: float,
    rtol: float,
    block_rows: int | None = None,
) -> TensorCheck:
    """Check ``analytic`` against a whole ``numeric`` (both (tensor.size, output.size)).

    The same comparison as the streaming one, fed ``block_rows`` rows at a time (default: all),
    without one-sided derivatives (no kinks); both Jacobians are kept in the result.
    """
    by_output = np.ascontiguousarray(analytic.T)
    values = np.zeros(block.rows)
    comparison = JacobianComparison(block, values, atol, rtol, keep=True, whole=by_output)
    step = max(1, block_rows or len(numeric))
    for start in range(0, len(numeric), step):
        central = numeric[start : start + step]
        n = len(central)
        ones = np.ones(n)  # one-sided derivatives equal to the central ones: no kinks
        rows = RowBlock(start, central, central, -central, np.zeros(central.shape[1]), ones, ones)
        comparison.add(rows, by_output[:, start : start + n])
    return comparison.result()
