"""The numerical Jacobian by central differences, for tensors and tables.

For each element xᵢ of an array ``x`` (perturbed in place, then restored):

    J[i, j] = (f(x + h⁺eᵢ)ⱼ − f(x − h⁻eᵢ)ⱼ) / (h⁺ + h⁻),
    h⁺ = fl(xᵢ + eps) − xᵢ,   h⁻ = xᵢ − fl(xᵢ − eps),

so ``J[i, j] ≈ ∂f(x)ⱼ / ∂xᵢ``: one row per input element, one column per output element (the
layout of Lua's ``nn.Jacobian`` and ``torch.autograd.gradcheck``); a table output's columns are
its leaves' elements, one leaf after the other. Dividing by the steps actually taken (h⁺ + h⁻,
equal to 2·eps in exact arithmetic) rather than by 2·eps removes the rounding of xᵢ ± eps, which
in float32 or for large |xᵢ| is as large as the errors being looked for. Truncation error is
O(eps² |f'''|), rounding error O(ulp(f) / eps).

The same two forwards also give the one-sided derivatives (f(x + h⁺eᵢ) − f(x)) / h⁺ and
(f(x) − f(x − h⁻eᵢ)) / h⁻: where they disagree, xᵢ sits on a kink and no single derivative
exists (see :class:`RowBlock`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .layout import Layout, Value

#: Rows per block of :func:`numerical_row_blocks` when the caller does not choose: about 2 MB
#: (the comparison makes a few temporaries of this size; small blocks also stay in cache).
BLOCK_ELEMENTS = 1 << 18


@dataclass
class RowBlock:
    """Rows ``start … start + len(central) − 1`` of the numerical Jacobian, and their evidence.

    ``central`` holds J's rows, ``(rows, output.size)`` float64; ``plus`` and ``minus`` the
    outputs f(x + h⁺eᵢ) and f(x − h⁻eᵢ) they came from, ``at`` the output f(x), ``up`` and
    ``down`` the steps h⁺ and h⁻. The buffers are reused for the next block: copy what you keep.

    Parameters
    ----------
    start : int
        Flat index (in the perturbed array) of the first row.
    central, plus, minus : numpy.ndarray
        ``(rows, output.size)`` float64 each.
    at : numpy.ndarray
        ``(output.size,)`` float64, the unperturbed output.
    up, down : numpy.ndarray
        ``(rows,)`` float64, the steps really taken.
    """

    start: int
    central: np.ndarray
    plus: np.ndarray
    minus: np.ndarray
    at: np.ndarray
    up: np.ndarray
    down: np.ndarray

    def one_sided(self, rows: np.ndarray, columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(left, right)`` derivatives at block rows ``rows`` and output columns ``columns``.

        right = (f(x + h⁺eᵢ) − f(x)) / h⁺ and left = (f(x) − f(x − h⁻eᵢ)) / h⁻.
        """
        at = self.at[columns]
        right = (self.plus[rows, columns] - at) / self.up[rows]
        left = (at - self.minus[rows, columns]) / self.down[rows]
        return left, right


def numerical_jacobian(fn: Callable[[Value], Value], x: Value, eps: float = 1e-6) -> object:
    """Central-difference Jacobian ``J[i, j] ≈ ∂fn(x)ⱼ / ∂xᵢ`` of a tensor or table function.

    Parameters
    ----------
    fn : callable
        Called as ``fn(x)`` with ``x`` perturbed in place (one element at a time); returns an
        array, a number or a table (a nested list of arrays) of the same structure every time.
        Its result is copied at once, so ``fn`` may return the same reused buffer every call
        (as Torch modules do). ``fn`` may also ignore its argument and read ``x`` through a
        module (that is how parameters are perturbed).
    x : numpy.ndarray or list
        A floating array, or a (nested) list of them; restored bit for bit before returning
        (also when ``fn`` raises).
    eps : float
        The perturbation: J uses f(xᵢ + eps) and f(xᵢ − eps), divided by the steps really taken.

    Returns
    -------
    numpy.ndarray or list
        For a tensor ``x`` and a tensor (or number) output: float64 of shape
        ``(x.size, output.size)``. Otherwise nested lists, the outer in ``x``'s structure and
        the inner in the output's, of such blocks: ``J[1][0]`` is the block of ``x[1]`` and
        ``output[0]``.
    """
    inputs = Layout.of(x, "x", "numerical_jacobian")
    output = Layout.of(fn(x), "output", "numerical_jacobian")
    whole = lambda _: fn(x)  # noqa: E731 (fn always sees the whole table, one leaf perturbed)
    blocks = [split_columns(rows_of(whole, leaf, eps, output), output) for leaf in inputs.leaves(x)]
    return inputs.build(blocks)


def rows_of(
    fn: Callable[[Value], Value], x: np.ndarray, eps: float, output: Layout | None = None
) -> np.ndarray:
    """Every row of the numerical Jacobian w.r.t. the array ``x``: ``(x.size, output.size)``.

    Parameters
    ----------
    fn : callable
        As for :func:`numerical_jacobian`.
    x : numpy.ndarray
        The floating array perturbed; restored exactly.
    eps : float
        The perturbation.
    output : Layout, optional
        The layout of ``fn``'s result, when known.

    Returns
    -------
    numpy.ndarray
        float64, one row per element of ``x``.
    """
    whole: list[np.ndarray] = []
    # One block of all rows: the buffer handed over is the whole Jacobian, never reused.
    found = numerical_row_blocks(
        fn, x, eps, lambda block: whole.append(block.central), max(x.size, 1), output
    )
    return whole[0] if whole else np.empty((0, found.size))


def split_columns(matrix: np.ndarray, output: Layout) -> object:
    """``matrix`` (rows, output.size) cut into one block per output leaf, in its structure."""
    if not output.is_table:
        return matrix
    return output.build(
        [matrix[:, start : start + size] for start, size in zip(output.offsets, output.sizes)]
    )


def numerical_row_blocks(
    fn: Callable[[Value], Value],
    x: np.ndarray,
    eps: float,
    consume: Callable[[RowBlock], None],
    block_rows: int | None = None,
    output: Layout | None = None,
    rows: range | None = None,
) -> Layout:
    """The rows of the numerical Jacobian w.r.t. one array ``x``, handed over in blocks.

    ``consume(block)`` receives each :class:`RowBlock` in turn, in buffers that are reused for
    the next block, so a large Jacobian is compared without ever being held whole. ``x`` is
    unperturbed while ``consume`` runs, and restored bit for bit on return (also when ``fn`` or
    ``consume`` raises). ``block_rows`` defaults to about :data:`BLOCK_ELEMENTS` elements per
    block; ``rows`` limits the work to those flat indices of ``x`` (default: all).

    Parameters
    ----------
    fn : callable
        As for :func:`numerical_jacobian`; may read ``x`` through a module.
    x : numpy.ndarray
        The floating array perturbed, element by element.
    eps : float
        The perturbation.
    consume : callable
        Called with each block.
    block_rows : int, optional
        Rows per block.
    output : Layout, optional
        The layout of ``fn``'s result, when the caller already knows it.
    rows : range, optional
        The flat indices of ``x`` to differentiate (a contiguous range).

    Returns
    -------
    Layout
        The layout of ``fn``'s output (its ``size`` is the number of columns).
    """
    flat = _checked(x, eps)
    rows = range(x.size) if rows is None else rows
    upper = flat + x.dtype.type(eps)
    lower = flat - x.dtype.type(eps)
    # The real steps, in float64: differences of neighbouring floats are exact there.
    up = upper.astype(np.float64) - flat
    down = flat.astype(np.float64) - lower
    too_small = np.flatnonzero(~((up + down) > 0))
    if too_small.size:
        i = int(too_small[0])
        raise ValueError(
            f"numerical_jacobian: eps={eps!r} does not change x.flat[{i}]={flat[i]!r} in "
            f"{x.dtype}; use a larger eps"
        )
    original = flat.copy()
    try:
        value = fn(x)
        output = output or Layout.of(value, "output", "numerical_jacobian")
        size = output.size
        at = output.read(value, np.empty(size))
        if block_rows is None:
            block_rows = BLOCK_ELEMENTS // max(size, 1)
        count = max(1, min(block_rows, len(rows)))
        central, plus, minus = (np.empty((count, size)) for _ in range(3))
        for start in range(rows.start, rows.stop, count):
            n = min(count, rows.stop - start)
            for k in range(n):
                i = start + k
                x.flat[i] = upper[i]
                _read(output, fn(x), plus[k], i)
                x.flat[i] = lower[i]
                _read(output, fn(x), minus[k], i)
                x.flat[i] = original[i]
            block = RowBlock(
                start, central[:n], plus[:n], minus[:n], at, up[start : start + n],
                down[start : start + n],
            )  # fmt: skip
            np.subtract(block.plus, block.minus, out=block.central)
            block.central /= (block.up + block.down)[:, None]
            consume(block)
    finally:
        np.copyto(x, original.reshape(x.shape))  # bit-exact restore, whatever happened above
    return output


def _checked(x: object, eps: float) -> np.ndarray:
    # A flat copy of x after the checks a finite difference needs.
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise TypeError(f"numerical_jacobian: expected x to be a floating ndarray, got {x!r:.80}")
    if not (np.isfinite(eps) and eps > 0):
        raise ValueError(f"numerical_jacobian: eps must be a positive finite number, got {eps!r}")
    flat = x.reshape(-1).copy()
    if not np.all(np.isfinite(flat)):
        i = int(np.flatnonzero(~np.isfinite(flat))[0])
        raise ValueError(
            f"numerical_jacobian: x.flat[{i}] is {flat[i]!r}; finite differences need finite x"
        )
    return flat


def _read(output: Layout, value: Value, row: np.ndarray, i: int) -> None:
    try:
        output.read(value, row)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"numerical_jacobian: fn's output changed after perturbing x.flat[{i}]: {error}"
        ) from None
