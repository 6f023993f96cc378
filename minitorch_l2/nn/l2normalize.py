"""``nn.L2Normalize``: y = x / ‖x‖ for each row x of an (n, d) batch (a vector (d,) is one row).

Jacobian of one row (see docs/l2normalize.md for the derivation):
    J = ∂y/∂x = (‖x‖² I − x xᵀ) / ‖x‖³ = (I − y yᵀ) / ‖x‖,     so     J g = (g − y (y·g)) / ‖x‖.
Exact for every finite row: rows whose ‖x‖² would overflow or underflow are first divided by a
power of two s (``_row_norms``), which changes neither y nor, up to the factor 1/s, J.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from ._checks import reuse
from ._row_norms import (
    as_rows,
    check_forward_input,
    check_grad_output,
    in_safe_range,
    rescale_grad_rows,
    rescale_rows,
    sum_of_squares,
    unscale_gradient,
)
from .module import Module


class L2Normalize(Module):
    """Scale each row to unit L2 norm: ``y = x / ‖x‖``, exactly, for every finite row.

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
        n, d = rows.shape
        dtype = input.dtype
        g = grad_output.reshape(rows.shape)
        rescaled = self._rescaled
        if rescaled is not None:  # work on x/2ᵉ and g/2^e_g for the rows the forward rescaled
            rows = rows if rescaled.input is None else rescaled.input
            scaled = partial(self._buffer, "scaled_grad_output", rows.shape, dtype)
            g, shift = rescale_grad_rows(g, rescaled, scaled)
        self.grad_input = reuse(self.grad_input, input.shape, dtype)
        grad = self.grad_input.reshape(rows.shape)  # a view: the squeeze the 2015 code forgot
        sum_sq = self._buffer("sum_sq", (n,), dtype)  # ‖x‖² of the forward (rescaled rows: ‖x/s‖²)
        if self.jacobian:
            # Torch recipe, in one reused (n, d, d) buffer: J = (‖x‖² I − x xᵀ) / ‖x‖³, then J g.
            # Written as J = I/‖x‖ − (x/‖x‖³) xᵀ so that the n·d² entries are written once (the
            # scaled outer product) and read once (J g); only the diagonal is touched again.
            jac = self._buffer("jacobian", (n, d, d), dtype)
            norm = self._buffer("norm", (n,), dtype)
            cube = np.multiply(sum_sq, norm, out=self._buffer("cube", (n,), dtype))  # ‖x‖³
            neg_inv_cube = np.divide(-1, cube, out=cube)
            scaled = self._buffer("scaled_rows", rows.shape, dtype)
            np.einsum("ij,i->ij", rows, neg_inv_cube, out=scaled)  # −x / ‖x‖³, O(n·d)
            # (a three-operand einsum here runs a generic loop, about twice as slow)
            np.einsum("ij,ik->ijk", scaled, rows, out=jac)  # −x xᵀ / ‖x‖³
            np.einsum("ijj->ij", jac)[...] += self._buffer("inv_norm", (n,), dtype)[:, None]
            np.einsum("ijk,ik->ij", jac, g, out=grad)  # batched mat-vec J g
        else:
            # Same product without the matrix: J g = (g − y (y·g)) / ‖x‖, O(n·d).
            y = self.output.reshape(rows.shape)
            y_dot_g = np.vecdot(y, g, out=self._buffer("y_dot_g", (n,), dtype))
            np.einsum("ij,i->ij", y, y_dot_g, out=grad)  # y (y·g); einsum: see update_output
            np.subtract(g, grad, out=grad)
            np.multiply(grad, self._buffer("inv_norm", (n,), dtype)[:, None], out=grad)
        if rescaled is not None:  # J(x) g = 2^(e_g − e) J(x/2ᵉ)(g/2^e_g); a zero row: g / eps
            unscale_gradient(grad, grad_output.reshape(rows.shape), rescaled, shift, self.eps)
        return self.grad_input

    def __tostring__(self) -> str:
        options = [f"eps={self.eps!r}"] if self.eps != 1e-12 else []
        options += [] if self.jacobian else ["jacobian=False"]
        return f"nn.L2Normalize({', '.join(options)})" if options else "nn.L2Normalize"
