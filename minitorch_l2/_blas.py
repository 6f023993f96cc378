"""In-place BLAS: ``C += α A B``, ``y += α Aᵀ 1``, ``y += α x`` and ``Y = X Wᵀ + b`` in one pass.

NumPy has no "add the product into this array": ``grad_weight += Gᵀ x`` computes the product into
a temporary, then reads the temporary and the gradient again to add them. BLAS's gemm, gemv and
axpy take ``beta = 1`` (or are an update by definition) and write the sum straight into the
destination, saving a full pass over it and the temporary. SciPy's wrappers expect Fortran
(column-major) arrays; a C-contiguous (m, k) array *is* a Fortran-contiguous (k, m) array, its
transpose, so every call below passes transposed views and no data is copied.

Each function falls back to plain NumPy (same result up to rounding) when the arrays do not suit
BLAS: other dtypes than float32/float64, mixed dtypes, or layouts that would force a copy.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.linalg import blas

_GEMM = {np.dtype(np.float32): blas.sgemm, np.dtype(np.float64): blas.dgemm}
_GEMV = {np.dtype(np.float32): blas.sgemv, np.dtype(np.float64): blas.dgemv}
_AXPY = {np.dtype(np.float32): blas.saxpy, np.dtype(np.float64): blas.daxpy}


def _fortran_operand(matrix: np.ndarray, transposed: bool) -> tuple[np.ndarray, int] | None:
    """(array, trans) for BLAS with op(array) = matrixᵀ if ``transposed`` else matrix, no copy."""
    if matrix.flags.f_contiguous:
        return matrix, int(transposed)
    if matrix.flags.c_contiguous:
        return matrix.T, int(not transposed)
    return None


def add_transposed_product(
    out: np.ndarray, left: np.ndarray, right: np.ndarray, alpha: float
) -> None:
    """``out += alpha · leftᵀ right`` in place; out (p, q), left (n, p), right (n, q).

    For a Linear layer: ``grad_weight += scale · Gᵀ x`` with G = grad_output (n, out) and
    x = input (n, in). Computed as outᵀ += alpha · rightᵀ left, i.e. gemm(beta=1) on outᵀ, which is
    Fortran-contiguous when ``out`` is C-contiguous.
    """
    if left.shape[0] == 0:  # an empty batch adds nothing (and BLAS rejects k = 0 here)
        return
    gemm = _GEMM.get(out.dtype)
    a = _fortran_operand(right, transposed=True)  # op(a) = rightᵀ, (q, n)
    b = _fortran_operand(left, transposed=False)  # op(b) = left, (n, p)
    if (
        gemm is None
        or a is None
        or b is None
        or not out.flags.c_contiguous
        or left.dtype != out.dtype
        or right.dtype != out.dtype
    ):
        out += alpha * (left.T @ right)
        return
    result = gemm(alpha, a[0], b[0], beta=1.0, c=out.T, trans_a=a[1], trans_b=b[1], overwrite_c=1)
    if not np.shares_memory(result, out):  # never expected: the wrapper copied after all
        np.copyto(out, result.T)


def write_affine(
    out: np.ndarray, input: np.ndarray, weight: np.ndarray, bias: np.ndarray | None
) -> None:
    """``out = input · weightᵀ + bias`` for a batch (n, in) → (n, out), written into ``out``.

    The bias is broadcast into ``out`` first and gemm adds the product onto it (beta = 1), so the
    bias costs no pass of its own: outᵀ = W inputᵀ + outᵀ, Fortran-ordered as above. SciPy's gemm
    also beats ``np.matmul`` by 10–15% on the layer shapes of benchmarks/bench_mlp.py.
    """
    gemm = _GEMM.get(out.dtype)
    a = _fortran_operand(weight, transposed=False)  # op(a) = W, (out, in)
    b = _fortran_operand(input, transposed=True)  # op(b) = inputᵀ, (in, n)
    if (
        gemm is None
        or a is None
        or b is None
        or input.ndim != 2
        or input.shape[0] == 0
        or not out.flags.c_contiguous
        or input.dtype != out.dtype
        or weight.dtype != out.dtype
    ):
        np.matmul(input, weight.T, out=out)
        if bias is not None:
            out += bias
        return
    if bias is None:
        beta = 0.0
    else:
        np.copyto(out, bias)
        beta = 1.0
    result = gemm(1.0, a[0], b[0], beta=beta, c=out.T, trans_a=a[1], trans_b=b[1], overwrite_c=1)
    if not np.shares_memory(result, out):  # never expected: the wrapper copied after all
        np.copyto(out, result.T)


@lru_cache(maxsize=16)
def _ones(size: int, dtype: np.dtype) -> np.ndarray:
    ones = np.ones(size, dtype=dtype)
    ones.flags.writeable = False  # shared by every caller
    return ones


def ones_column(size: int, dtype: np.dtype) -> np.ndarray:
    """A read-only ``(size, 1)`` column of ones, shared: ``x @ ones_column(...)`` sums x's rows."""
    return _ones(size, np.dtype(dtype))[:, None]


def add_column_sums(out: np.ndarray, matrix: np.ndarray, alpha: float) -> None:
    """``out += alpha · Σᵢ matrix[i, :]`` in place (gemv with beta=1 against a vector of ones).

    For a Linear layer: ``grad_bias += scale · Σₙ G``.
    """
    if matrix.shape[0] == 0:
        return
    gemv = _GEMV.get(out.dtype)
    a = _fortran_operand(matrix, transposed=True)  # op(a) = matrixᵀ, (q, n)
    if gemv is None or a is None or matrix.dtype != out.dtype or not out.flags.contiguous:
        out += alpha * matrix.sum(axis=0)
        return
    result = gemv(
        alpha, a[0], _ones(matrix.shape[0], out.dtype), beta=1.0, y=out, trans=a[1], overwrite_y=1
    )
    if not np.shares_memory(result, out):
        np.copyto(out, result)


def add_scaled(out: np.ndarray, x: np.ndarray, alpha: float) -> None:
    """``out += alpha · x`` in place, one pass over each array (BLAS axpy)."""
    axpy = _AXPY.get(out.dtype)
    if (
        axpy is None
        or x.dtype != out.dtype
        or out.ndim != 1
        or not out.flags.contiguous
        or not x.flags.contiguous
        or x.shape != out.shape
    ):
        out += alpha * x
        return
    result = axpy(x, out, a=alpha)
    if not np.shares_memory(result, out):
        np.copyto(out, result)
