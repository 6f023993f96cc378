"""The numerical Jacobian of a function of one array, by central differences.

For each element xᵢ of ``x`` (perturbed in place, then restored):

    J[i, j] = (f(x + h⁺eᵢ)ⱼ − f(x − h⁻eᵢ)ⱼ) / (h⁺ + h⁻),
    h⁺ = fl(xᵢ + eps) − xᵢ,   h⁻ = xᵢ − fl(xᵢ − eps),

so ``J[i, j] ≈ ∂f(x)ⱼ / ∂xᵢ``: one row per input element, one column per output element (the
layout of Lua's ``nn.Jacobian`` and ``torch.autograd.gradcheck``). Dividing by the steps actually
taken (h⁺ + h⁻, equal to 2·eps in exact arithmetic) rather than by 2·eps removes the rounding of
xᵢ ± eps, which in float32 or for large |xᵢ| is as large as the errors being looked for.
Truncation error is O(eps² |f'''|), rounding error O(ulp(f) / eps).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def numerical_jacobian(
    fn: Callable[[np.ndarray], object], x: np.ndarray, eps: float = 1e-6
) -> np.ndarray:
    """Central-difference Jacobian ``J[i, j] ≈ ∂fn(x)ⱼ / ∂xᵢ`` of shape ``(x.size, fn(x).size)``.

    Parameters
    ----------
    fn : callable
        Called as ``fn(x)`` with ``x`` perturbed in place (one element at a time); returns an
        array or a number. Its result is copied at once, so ``fn`` may return the same reused
        buffer every call (as Torch modules do). ``fn`` may also ignore its argument and read
        ``x`` through a module (that is how parameters are perturbed).
    x : numpy.ndarray
        A floating array; restored bit for bit before returning (also when ``fn`` raises).
    eps : float
        The perturbation: J uses f(xᵢ + eps) and f(xᵢ − eps), divided by the steps really taken.

    Returns
    -------
    numpy.ndarray
        float64 array of shape ``(x.size, output.size)``.
    """
    blocks: list[np.ndarray] = []
    # One block of all rows: the buffer handed over is the whole Jacobian, never overwritten.
    size = numerical_row_blocks(fn, x, eps, lambda _, block: blocks.append(block), x.size)
    return blocks[0] if blocks else np.empty((0, size))


#: Rows per block of :func:`numerical_row_blocks` when the caller does not choose: about 2 MB
#: (the comparison makes a few temporaries of this size; small blocks also stay in cache).
BLOCK_ELEMENTS = 1 << 18


def numerical_row_blocks(
    fn: Callable[[np.ndarray], object],
    x: np.ndarray,
    eps: float,
    consume: Callable[[int, np.ndarray], None],
    block_rows: int | None = None,
) -> int:
    """The rows of :func:`numerical_jacobian`, handed to ``consume(start, block)`` in blocks.

    ``block`` holds rows ``start … start + len(block) − 1`` of J (float64, ``(rows, output.size)``)
    in a buffer that is reused for the next block, so ``consume`` must copy what it keeps. A
    large Jacobian is thus compared without ever being held whole. ``x`` is unperturbed while
    ``consume`` runs, and restored bit for bit on return (also when ``fn`` or ``consume``
    raises). ``block_rows`` defaults to about :data:`BLOCK_ELEMENTS` elements per block.

    Returns
    -------
    int
        The number of output elements (columns of J).
    """
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise TypeError(f"numerical_jacobian: expected x to be a floating ndarray, got {x!r:.80}")
    if not (np.isfinite(eps) and eps > 0):
        raise ValueError(f"numerical_jacobian: eps must be a positive finite number, got {eps!r}")
    original = x.copy()
    flat = original.reshape(-1)
    if not np.all(np.isfinite(flat)):
        i = int(np.flatnonzero(~np.isfinite(flat))[0])
        raise ValueError(
            f"numerical_jacobian: x.flat[{i}] is {flat[i]!r}; finite differences need finite x"
        )
    upper = flat + x.dtype.type(eps)
    lower = flat - x.dtype.type(eps)
    # The real steps, in float64: differences of neighbouring floats are exact there.
    steps = (upper.astype(np.float64) - flat) + (flat.astype(np.float64) - lower)
    too_small = np.flatnonzero(~(steps > 0))
    if too_small.size:
        i = int(too_small[0])
        raise ValueError(
            f"numerical_jacobian: eps={eps!r} does not change x.flat[{i}]={flat[i]!r} in "
            f"{x.dtype}; use a larger eps"
        )
    try:
        size = _output(fn(x)).size
        if block_rows is None:
            block_rows = BLOCK_ELEMENTS // max(size, 1)
        block = np.empty((max(1, min(block_rows, x.size)), size))
        for start in range(0, x.size, len(block)):
            rows = block[: min(len(block), x.size - start)]
            for k, row in enumerate(rows):
                i = start + k
                x.flat[i] = upper[i]
                plus = _output(fn(x))
                x.flat[i] = lower[i]
                minus = _output(fn(x))
                x.flat[i] = flat[i]
                if plus.size != size or minus.size != size:
                    raise ValueError(
                        f"numerical_jacobian: fn returned {size} values at x but "
                        f"{plus.size}/{minus.size} after perturbing x.flat[{i}]"
                    )
                np.subtract(plus, minus, out=row)
                row /= steps[i]
            consume(start, rows)
    finally:
        np.copyto(x, original)  # bit-exact restore, whatever happened above
    return size


def _output(value: object) -> np.ndarray:
    # A float64 copy: fn may hand back the same buffer on every call.
    return np.array(value, dtype=np.float64, copy=True).reshape(-1)
