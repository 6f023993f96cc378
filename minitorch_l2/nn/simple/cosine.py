"""``nn.Cosine(input_size, output_size)``: the cosine of the input with each weight row.

W (output_size, input_size); with ‖·‖ the 2-norm plus 1e-12 (Lua's guard), for a row x:
    yⱼ = ⟨wⱼ, x⟩ / (‖wⱼ‖ ‖x‖),
    ∂L/∂x = (Σⱼ gⱼ wⱼ / ‖wⱼ‖ − (Σⱼ gⱼ yⱼ) x / ‖x‖) / ‖x‖,
    ∂L/∂wⱼ += scale · gⱼ (x / ‖x‖ − yⱼ wⱼ / ‖wⱼ‖) / ‖wⱼ‖, summed over the batch.

Rows of x, rows of W, and rows (columns, for ∂L/∂W) of g whose sum of squares is outside the
safe range are redone at a power-of-two scale (``_cosine_units.py``): no NaN or overflow from
finite input where the answer is representable; ordinary input keeps Lua's arithmetic. As in
Lua, the backward uses the norms the forward computed (so the weight must not change between).
"""

from __future__ import annotations

import numpy as np

from .._checks import check_feature_input, reuse
from .._row_scaling import NO_ROWS, safe_range
from ._cosine_units import Units, cosines, gradient, rows_to_redo
from ._weight_matrix import WeightMatrix

GUARD = 1e-12  # added to every norm, as Lua's Cosine does


class Cosine(WeightMatrix):
    """Cosine similarity of x with every row of W: yⱼ = ⟨wⱼ, x⟩ / (‖wⱼ‖ ‖x‖).

    ∂L/∂x = (Σⱼ gⱼ wⱼ/‖wⱼ‖ − (g·y) x/‖x‖) / ‖x‖ and ∂L/∂wⱼ += scale · gⱼ (x/‖x‖ − yⱼ wⱼ/‖wⱼ‖)
    / ‖wⱼ‖ (norms plus 1e-12). Lua's batch mode ignores ``scale`` in ``accGradParameters``;
    here it always applies.

    Parameters
    ----------
    input_size : int
        Features of each input row (the columns of ``weight``).
    output_size : int
        Number of weight rows, one output each.

    Attributes
    ----------
    weight, grad_weight : numpy.ndarray, shape (output_size, input_size)
        ``weight`` drawn from U(−1/√output_size, 1/√output_size) by :meth:`reset`, as Lua.
    """

    weight_shape = ("output_size", "input_size")

    per_call_attributes = ("_redo",)

    def _norms(self, rows: np.ndarray) -> tuple[np.ndarray, ...]:
        # ‖wⱼ‖ + ε then ‖xₙ‖ + ε in one reused buffer (one guard); the rows of W and x to redo.
        m = self.output_size
        norms = self._buffer("norms", (m + rows.shape[0],), self.weight.dtype)
        np.einsum("ij,ij->i", self.weight, self.weight, out=norms[:m])
        np.einsum("ij,ij->i", rows, rows, out=norms[m:])
        low, high = safe_range(norms.dtype, 0.5)
        if low <= norms.min() and norms.max() <= high:
            self._redo = (NO_ROWS, NO_ROWS)
        else:
            self._redo = (rows_to_redo(self.weight, norms[:m]), rows_to_redo(rows, norms[m:]))
        np.sqrt(norms, out=norms)
        norms += GUARD
        return norms[:m], norms[m:], *self._redo

    def _forward_norms(self, rows: np.ndarray) -> tuple[np.ndarray, ...]:
        # The forward's norms and rows to redo, as Lua's backward reuses _weightNorm, _inputNorm.
        m, redo = self.output_size, self.__dict__.get("_redo")
        norms = self._existing_buffer("norms")
        fresh = norms is not None and norms.shape == (m + len(rows),) and norms.dtype == rows.dtype
        if redo is None or not fresh:
            return self._norms(rows)  # no forward at this shape and type to lean on
        return norms[:m], norms[m:], *redo

    def update_output(self, input: np.ndarray) -> np.ndarray:
        if input.ndim not in (1, 2) or input.shape[-1] != self.input_size:
            check_feature_input(self._who(), input, self.input_size)  # raises, naming the layer
        rows = input.reshape(-1, self.input_size)
        self.output = reuse(self.output, input.shape[:-1] + (self.output_size,), input.dtype)
        out = self.output.reshape(-1, self.output_size)
        with np.errstate(all="ignore"):  # rows outside the safe range are redone below
            weight_norms, input_norms, bad_w, bad_x = self._norms(rows)
            np.matmul(rows, self.weight.T, out=out)
            out /= weight_norms
            out /= input_norms[:, None]
        if bad_w.size:  # whole columns: every input row
            out[:, bad_w] = cosines(Units(rows, GUARD), Units(self.weight[bad_w], GUARD))
        if bad_x.size:
            out[bad_x] = cosines(Units(rows[bad_x], GUARD), Units(self.weight, GUARD))
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        rows = input.reshape(-1, self.input_size)
        g = grad_output.reshape(-1, self.output_size)
        y = self.output.reshape(-1, self.output_size)
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        grad = self.grad_input.reshape(rows.shape)
        scaled = self._buffer("scaled_grad", g.shape, g.dtype)
        agreement = self._buffer("row_sums", (len(rows),), g.dtype)
        work = self._buffer("input_rows", rows.shape, rows.dtype)
        with np.errstate(all="ignore"):  # rows outside the safe range are redone below
            weight_norms, input_norms, bad_w, bad_x = self._forward_norms(rows)
            bad_g = rows_to_redo(g, np.einsum("nj,nj->n", g, g, out=agreement))
            np.divide(g, weight_norms, out=scaled)
            np.matmul(scaled, self.weight, out=grad)  # Σⱼ gⱼ wⱼ / ‖wⱼ‖
            np.einsum("nj,nj->n", g, y, out=agreement)  # Σⱼ gⱼ yⱼ
            agreement /= input_norms
            grad -= np.multiply(agreement[:, None], rows, out=work)
            grad /= input_norms[:, None]
        if bad_w.size or bad_x.size or bad_g.size:  # a bad weight row enters every row's gradient
            redo = np.arange(len(rows)) if bad_w.size else np.union1d(bad_x, bad_g)
            grad[redo] = gradient(g[redo], Units(rows[redo], GUARD), Units(self.weight, GUARD))
        return self.grad_input

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        rows = input.reshape(-1, self.input_size)
        g = grad_output.reshape(-1, self.output_size)
        y = self.output.reshape(-1, self.output_size)
        step = self._buffer("weight_step", self.weight.shape, self.weight.dtype)
        shrink = self._buffer("weight_rows", self.weight.shape, self.weight.dtype)
        agreement = self._buffer("column_sums", (self.output_size,), g.dtype)
        work = self._buffer("input_rows", rows.shape, rows.dtype)
        with np.errstate(all="ignore"):  # rows outside the safe range are redone below
            weight_norms, input_norms, bad_w, bad_x = self._forward_norms(rows)
            bad_g = rows_to_redo(g.T, np.einsum("nj,nj->j", g, g, out=agreement))
            np.divide(rows, input_norms[:, None], out=work)
            np.matmul(g.T, work, out=step)  # Σₙ gₙⱼ xₙ / ‖xₙ‖
            np.einsum("nj,nj->j", g, y, out=agreement)  # Σₙ gₙⱼ yₙⱼ
            agreement /= weight_norms
            step -= np.multiply(agreement[:, None], self.weight, out=shrink)
            step /= weight_norms[:, None]
        if bad_x.size or bad_w.size or bad_g.size:  # a bad input row enters every weight row's
            redo = np.arange(self.output_size) if bad_x.size else np.union1d(bad_w, bad_g)
            units = Units(self.weight[redo], GUARD)
            step[redo] = gradient(g[:, redo].T, units, Units(rows, GUARD))
        if scale != 1:
            step *= scale
        self.grad_weight += step
