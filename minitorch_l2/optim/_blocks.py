"""Updates that run block by block, so a chain of NumPy operations costs about one memory pass.

An optimiser's update is a few element-wise operations over vectors of the parameters' size.
Done whole, each operation is one pass over memory; done on blocks of ``BLOCK`` elements, with
one reused block-sized buffer, each block is read once and all the operations on it happen in
cache (docs/performance.md, "Optimiser step").
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ._options import State

BLOCK = 1 << 16  # elements per block: 256/512 KiB of float32/float64, which stay in cache


def block_buffer(state: State, x: np.ndarray) -> np.ndarray:
    """The state's reused work block (``scratch``: one block of x's dtype) for :func:`blocks`."""
    return state.buffer("scratch", x, (min(BLOCK, x.size),))


def blocks(*arrays: np.ndarray | None, buffer: np.ndarray) -> Iterator[tuple]:
    """Matching pieces of ``arrays`` (one shape; None stays None) and of ``buffer``.

    An update written as a chain of NumPy operations on the pieces does all its work on a
    block while the block is in cache, so the chain costs about one pass over memory instead
    of one pass per operation. Arrays that are not all C-contiguous come whole, once, with a
    temporary in place of the buffer.
    """
    present = [a for a in arrays if a is not None]
    if not all(a.flags.c_contiguous for a in present):
        yield (*arrays, np.empty(present[0].shape, dtype=buffer.dtype))
        return
    flat = [None if a is None else a.reshape(-1) for a in arrays]
    size = present[0].size
    for start in range(0, size, BLOCK):
        stop = min(start + BLOCK, size)
        yield (*(None if a is None else a[start:stop] for a in flat), buffer[: stop - start])


def add_scaled(target: np.ndarray, alpha: float, a: np.ndarray, block: np.ndarray) -> None:
    """``target += alpha · a`` in place (Torch's ``target:add(alpha, a)``), block by block."""
    for t, piece, step in blocks(target, a, buffer=block):
        t += np.multiply(piece, alpha, out=step)


def with_weight_decay(
    state: State, grad: np.ndarray, x: np.ndarray, weight_decay: float, block: np.ndarray
) -> np.ndarray:
    """g + λ x in the state's ``work`` buffer (g itself when λ = 0): the caller's g is kept."""
    if not weight_decay:
        return grad
    work = state.buffer("work", x)
    for w, g, p, _ in blocks(work, grad, x, buffer=block):
        np.add(g, np.multiply(p, weight_decay, out=w), out=w)
    return work
