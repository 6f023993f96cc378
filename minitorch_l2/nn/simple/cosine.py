"""``nn.Cosine(input_size, output_size)``: the cosine of the input with each weight row.

W (output_size, input_size); with ‖·‖ the 2-norm plus 1e-12 (Lua's guard), for a row x:
    yⱼ = ⟨wⱼ, x⟩ / (‖wⱼ‖ ‖x‖),
    ∂L/∂x = (Σⱼ gⱼ wⱼ / ‖wⱼ‖ − (Σⱼ gⱼ yⱼ) x / ‖x‖) / ‖x‖,
    ∂L/∂wⱼ += scale · gⱼ (x / ‖x‖ − yⱼ wⱼ / ‖wⱼ‖) / ‖wⱼ‖, summed over the batch.

Rows of x, rows of W, and rows (columns, for ∂L/∂W) of g whose sum of squares is outside the
safe range are redone at a power-of-two scale (``_cosine_units.py``): no NaN or overflow from
finite input where the answer is representable; ordinary input keeps Lua's arithmetic.
"""

from __future__ import annotations

import numpy as np

from .._checks import check_feature_input, reuse
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

    def _norms(self, rows: np.ndarray) -> tuple[np.ndarray, ...]:
        # ‖wⱼ‖ + ε and ‖xₙ‖ + ε, in reused buffers; the rows of W and x to redo at a scale.
        dtype = self.weight.dtype
        weight_norms = self._buffer("weight_norms", (self.output_size,), dtype)
        input_norms = self._buffer("input_norms", (rows.shape[0],), dtype)
        redo = []
        for norms, matrix in ((weight_norms, self.weight), (input_norms, rows)):
            with np.errstate(over="ignore", under="ignore"):  # guarded just below
                np.einsum("ij,ij->i", matrix, matrix, out=norms)
            redo.append(rows_to_redo(matrix, norms))
            np.sqrt(norms, out=norms)
            norms += GUARD
        return weight_norms, input_norms, redo[0], redo[1]

    def update_output(self, input: np.ndarray) -> np.ndarray:
        if input.ndim not in (1, 2) or input.shape[-1] != self.input_size:
            check_feature_input(self._who(), input, self.input_size)  # raises, naming the layer
        rows = input.reshape(-1, self.input_size)
        weight_norms, input_norms, bad_w, bad_x = self._norms(rows)
        self.output = reuse(self.output, input.shape[:-1] + (self.output_size,), input.dtype)
        out = self.output.reshape(-1, self.output_size)
        with np.errstate(all="ignore"):  # rows outside the safe range are redone below
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
        weight_norms, input_norms, bad_w, bad_x = self._norms(rows)
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        grad = self.grad_input.reshape(rows.shape)
        scaled = self._buffer("scaled_grad", g.shape, g.dtype)
        with np.errstate(all="ignore"):  # rows outside the safe range are redone below
            bad_g = rows_to_redo(g, np.einsum("nj,nj->n", g, g))
            np.divide(g, weight_norms, out=scaled)
            np.matmul(scaled, self.weight, out=grad)  # Σⱼ gⱼ wⱼ / ‖wⱼ‖
            agreement = np.einsum("nj,nj->n", g, y)  # Σⱼ gⱼ yⱼ
            grad -= (agreement / input_norms)[:, None] * rows
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
        weight_norms, input_norms, bad_w, bad_x = self._norms(rows)
        step = self._buffer("weight_step", self.weight.shape, self.weight.dtype)
        with np.errstate(all="ignore"):  # rows outside the safe range are redone below
            bad_g = rows_to_redo(g.T, np.einsum("nj,nj->j", g, g))
            np.matmul(g.T, rows / input_norms[:, None], out=step)  # Σₙ gₙⱼ xₙ / ‖xₙ‖
            step -= (np.einsum("nj,nj->j", g, y) / weight_norms)[:, None] * self.weight
            step /= weight_norms[:, None]
        if bad_x.size or bad_w.size or bad_g.size:  # a bad input row enters every weight row's
            redo = np.arange(self.output_size) if bad_x.size else np.union1d(bad_w, bad_g)
            units = Units(self.weight[redo], GUARD)
            step[redo] = gradient(g[:, redo].T, units, Units(rows, GUARD))
        if scale != 1:
            step *= scale
        self.grad_weight += step
