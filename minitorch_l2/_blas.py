"""In-place updates on NumPy's BLAS: ``C += α Aᵀ B``, ``y += α Aᵀ 1``, ``y += α x``, Y = X Wᵀ + b.

Why only NumPy's BLAS, never ``scipy.linalg.blas``: NumPy and SciPy each ship their own copy of
OpenBLAS, and each copy keeps its own pool of worker threads. A training step that alternates
between the two (SciPy's gemm with beta = 1 for ``grad_weight``, NumPy's matmul for ``G W``)
makes each pool's threads busy-wait for work while the other pool's threads want the same
cores. On this project's 2-core machine, with the libraries' default thread counts, that made
one step of the MNIST-sized MLP 15.9 ms instead of 1.8 ms with one thread, and the spiral MLP's
8.0 ms instead of 0.80 ms: 8.7x and 10x (docs/performance.md, earlier changes). Pinning
one thread, as the interleaved benchmarks do, hid it. So every product goes through
``np.matmul``, and the "add into" updates that BLAS would do with beta = 1 cost one more pass
over a reused scratch array instead.

Every function writes into ``out`` (the same array object, so views made by
``get_parameters`` stay valid) and takes its scratch array from the caller, who reuses it across
calls (``Module._buffer``); with ``scratch=None`` a temporary is allocated.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np


def add_transposed_product(
    out: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    alpha: float,
    scratch: np.ndarray | None = None,
) -> None:
    """``out += alpha · leftᵀ right`` in place; out (p, q), left (n, p), right (n, q).

    For a Linear layer: ``grad_weight += scale · Gᵀ x`` with G = grad_output (n, out) and
    x = input (n, in). ``scratch`` (p, q), of out's dtype, receives the product first.
    """
    product = np.matmul(left.T, right, out=scratch)  # an empty batch gives zeros
    if alpha != 1:
        product *= alpha
    out += product


def write_affine(
    out: np.ndarray,
    input: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray | None,
    scratch: np.ndarray | None = None,
) -> None:
    """``out = input · weightᵀ + bias`` for a batch (n, in) → (n, out) or a vector, into ``out``.

    With a bias, the product goes to ``scratch`` (out's shape) and is added to the bias broadcast
    into ``out``: ``out += bias`` would broadcast inside the addition, and NumPy allocates an
    iteration buffer (64 KiB) for that on every call; a copy then a same-shape add does not.
    """
    if bias is None:
        np.matmul(input, weight.T, out=out)
        return
    product = np.matmul(input, weight.T, out=scratch)
    np.copyto(out, bias)  # broadcast over the rows
    out += product


@lru_cache(maxsize=16)
def _ones(size: int, dtype: np.dtype) -> np.ndarray:
    ones = np.ones(size, dtype=dtype)
    ones.flags.writeable = False  # shared by every caller
    return ones


def ones_column(size: int, dtype: np.dtype) -> np.ndarray:
    """A read-only ``(size, 1)`` column of ones, shared: ``x @ ones_column(...)`` sums x's rows."""
    return _ones(size, np.dtype(dtype))[:, None]


def add_column_sums(
    out: np.ndarray, matrix: np.ndarray, alpha: float, scratch: np.ndarray | None = None
) -> None:
    """``out += alpha · Σᵢ matrix[i, :]`` in place, the sum as ``1ᵀ matrix`` (one gemv pass).

    For a Linear layer: ``grad_bias += scale · Σₙ G``. ``scratch`` (q,) receives the sums.
    """
    sums = np.matmul(_ones(matrix.shape[0], matrix.dtype), matrix, out=scratch)
    if alpha != 1:
        sums *= alpha
    out += sums


def add_scaled(
    out: np.ndarray, x: np.ndarray, alpha: float, scratch: np.ndarray | None = None
) -> None:
    """``out += alpha · x`` in place: ``alpha · x`` into ``scratch``, then one addition."""
    out += np.multiply(x, alpha, out=scratch)
