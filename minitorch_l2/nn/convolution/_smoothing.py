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


def checked_kernel(who: str, kernel: object) -> np.ndarray:
    """``kernel`` as a float64 array of its own (a copy), checked: real numbers, 1-D or 2-D with
    odd sizes, finite, of non-zero sum (each weight is divided by the sum).

    The constructor's and ``load``'s check (both run ``validate()``, which calls this).
    """
    if isinstance(kernel, list | tuple):
        kernel = np.array(kernel)
    if not isinstance(kernel, np.ndarray) or kernel.dtype.kind not in "iuf":
        what = kernel.dtype if isinstance(kernel, np.ndarray) else type(kernel).__name__
        raise TypeError(f"{who}: kernel must be a numpy.ndarray of real numbers, got {what}")
    if kernel.ndim not in (1, 2) or any(k % 2 == 0 for k in kernel.shape):
        raise ValueError(f"{who}: kernel must be 1-D or 2-D with odd sizes, got {kernel.shape}")
    kernel = np.array(kernel, dtype=np.float64)  # the module's own copy, native float64
    if not np.isfinite(kernel).all():
        bad = np.argwhere(~np.isfinite(kernel))[0]
        raise ValueError(
            f"{who}: kernel must be finite, got {kernel[tuple(bad)]} at {tuple(bad.tolist())}"
        )
    if kernel.sum() == 0:
        raise ValueError(f"{who}: kernel must have a non-zero sum (each weight is divided by it)")
    return kernel


def normalised_kernel(kernel: np.ndarray, planes: int, root: bool) -> np.ndarray:
    """Lua's kernel (``checked_kernel``'s) as the 2-D kernel applied to the sum over the planes.

    A 2-D kernel k becomes k / (Σk · n); a 1-D one is applied along rows and columns, so it
    becomes the outer product of k / (Σk · n) with itself, or of k / (Σk · √n) with itself for
    the divisive normalisation (``root``), as Lua scales them. Lua also scales the caller's
    tensor in place; here it is copied.
    """
    if kernel.ndim == 2:
        return kernel / (kernel.sum() * planes)
    one = kernel / (kernel.sum() * (np.sqrt(planes) if root else planes))
    return np.multiply.outer(one, one)
