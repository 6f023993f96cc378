"""The local weighted sums of the spatial normalisations: S(v) = K ⋆ v over one plane, 'same' size.

K (kH, kW) is odd-sized and centred; v is zero-padded by (kH//2, kW//2), so S(v) has v's
size. S is linear, and its adjoint Sᵀ (for the gradients) is the fold of the same columns:
S(v) = K X̂, Sᵀ(d) = fold(Kᵀ d), through ``_columns``.
"""

from __future__ import annotations

import numpy as np

from ._columns import Grid, fold, fold_columns, narrow, unfold, widen


def grid(kernel: np.ndarray, size: tuple[int, int]) -> Grid:
    """The geometry of a 'same' correlation with the odd-sized ``kernel`` over ``size``."""
    pad = tuple(k // 2 for k in kernel.shape)
    return Grid(size, kernel.shape, (1, 1), pad, (1, 1), size)


def smooth(module, values: np.ndarray, kernel: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``out`` (N, 1, H, W) = K ⋆ ``values`` (N, 1, H, W), zero-padded to the same size."""
    where = grid(kernel, values.shape[2:])
    columns = unfold(module, values, where)
    product = module._buffer("smooth_product", (values.shape[0], 1, where.length), values.dtype)
    np.matmul(kernel.reshape(1, -1).astype(values.dtype, copy=False), columns, out=product)
    np.copyto(out, narrow(product, where))
    return out


def smooth_transpose(module, grad: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Sᵀ(``grad``): the gradient of ``smooth`` with respect to its values, a (N, 1, H, W) view."""
    where = grid(kernel, grad.shape[2:])
    spread = widen(module, grad, where, "smooth_widened")
    columns = fold_columns(module, where, grad.shape[0], 1, grad.dtype)
    np.matmul(kernel.reshape(-1, 1).astype(grad.dtype, copy=False), spread, out=columns)
    return fold(module, columns, where, 1)


def normalised_kernel(who: str, kernel: object, planes: int, root: bool) -> np.ndarray:
    """Lua's kernel, checked, as the 2-D kernel applied to the sum over the planes.

    A 2-D kernel k becomes k / (Σk · n); a 1-D one is applied along rows and columns, so it
    becomes the outer product of k / (Σk · n) with itself, or of k / (Σk · √n) with itself for
    the divisive normalisation (``root``), as Lua scales them. Lua also scales the caller's
    tensor in place; here it is copied.
    """
    if kernel is None:
        kernel = np.ones((9, 9))
    if not isinstance(kernel, np.ndarray) or kernel.dtype.kind not in "iuf":
        raise TypeError(
            f"{who}: kernel must be a numpy.ndarray of numbers, got {type(kernel).__name__}"
        )
    if kernel.ndim not in (1, 2) or any(k % 2 == 0 for k in kernel.shape):
        raise ValueError(
            f"{who}: the averaging kernel must be 1-D or 2-D with odd sizes, got {kernel.shape}"
        )
    kernel = kernel.astype(np.float64)
    if kernel.ndim == 2:
        return kernel / (kernel.sum() * planes)
    one = kernel / (kernel.sum() * (np.sqrt(planes) if root else planes))
    return np.multiply.outer(one, one)
