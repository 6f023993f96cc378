"""What a full check will cost, decided before it starts: one pass, several, or a refusal.

The analytic side holds, for every output element, the gradient of every checked tensor:
8 · outputs · Σ tensor sizes bytes in float64 (``Linear(1000, 1000)`` on a batch of 10: 74.5
GiB). Above ``max_memory`` the tensors' elements are split into *passes*, each holding only its
share of those rows and costing one more backward per output element; the numerical side is
computed block by block anyway and never held whole. The calls are counted exactly and priced
at the fastest forward and backward the check has seen so far; above ``max_seconds`` (or when
not even one element's rows fit) the check is refused with the estimate, before the expensive
part begins.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..._jacobian import Layout, numerical
from .._report import GradcheckCostError
from .run import Run
from .settings import Settings

#: Buffers of a numerical row block's size a check holds at once: the block's three (central,
#: f(x + h), f(x − h)) and the comparison's temporaries.
BLOCK_BUFFERS = 24

#: The share of ``max_memory`` left for everything else: the module's own buffers, the copies
#: of inputs and gradients the checks beyond the Jacobian make, the report's bookkeeping.
SPARE = 0.15

#: One pass: (tensor name, first flat element, one past the last) ranges.
Pass = list[tuple[str, int, int]]


@dataclass(frozen=True)
class Cost:
    """The estimate of a full check.

    Parameters
    ----------
    bytes : int
        The analytic Jacobian rows of all checked tensors, float64 (held whole in one pass).
    passes : int or None
        How many passes over the outputs the memory limit splits it into (None: it cannot
        be split finely enough).
    forwards, backwards : int
        The calls the Jacobians need (the checks beyond them come on top: about ten).
    seconds : float
        The calls priced at the fastest forward and backward seen.
    """

    bytes: int
    passes: int | None
    forwards: int
    backwards: int
    seconds: float

    def describe(self) -> str:
        """``74.5 GiB of analytic Jacobian; 2,011,010 forward and 10,000 backward calls (≈ 17
        min)``."""
        split = f", in {self.passes} passes" if self.passes and self.passes > 1 else ""
        return (
            f"{format_bytes(self.bytes)} of analytic Jacobian{split}; {self.forwards:,} forward "
            f"and {self.backwards:,} backward calls (≈ {format_seconds(self.seconds)})"
        )


@dataclass(frozen=True)
class Plan:
    """How a full check runs: its passes and their estimated cost.

    Parameters
    ----------
    passes : list of Pass
        The tensor ranges each pass holds.
    cost : Cost
        The estimate.
    block_rows : int
        Rows per numerical row block.
    keep_small : bool
        Whether small blocks' Jacobians are kept (``keep_jacobians=None``): not when they
        would take more than a quarter of ``max_memory``.
    """

    passes: list[Pass]
    cost: Cost
    block_rows: int
    keep_small: bool = True

    def keeps(self, settings: Settings, elements: int) -> bool:
        """Whether a block of ``elements`` is kept in the report."""
        if settings.keep_jacobians is None and not self.keep_small:
            return False
        return settings.keeps(elements)


def plan(run: Run, tensors: list[tuple[str, np.ndarray]], output: Layout) -> Plan:
    """Split the check into passes within ``settings.max_memory``, or refuse it.

    Raises :class:`GradcheckCostError` naming the estimate when even one element's rows do
    not fit, or when the estimated time exceeds ``settings.max_seconds``.
    """
    calls, settings, subject = run.calls, run.settings, run.subject
    row_bytes = 8 * max(output.size, 1)
    total = sum(t.size for _, t in tensors)
    kept = sum(
        16 * t.size * size
        for _, t in tensors
        for size in output.sizes
        if settings.keeps(t.size * size)
    )
    capacity, block, keep_small = total, numerical.BLOCK_ELEMENTS, True
    if settings.max_memory is not None and settings.keep_jacobians is None:
        if kept > settings.max_memory // 4:  # small Jacobians are kept only when they fit
            kept, keep_small = 0, False
    if settings.max_memory is not None:
        # Numerical blocks of at least one row, and at most half the limit between them.
        usable = int(settings.max_memory * (1 - SPARE))
        block = max(output.size, min(numerical.BLOCK_ELEMENTS, usable // (16 * BLOCK_BUFFERS)))
        capacity = (usable - 8 * BLOCK_BUFFERS * block - kept) // row_bytes
    passes = _passes(tensors, max(capacity, 1)) if total else [[]]
    ranges = sum(len(p) for p in passes)
    forwards = len(passes) * output.size + ranges + 2 * total
    backwards = len(passes) * output.size
    forward_time = calls.forward_seconds if math.isfinite(calls.forward_seconds) else 0.0
    backward_time = calls.backward_seconds if math.isfinite(calls.backward_seconds) else 0.0
    seconds = forwards * forward_time + backwards * backward_time
    split = len(passes) if capacity >= 1 else None
    cost = Cost(row_bytes * total, split, forwards, backwards, seconds)
    why = None
    if capacity < 1:
        why = (
            f"not even one element's rows ({format_bytes(row_bytes)}, one per output element) "
            f"fit in max_memory={format_bytes(settings.max_memory)} beside what the check keeps"
        )
    elif settings.max_seconds is not None and seconds > settings.max_seconds:
        why = f"that is above max_seconds={settings.max_seconds:g}"
    if why is not None:
        raise GradcheckCostError(
            f"{settings.who}({subject}): the full check would need {cost.describe()}: {why}. "
            f"Use mode='fast' (random projections: a few calls per tensor), a smaller input "
            f"or layer (the cost grows with output elements × checked elements), or raise "
            f"max_memory / max_seconds (None for no limit).",
            cost,
        )
    return Plan(passes, cost, max(1, block // max(output.size, 1)), keep_small)


def _passes(tensors: list[tuple[str, np.ndarray]], capacity: int) -> list[Pass]:
    # Fill each pass with up to ``capacity`` elements, tensors in order, split where needed.
    passes: list[Pass] = [[]]
    room = capacity
    for name, tensor in tensors:
        start = 0
        while start < tensor.size:
            if room == 0:
                passes.append([])
                room = capacity
            stop = min(tensor.size, start + room)
            passes[-1].append((name, start, stop))
            room -= stop - start
            start = stop
        if tensor.size == 0:
            passes[-1].append((name, 0, 0))
    return passes


def format_bytes(count: int | None) -> str:
    """``74.5 GiB``, ``512 KiB``, ``10 bytes``."""
    if count is None:
        return "unlimited"
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= size:
            return f"{count / size:.3g} {unit}"
    return f"{count} bytes"


def format_seconds(seconds: float) -> str:
    """``0.5 s``, ``12 s``, ``17 min``, ``2.1 h``."""
    if seconds < 60:
        return f"{seconds:.2g} s"
    if seconds < 3600:
        return f"{seconds / 60:.2g} min"
    return f"{seconds / 3600:.2g} h"
