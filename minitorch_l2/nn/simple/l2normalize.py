"""``nn.L2Normalize``: y = x / ‖x‖ for each row x of an (n, d) batch (a vector (d,) is one row).

Jacobian of one row (see docs/l2normalize.md for the derivation):
    J = ∂y/∂x = (‖x‖² I − x xᵀ) / ‖x‖³ = (I − y yᵀ) / ‖x‖,     so     J g = (g − y (y·g)) / ‖x‖.
Exact for every finite row: rows whose ‖x‖² would overflow or underflow are first divided by a
power of two s (``_row_norms``), which changes neither y nor, up to the factor 1/s, J. Rows of
``grad_output`` outside their safe range are divided by their own power of two likewise; each
backward path detects them from numbers it computes anyway (y·g, or ‖g‖² beside the O(n·d²)
Jacobian), so the common case pays two reductions over n values.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from .._checks import reuse
from ..module import Module
from ._row_norms import (
    NO_ROWS,
    add_rows,
    as_rows,
    check_forward_input,
    check_grad_output,
    direct_rows_out_of_range,
    in_safe_range,
    jacobian_rows_out_of_range,
    rescale_grad_rows,
    rescale_rows,
    sum_of_squares,
    unscale_gradient,
)


class L2Normalize(Module):
    """Scale each row to unit L2 norm: ``y = x / ‖x‖``, exactly, for every finite row.

    "Exactly" as in: no overflow, underflow or lost bits, however large or small the row, only
    rounding. Each entry is within ((d + 6)/4)·ε of its exact value, relatively (d the row
    length, ε the dtype's machine epsilon: the rounding of Σ xᵢ² in any summation order, then of
    √, 1/· and the product; derived in docs/l2normalize.md, "Accuracy"), a bound that grows with
    d. Rows whose squares would overflow or underflow meet it too: they are rescaled by a power
    of two first.

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

    def __init__(self, eps: float = 1e-12, jacobian: bool = True) -> None:
        super().__init__()
        if isinstance(eps, bool) or not isinstance(eps, int | float | np.floating | np.integer):
            raise TypeError(f"nn.L2Normalize: expected eps to be a positive float, got {eps!r}")
        if not eps > 0:  # also rejects NaN
            raise ValueError(f"nn.L2Normalize: expected eps > 0 (inf allowed), got {eps!r}")
        if not isinstance(jacobian, bool | np.bool_):
            raise TypeError(f"nn.L2Normalize: expected jacobian to be a bool, got {jacobian!r}")
        self.eps = float(eps)
        self.jacobian = bool(jacobian)
        self._rescaled = None
        self._forward_input: np.ndarray | None = None

    def update_output(self, input: np.ndarray) -> np.ndarray:
        rows = as_rows(self._who(), input)
        n, dtype = rows.shape[0], input.dtype
        self.output = reuse(self.output, input.shape, dtype)
        sum_sq = sum_of_squares(rows, out=self._buffer("sum_sq", (n,), dtype))  # ‖x‖² per row
        self._rescaled = None
        if not in_safe_range(sum_sq):  # rare: a zero row, or one whose ‖x‖² over/underflows
            scaled = partial(self._buffer, "scaled_input", rows.shape, dtype)
            self._rescaled = rescale_rows(rows, sum_sq, scaled)
            rows = rows if self._rescaled.input is None else self._rescaled.input
        norm = np.sqrt(sum_sq, out=self._buffer("norm", (n,), dtype))
        inv_norm = np.reciprocal(norm, out=self._buffer("inv_norm", (n,), dtype))
        # y = x / ‖x‖ as x · (1/‖x‖). einsum, not multiply(rows, inv_norm[:, None]): NumPy's
        # multiply with a broadcast (n, 1) operand and a separate output runs a slow loop (about
        # 1.4x einsum's time at (256, 64), 1.1x at (4096, 512); see docs/performance.md).
        np.einsum("ij,i->ij", rows, inv_norm, out=self.output.reshape(rows.shape))
        self._forward_input = input
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        if input is not self._forward_input:  # the hot path is one identity test
            check_forward_input(self._who(), input, self._forward_input)
        rows = as_rows(self._who(), input)
        check_grad_output(self._who(), grad_output, input)
        dtype = input.dtype
        if self.grad_input is not None and np.may_share_memory(self.grad_input, grad_output):
            # g is (a view of) the buffer the result goes to: keep a copy, or writing J g would
            # overwrite g while it is still read.
            copy = self._buffer("grad_output_copy", grad_output.shape, dtype)
            np.copyto(copy, grad_output)
            grad_output = copy
        g = grad_output.reshape(rows.shape)
        rescaled = self._rescaled
        if rescaled is not None and rescaled.input is not None:
            rows = rescaled.input  # x/2ᵉ for the rows the forward rescaled
        self.grad_input = reuse(self.grad_input, input.shape, dtype)
        grad = self.grad_input.reshape(rows.shape)  # a view: the squeeze the 2015 code forgot
        product = self._jacobian_product if self.jacobian else self._direct_product
        # Rows of g divided by their own 2^e_g: always those of the rows the forward rescaled;
        # others only when g itself is out of range, which the path detects (rare: then the
        # product is computed again, with those rows in range too).
        grad_rows = NO_ROWS if rescaled is None else rescaled.rows
        x_exponent = NO_ROWS if rescaled is None else rescaled.exponent
        scaled = partial(self._buffer, "scaled_grad_output", rows.shape, dtype)
        g_in_range, shift = rescale_grad_rows(g, grad_rows, x_exponent, scaled)
        out_of_range = product(rows, g_in_range, grad, detect=True)
        if out_of_range.size:
            grad_rows, x_exponent = add_rows(grad_rows, x_exponent, out_of_range)
            g_in_range, shift = rescale_grad_rows(g, grad_rows, x_exponent, scaled)
            product(rows, g_in_range, grad, detect=False)
        zero_rows = NO_ROWS if rescaled is None else rescaled.zero_rows
        if grad_rows.size or zero_rows.size:  # J(x) g = 2^(e_g − e) J(x/2ᵉ)(g/2^e_g); 0-row: g/eps
            unscale_gradient(grad, g, grad_rows, shift, zero_rows, self.eps)
        return self.grad_input

    def _jacobian_product(
        self, rows: np.ndarray, g: np.ndarray, grad: np.ndarray, detect: bool
    ) -> np.ndarray:
        """grad = J g with J built in the reused (n, d, d) buffer; returns rows of g to rescale.

        With ``detect``, rows whose g is out of range are found first (from ‖g‖² per row, see
        ``jacobian_rows_out_of_range``) and, if there are any, returned before any work is done.
        """
        n, d = rows.shape
        dtype = rows.dtype
        inv_norm = self._buffer("inv_norm", (n,), dtype)
        if detect:
            grad_sum_sq = self._buffer("grad_sum_sq", (n,), dtype)
            scratch = (grad, self._buffer("grad_norms", (n,), dtype))  # grad: written later
            out_of_range = jacobian_rows_out_of_range(g, grad_sum_sq, scratch)
            if out_of_range.size:
                return out_of_range
        # Torch recipe, in one reused (n, d, d) buffer: J = (‖x‖² I − x xᵀ) / ‖x‖³, then J g.
        # Written as J = I/‖x‖ − (x/‖x‖³) xᵀ so that the n·d² entries are written once (the
        # scaled outer product) and read once (J g); only the diagonal is touched again.
        jac = self._buffer("jacobian", (n, d, d), dtype)
        sum_sq = self._buffer("sum_sq", (n,), dtype)  # ‖x‖² of the forward (rescaled: ‖x/2ᵉ‖²)
        norm = self._buffer("norm", (n,), dtype)
        cube = np.multiply(sum_sq, norm, out=self._buffer("cube", (n,), dtype))  # ‖x‖³
        neg_inv_cube = np.divide(-1, cube, out=cube)
        scaled = self._buffer("scaled_rows", rows.shape, dtype)
        np.einsum("ij,i->ij", rows, neg_inv_cube, out=scaled)  # −x / ‖x‖³, O(n·d)
        # (a three-operand einsum here runs a generic loop, about twice as slow)
        np.einsum("ij,ik->ijk", scaled, rows, out=jac)  # −x xᵀ / ‖x‖³
        np.einsum("ijj->ij", jac)[...] += inv_norm[:, None]  # + I / ‖x‖
        np.einsum("ijk,ik->ij", jac, g, out=grad)  # batched mat-vec J g
        return NO_ROWS

    def _direct_product(
        self, rows: np.ndarray, g: np.ndarray, grad: np.ndarray, detect: bool
    ) -> np.ndarray:
        """grad = (g − y (y·g)) / ‖x‖ in O(n·d), no matrix; returns rows of g to rescale.

        With ``detect``, rows whose g is out of range are found from y·g, which this formula
        computes anyway (see ``direct_rows_out_of_range``), and returned before the rest is done.
        """
        n = rows.shape[0]
        dtype = rows.dtype
        y = self.output.reshape(rows.shape)
        inv_norm = self._buffer("inv_norm", (n,), dtype)
        # An extreme g may overflow y·g: that is what detect looks for, so no warning here.
        with np.errstate(over="ignore", invalid="ignore"):
            y_dot_g = np.vecdot(y, g, out=self._buffer("y_dot_g", (n,), dtype))
        if detect:
            scratch = (
                self._buffer("abs_y_dot_g", (n,), dtype),
                grad,  # scratch until the product is written (g never shares it: see above)
                self._buffer("grad_norms", (n,), dtype),
            )
            out_of_range = direct_rows_out_of_range(y_dot_g, inv_norm, g, scratch)
            if out_of_range.size:
                return out_of_range
        np.einsum("ij,i->ij", y, y_dot_g, out=grad)  # y (y·g); einsum: see update_output
        # Overflow now is a true gradient beyond the range (→ ±inf); invalid only in rows of g
        # holding ±inf, which have no finite gradient. Neither is worth a warning.
        with np.errstate(over="ignore", invalid="ignore"):
            np.subtract(g, grad, out=grad)
            np.multiply(grad, inv_norm[:, None], out=grad)
        return NO_ROWS

    def __tostring__(self) -> str:
        options = [f"eps={self.eps!r}"] if self.eps != 1e-12 else []
        options += [] if self.jacobian else ["jacobian=False"]
        return f"nn.L2Normalize({', '.join(options)})" if options else "nn.L2Normalize"
