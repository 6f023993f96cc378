"""``nn.L2Normalize``: y = x / ‖x‖ for each row x of an (n, d) batch (a vector (d,) is one row).

Jacobian of one row (see docs/l2normalize.md for the derivation):
    J = ∂y/∂x = (‖x‖² I − x xᵀ) / ‖x‖³ = (I − y yᵀ) / ‖x‖,     so     J g = (g − y (y·g)) / ‖x‖.
The code below is that recipe, for rows inside the safe range, with one guard per call. Rows
outside it — a zero row, a row whose ‖x‖² over- or underflows, a row of ``grad_output`` too
large or too small for the products — are handed to ``_out_of_range_rows``, which divides each
by a power of two (exact) and puts the factor back, so the result is exact for every finite row.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from .._checks import reuse
from .._settings import boolean, integer
from ..module import Module
from ._out_of_range_rows import (
    NO_ROWS,
    backward_out_of_range,
    direct_guard,
    forward_out_of_range,
    in_safe_range,
    jacobian_guard,
)
from ._row_checks import as_rows, check_forward_input, check_grad_output

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
        J g = (g − y (y·g)) / ‖x‖ directly in O(n·d) time and memory.
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

    # Which rows the last forward rescaled (a RowScale, or None), and the forward's input itself
    # (a reference, not a copy): backward needs both; clear_state and save drop them.
    per_call_attributes = ("_rescaled", "_forward_input")

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
        self._rescaled = None
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
        rows = as_rows(self._who(), input)
        n, dtype = rows.shape[0], input.dtype
        self.output = reuse(self.output, input.shape, dtype)
        with np.errstate(over="ignore", under="ignore"):  # such rows fail the guard below
            sum_sq = np.vecdot(rows, rows, out=self._buffer("sum_sq", (n,), dtype))  # ‖x‖²
        self._rescaled = None
        if not in_safe_range(sum_sq):  # the guard: a zero row, or one whose ‖x‖² over/underflows
            scaled = partial(self._buffer, "scaled_input", rows.shape, dtype)
            self._rescaled = forward_out_of_range(rows, sum_sq, scaled)
            rows = self._rescaled.input  # those rows divided by 2ᵉ; ‖x/2ᵉ‖² in sum_sq
        norm = np.sqrt(sum_sq, out=self._buffer("norm", (n,), dtype))  # ‖x‖
        inv_norm = np.reciprocal(norm, out=self._buffer("inv_norm", (n,), dtype))
        # y = x / ‖x‖ as x · (1/‖x‖). einsum, not multiply(rows, inv_norm[:, None]): NumPy's
        # multiply with a broadcast (n, 1) operand and a separate output runs a slow loop (see
        # docs/performance.md).
        np.einsum("ij,i->ij", rows, inv_norm, out=self.output.reshape(rows.shape))
        self._forward_input = input
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        if input is not self._forward_input:  # the hot path is one identity test
            check_forward_input(self._who(), input, self._forward_input)
        rows = as_rows(self._who(), input)
        check_grad_output(self._who(), grad_output, input)
        if self.jacobian:
            self._check_jacobian_size(rows)
        if self.grad_input is not None and np.may_share_memory(self.grad_input, grad_output):
            # g is (a view of) the buffer the result goes to: keep a copy, or writing J g would
            # overwrite g while it is still read.
            copy = self._buffer("grad_output_copy", grad_output.shape, input.dtype)
            np.copyto(copy, grad_output)
            grad_output = copy
        g = grad_output.reshape(rows.shape)
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        grad = self.grad_input.reshape(rows.shape)  # a view: the squeeze the 2015 code forgot
        product = self._jacobian_product if self.jacobian else self._direct_product
        outside = None  # rows of g out of range; unknown while the forward rescaled rows of x
        if self._rescaled is None:
            outside = product(rows, g, grad, detect=True)  # the recipe, behind its guard
            if not outside.size:
                return self.grad_input
        backward_out_of_range(
            product, rows, g, grad, self._rescaled, outside, self._buffer, self.eps
        )
        return self.grad_input

    def _jacobian_product(
        self, rows: np.ndarray, g: np.ndarray, grad: np.ndarray, detect: bool
    ) -> np.ndarray:
        """grad = J g with J built in the reused (n, d, d) buffer (the 2015 Torch recipe).

        With ``detect``, the guard first: rows of g out of range (from ‖g‖² per row) are
        returned before any work is done, NO_ROWS once grad is written.
        """
        if detect:
            outside = jacobian_guard(g, grad, self._buffer)
            if outside.size:
                return outside
        n, d = rows.shape
        dtype = rows.dtype
        sum_sq, norm = self._buffer("sum_sq", (n,), dtype), self._buffer("norm", (n,), dtype)
        inv_norm = self._buffer("inv_norm", (n,), dtype)  # ‖x‖², ‖x‖, 1/‖x‖ of the forward
        # J = (‖x‖² I − x xᵀ) / ‖x‖³, written as I/‖x‖ − (x/‖x‖³) xᵀ: the n·d² entries are
        # written once (the scaled outer product) and read once (J g); only the diagonal again.
        jac = self._buffer("jacobian", (n, d, d), dtype)
        cube = np.multiply(sum_sq, norm, out=self._buffer("cube", (n,), dtype))  # ‖x‖³
        neg_inv_cube = np.divide(-1, cube, out=cube)
        scaled = self._buffer("scaled_rows", rows.shape, dtype)
        np.einsum("ij,i->ij", rows, neg_inv_cube, out=scaled)  # −x / ‖x‖³, O(n·d)
        np.einsum("ij,ik->ijk", scaled, rows, out=jac)  # −x xᵀ / ‖x‖³
        np.einsum("ijj->ij", jac)[...] += inv_norm[:, None]  # + I / ‖x‖
        np.einsum("ijk,ik->ij", jac, g, out=grad)  # batched mat-vec J g
        return NO_ROWS

    def _direct_product(
        self, rows: np.ndarray, g: np.ndarray, grad: np.ndarray, detect: bool
    ) -> np.ndarray:
        """grad = (g − y (y·g)) / ‖x‖ in O(n·d), no matrix.

        With ``detect``, the guard after y·g (which it reads): rows of g out of range are
        returned before the rest is done, NO_ROWS once grad is written.
        """
        n, dtype = rows.shape[0], rows.dtype
        y = self.output.reshape(rows.shape)
        inv_norm = self._buffer("inv_norm", (n,), dtype)
        with np.errstate(over="ignore", invalid="ignore"):  # an extreme g: the guard's finding
            y_dot_g = np.vecdot(y, g, out=self._buffer("y_dot_g", (n,), dtype))  # y·g
        if detect:
            outside = direct_guard(y_dot_g, inv_norm, g, grad, self._buffer)
            if outside.size:
                return outside
        np.einsum("ij,i->ij", y, y_dot_g, out=grad)  # y (y·g); einsum: see update_output
        # Overflow now is a true gradient beyond the range (→ ±inf); invalid only in rows of g
        # holding ±inf, which have no finite gradient. Neither is worth a warning.
        with np.errstate(over="ignore", invalid="ignore"):
            np.subtract(g, grad, out=grad)  # g − y (y·g)
            np.multiply(grad, inv_norm[:, None], out=grad)  # / ‖x‖
        return NO_ROWS

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
