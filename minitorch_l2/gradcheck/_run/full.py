"""The full check: every element of every block, analytic rows against numerical row blocks.

For each pass of the plan (usually one): one backward per output element collects the analytic
rows of the pass's tensor ranges, then each range's numerical rows are computed block by block
and handed to the comparison of every output tensor (a block of the Jacobian). Backward is code
under test: an exception there is a finding for the report, not a crash — but running out of
memory is the check's own problem, and is never reported as the module's.
"""

from __future__ import annotations

import gc
import traceback
from pathlib import Path

import numpy as np

from ..._jacobian import Calls, Layout, RowBlock, Rows, numerical_row_blocks, one_hot_rows
from .._diagnosis.compare import Block, Comparison, JacobianComparison, WrongShapeComparison
from .._report import TensorCheck
from .cost import Plan
from .run import Run
from .settings import Settings


def full_check(
    run: Run, output: Layout, tensors: list[tuple[str, np.ndarray]], plan: Plan
) -> dict[str, TensorCheck]:
    """Compare every block of ``tensors`` × output tensors; returns the checks by block name.

    An exception raised by backward is a problem of the run, and leaves the blocks it
    stopped "not checked".
    """
    calls, settings = run.calls, run.settings
    arrays = dict(tensors)
    blocks = {name: _blocks(name, array.shape, output) for name, array in tensors}
    comparisons: dict[str, list[Comparison]] = {}
    for ranges in plan.passes:
        wanted = {name: (arrays[name].shape, start, stop) for name, start, stop in ranges}
        try:
            rows = one_hot_rows(calls, output, wanted)
        except MemoryError:
            raise
        except Exception as exc:  # backward is code under test
            run.problem(exception_text(exc))
            break
        for name, start, stop in ranges:
            if name not in comparisons:
                whole = len(plan.passes) == 1  # the analytic rows are held at once
                comparisons[name] = _comparisons(
                    name, blocks[name], rows, arrays[name], settings, plan, whole
                )
            elements = range(start, stop)
            try:
                _compare(
                    calls, output, arrays[name], comparisons[name], rows, name, elements,
                    settings.eps, plan.block_rows,
                )  # fmt: skip
            except MemoryError:
                raise
            except Exception as exc:  # forward is code under test too
                run.problem(exception_text(exc, f"forward at a perturbed {name}"))
                problem = "not checked: forward raised (see the problem above)"
                comparisons[name] = [
                    Comparison(b, False, problem, checked=False) for b in blocks[name]
                ]
        del rows  # before the next pass allocates its own rows
        if len(plan.passes) > 1:
            gc.collect()  # and the cycles left by the calls (freed late, they add up)
    entries = {}
    for name, _ in tensors:
        for index, block in enumerate(blocks[name]):
            if name in comparisons:
                entries[block.name] = comparisons[name][index].result()
            else:
                problem = "not checked: backward raised (see the problem above)"
                entries[block.name] = Comparison(block, False, problem, checked=False).result()
    return entries


def _blocks(name: str, shape: tuple[int, ...], output: Layout) -> list[Block]:
    # One block per output tensor: named by the tensor alone unless the output is a table.
    return [
        Block(
            f"{name} → {path}" if output.is_table else name,
            name,
            tuple(shape),
            path if output.is_table else None,
            out_shape,
            start,
            start + size,
        )
        for path, out_shape, start, size in zip(
            output.paths, output.shapes, output.offsets, output.sizes
        )
    ]


def _comparisons(
    name: str,
    blocks: list[Block],
    rows: Rows,
    tensor: np.ndarray,
    settings: Settings,
    plan: Plan,
    whole: bool,
) -> list[Comparison]:
    # What each block's comparison is, decided by what backward gave for this tensor.
    atol, rtol = settings.atol, settings.rtol
    stack = rows.stacks.get(name) if whole else None
    values = tensor.astype(np.float64).reshape(-1)
    made: list[Comparison] = []
    for b in blocks:
        keep = plan.keeps(settings, b.rows * b.columns)
        problem = rows.problems.get(name)
        if problem is None:
            by_output = None if stack is None else stack[b.start : b.stop]
            made.append(JacobianComparison(b, values, atol, rtol, keep, by_output))
        elif name in rows.returned:
            returned = rows.returned[name][b.start : b.stop]
            made.append(WrongShapeComparison(b, returned, atol, rtol, keep))
        else:
            made.append(Comparison(b, keep, problem))
    return made


def _compare(
    calls: Calls,
    output: Layout,
    tensor: np.ndarray,
    comparisons: list[Comparison],
    rows: Rows,
    name: str,
    elements: range,
    eps: float,
    block_rows: int,
) -> None:
    # The numerical rows of ``elements`` of ``tensor``, block by block, to every comparison.
    if not any(c.needs_numeric for c in comparisons):
        return
    stack = rows.stacks.get(name)

    def consume(block: RowBlock) -> None:
        lo = block.start - elements.start
        hi = lo + len(block.central)
        for c in comparisons:
            b = c.block
            c.add(block, None if stack is None else stack[b.start : b.stop, lo:hi])

    forward = calls.forward
    numerical_row_blocks(lambda _: forward(), tensor, eps, consume, block_rows, output, elements)


def exception_text(exc: Exception, where: str = "backward") -> str:
    """``backward raised ValueError: ... (in acc_grad_parameters, my_layer.py:42)``.

    The frame named is the innermost one of the code under test, not NumPy's or the checker's.
    """
    package = Path(__file__).resolve().parent.parent.parent
    skipped = (package / "gradcheck", package / "_jacobian", Path(np.__file__).parent)
    frames = [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        if not any(Path(f.filename).resolve().is_relative_to(folder) for folder in skipped)
    ]
    text = f"{where} raised {type(exc).__name__}: {str(exc).strip()}"
    if frames:
        text += f" (in {frames[-1].name}, {Path(frames[-1].filename).name}:{frames[-1].lineno})"
    return text
