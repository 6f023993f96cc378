"""``nn.L2Normalize``: y = x / ‖x‖ for each row x of an (n, d) batch (a vector (d,) is one row).

Jacobian of one row (see docs/l2normalize.md for the derivation):
    J = ∂y/∂x = (‖x‖² I − x xᵀ) / ‖x‖³ = (I − y yᵀ) / ‖x‖,     so     J g = (g − y (y·g)) / ‖x‖.
The three functions below are that recipe (F1–F3, B4′–B5 in docs/l2normalize.md), exact for
rows inside the safe range. Each call runs it on every row, then guards once, with two
reductions over n numbers: the rows it could not trust — a zero row, a row whose ‖x‖² over- or
underflows, a row of ``grad_output`` too large or too small for the products — are recomputed by
``_out_of_range_rows``, which divides each by a power of two (exact: ``nn/_row_scaling.py``)
and puts the factor back.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .._checks import reuse
from .._row_scaling import NO_ROWS, in_range, outside
from .._settings import boolean, integer
from ..module import Module
from ._out_of_range_rows import (
    g_range,
    gradient_rows,
    normalize_rows,
    rows_to_redo,
    x_range,
)
from ._row_checks import as_rows, check_forward_input, check_grad_output

Array = np.ndarray
Buffer = Callable[[str, tuple[int, ...], np.dtype], np.ndarray]  # the layer's ``_buffer``


def _forward(x: Array, sum_sq: Array, norm: Array, inv_norm: Array, y: Array) -> None:
    """F1–F3: ‖x‖², ‖x‖, 1/‖x‖ and y = x / ‖x‖ of every row, into the arrays given."""
    np.vecdot(x, x, out=sum_sq)  # ‖x‖²
    np.sqrt(sum_sq, out=norm)  # ‖x‖
    np.reciprocal(norm, out=inv_norm)  # 1/‖x‖
    # x · (1/‖x‖) by einsum, not multiply(x, inv_norm[:, None]): NumPy's multiply with a
    # broadcast (n, 1) operand and a separate output runs a slow loop (docs/performance.md)
    np.einsum("ij,i->ij", x, inv_norm, out=y)  # y


def _jacobian_backward(
    x: Array, g: Array, sum_sq: Array, norm: Array, inv_norm: Array, grad: Array, buffer: Buffer
) -> None:
    """B4′–B5, the 2015 Torch recipe: every row's J in one reused (n, d, d) buffer, then J g.

    J = (‖x‖² I − x xᵀ) / ‖x‖³ is written I/‖x‖ − (x/‖x‖³) xᵀ: its n·d² entries are written
    once (the scaled outer product) and read once (J g); only the diagonal again.
    """
    n, d = x.shape
    cube = np.multiply(sum_sq, norm, out=buffer("cube", (n,), x.dtype))  # ‖x‖³
    np.divide(-1, cube, out=cube)  # −1/‖x‖³
    scaled = np.einsum("ij,i->ij", x, cube, out=buffer("scaled_rows", x.shape, x.dtype))
    jac = buffer("jacobian", (n, d, d), x.dtype)
    np.einsum("ij,ik->ijk", scaled, x, out=jac)  # −x xᵀ / ‖x‖³
    np.einsum("ijj->ij", jac)[...] += inv_norm[:, None]  # + I / ‖x‖
    np.einsum("ijk,ik->ij", jac, g, out=grad)  # J g


def _direct_backward(y: Array, g: Array, y_dot_g: Array, inv_norm: Array, grad: Array) -> None:
    """The same J g without the matrix, O(n·d): grad = (g − y (y·g)) / ‖x‖."""
    np.einsum("ij,i->ij", y, y_dot_g, out=grad)  # y (y·g); einsum: see _forward
    np.subtract(g, grad, out=grad)  # g − y (y·g)
    np.multiply(grad, inv_norm[:, None], out=grad)  # / ‖x‖


#: Default ``max_jacobian_bytes``: the Jacobian path refuses a larger (n, d, d) buffer.
MAX_JACOBIAN_BYTES = 1 << 30


class L2Normalize(Module):
    """Scale each row to unit L2 norm: ``y = x / ‖x‖``, exactly, for every finite row.

    "Exactly" as in: no overflow, underflow or lost bits, however large or small the row, only
    rounding. Each entry is within ((d + 6)/4)·ε of its exact value, relatively (d the row
    length, ε the dtype's machine epsilon: the rounding of Σ xᵢ² in any summation order, then of
    √, 1/· and the product; derived in docs/l2normalize.md, "Accuracy"), a bound that grows with
    d. Rows whose squares would overflow or underflow meet it too: they are rescaled by a power
    of two first. Its options are keyword-only: Lua's ``nn.Normalize(2)`` (the p-norm layer,
    with Lua's eps in the norm) is ``nn.Normalize(2)``, and ``L2Normalize(2)`` is a TypeError
    saying so.

    Parameters
    ----------
    eps : float, default 1e-12
        Used only for a row that is exactly zero, where x/‖x‖ has no value: that row's norm is
        taken to be ``eps``, so its output is 0 and its gradient ``grad_output / eps`` — what
        PyTorch's ``F.normalize(x, eps=eps)`` gives there. Every nonzero row, however tiny (a
        subnormal one too), is divided by its own norm: eps is *not* a lower clamp on ‖x‖, which
        would turn ``[3e-300, 4e-300]`` into ``[3e-288, 4e-288]``. ``eps=math.inf`` makes the
        gradient at a zero row 0.
    jacobian : bool, default True
        True: backward builds each row's Jacobian J = (‖x‖² I − x xᵀ)/‖x‖³ in a reused (n, d, d)
        buffer and applies it, J g (the 2015 Torch recipe). False: computes the same
        J g = (g − y (y·g)) / ‖x‖ directly in O(n·d) time and memory. Rows outside the safe
        range get that direct formula on either path, after their rescaling.
    max_jacobian_bytes : int or None, default 2**30 (1 GiB)
        The Jacobian path refuses, with a ValueError naming n·d²·itemsize, an (n, d, d) buffer
        larger than this; None removes the limit. An attribute: it may be changed later.

    Notes
    -----
    ``backward(input, grad_output)`` must get the input of the last forward, as in Torch: the
    same array (checked by identity, free) or an equal one (compared value by value); any other
    input is a ValueError, since the gradient would mix it with the old input's norms. The layer
    keeps a reference to that array, not a copy, until the next forward or ``clear_state``, so
    changing it *in place* between forward and backward cannot be detected: don't.

    A row holding NaN or ±inf gives NaN in that row only. The input is never written to.
    Only float32 and float64 are accepted, at every entry point (``forward``, ``update_output``,
    the Lua names): anything else is a TypeError, as is a ``grad_output`` of another dtype; a
    ``grad_output`` of another shape is a ValueError, never reshaped.
    """

    # The forward's ‖x‖², ‖x‖, 1/‖x‖, its rows out of range, and its input (a reference, not a
    # copy): backward needs them; clear_state and save drop them.
    per_call_attributes = ("_norms", "_outside", "_forward_input")

    def __init__(
        self,
        *positional: object,
        eps: float = 1e-12,
        jacobian: bool = True,
        max_jacobian_bytes: int | None = MAX_JACOBIAN_BYTES,
    ) -> None:
        if positional:
            raise TypeError(
                f"nn.L2Normalize takes keyword arguments only (eps=..., jacobian=...), got "
                f"L2Normalize({', '.join(map(repr, positional))}); Lua's nn.Normalize(2), the "
                f"p-norm layer with p = 2, is nn.Normalize(2) here"
            )
        super().__init__()
        self.eps = eps
        self.jacobian = jacobian
        self.max_jacobian_bytes = max_jacobian_bytes
        self._norms = self._outside = None
        self._forward_input: np.ndarray | None = None
        self.validate()

    def validate(self) -> None:
        """Check ``eps`` (> 0, inf allowed), ``jacobian`` (a bool), ``max_jacobian_bytes``."""
        eps = self.eps
        if isinstance(eps, bool) or not isinstance(eps, int | float | np.floating | np.integer):
            raise TypeError(f"nn.L2Normalize: expected eps to be a positive float, got {eps!r}")
        if not eps > 0:  # also rejects NaN
            raise ValueError(f"nn.L2Normalize: expected eps > 0 (inf allowed), got {eps!r}")
        self.eps = float(eps)
        self.jacobian = boolean("nn.L2Normalize", "jacobian", self.jacobian)
        if self.max_jacobian_bytes is not None:
            self.max_jacobian_bytes = integer(
                self._who(), "max_jacobian_bytes", self.max_jacobian_bytes, 0
            )
        super().validate()

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x = as_rows(self._who(), input)
        n, dtype = x.shape[0], input.dtype
        self.output = reuse(self.output, input.shape, dtype)
        y = self.output.reshape(x.shape)
        buffer = self._buffer
        sum_sq = buffer("sum_sq", (n,), dtype)
        self._norms = (sum_sq, buffer("norm", (n,), dtype), buffer("inv_norm", (n,), dtype))
        with np.errstate(all="ignore"):  # a row that over- or underflows fails the guard
            _forward(x, *self._norms, y)
        self._outside = NO_ROWS
        if not in_range(sum_sq, x_range(dtype)):  # the guard: is every ‖x‖² in range?
            self._outside = outside(sum_sq, x_range(dtype))
            normalize_rows(x, self._outside, y)
        self._forward_input = input
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        if input is not self._forward_input:  # the hot path is one identity test
            check_forward_input(self._who(), input, self._forward_input)
        x = as_rows(self._who(), input)
        check_grad_output(self._who(), grad_output, input)
        if self.jacobian:
            self._check_jacobian_size(x)
        if self.grad_input is not None and np.may_share_memory(self.grad_input, grad_output):
            # g is (a view of) the buffer the result goes to: keep a copy, or writing J g would
            # overwrite g while it is still read.
            copy = self._buffer("grad_output_copy", grad_output.shape, input.dtype)
            np.copyto(copy, grad_output)
            grad_output = copy
        g = grad_output.reshape(x.shape)
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        grad = self.grad_input.reshape(x.shape)  # a view: the squeeze the 2015 code forgot
        sum_sq, norm, inv_norm = self._norms
        size = self._buffer("guard", (x.shape[0],), x.dtype)  # ‖g‖² or y·g, for the guard
        with np.errstate(all="ignore"):  # a row that over- or underflows fails the guard
            if self.jacobian:
                np.vecdot(g, g, out=size)  # ‖g‖²
                _jacobian_backward(x, g, sum_sq, norm, inv_norm, grad, self._buffer)
            else:
                y = self.output.reshape(x.shape)
                _direct_backward(y, g, np.vecdot(y, g, out=size), inv_norm, grad)
        rows = self._outside
        if not in_range(np.abs(size, out=size), g_range(x.dtype)):  # the guard: |y·g| or ‖g‖²
            rows = rows_to_redo(size, g, rows)
        if rows.size:
            gradient_rows(x, g, rows, self.eps, grad)
        return self.grad_input

    def _check_jacobian_size(self, rows: np.ndarray) -> None:
        """Refuse an (n, d, d) Jacobian buffer above ``max_jacobian_bytes``, naming the fix."""
        n, d = rows.shape
        size = n * d * d * rows.dtype.itemsize
        limit = self.max_jacobian_bytes
        if limit is not None and size > limit:
            raise ValueError(
                f"{self._who()}: the Jacobian path would allocate an (n, d, d) buffer of "
                f"n·d²·itemsize = {n}·{d}²·{rows.dtype.itemsize} = {size:,} bytes "
                f"({size / 2**30:.3g} GiB), above max_jacobian_bytes = {limit:,}; use "
                f"nn.L2Normalize(jacobian=False), the same gradient in O(n·d) memory, or raise "
                f"max_jacobian_bytes (None: no limit)"
            )

    def __tostring__(self) -> str:
        options = [f"eps={self.eps!r}"] if self.eps != 1e-12 else []
        options += [] if self.jacobian else ["jacobian=False"]
        if self.max_jacobian_bytes != MAX_JACOBIAN_BYTES:
            options.append(f"max_jacobian_bytes={self.max_jacobian_bytes!r}")
        return f"nn.L2Normalize({', '.join(options)})" if options else "nn.L2Normalize"
