"""``nn.Cosine(input_size, output_size)``: the cosine of the input with each weight row.

W (output_size, input_size); with ‖·‖ the 2-norm plus 1e-12 (Lua's guard), for a row x:
    yⱼ = ⟨wⱼ, x⟩ / (‖wⱼ‖ ‖x‖),
    ∂L/∂x = (Σⱼ gⱼ wⱼ / ‖wⱼ‖ − (Σⱼ gⱼ yⱼ) x / ‖x‖) / ‖x‖,
    ∂L/∂wⱼ += scale · gⱼ (x / ‖x‖ − yⱼ wⱼ / ‖wⱼ‖) / ‖wⱼ‖, summed over the batch.
"""

from __future__ import annotations

import numpy as np

from .._checks import check_feature_input, reuse
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

    def _norms(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # ‖wⱼ‖ + ε and ‖xₙ‖ + ε, in reused buffers.
        dtype = self.weight.dtype
        weight_norms = self._buffer("weight_norms", (self.output_size,), dtype)
        input_norms = self._buffer("input_norms", (rows.shape[0],), dtype)
        for norms, matrix in ((weight_norms, self.weight), (input_norms, rows)):
            np.einsum("ij,ij->i", matrix, matrix, out=norms)
            np.sqrt(norms, out=norms)
            norms += GUARD
        return weight_norms, input_norms

    def update_output(self, input: np.ndarray) -> np.ndarray:
        if input.ndim not in (1, 2) or input.shape[-1] != self.input_size:
            check_feature_input(self._who(), input, self.input_size)  # raises, naming the layer
        rows = input.reshape(-1, self.input_size)
        weight_norms, input_norms = self._norms(rows)
        self.output = reuse(self.output, input.shape[:-1] + (self.output_size,), input.dtype)
        out = self.output.reshape(-1, self.output_size)
        np.matmul(rows, self.weight.T, out=out)
        out /= weight_norms
        out /= input_norms[:, None]
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        rows = input.reshape(-1, self.input_size)
        g = grad_output.reshape(-1, self.output_size)
        y = self.output.reshape(-1, self.output_size)
        weight_norms, input_norms = self._norms(rows)
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        grad = self.grad_input.reshape(rows.shape)
        scaled = self._buffer("scaled_grad", g.shape, g.dtype)
        np.divide(g, weight_norms, out=scaled)
        np.matmul(scaled, self.weight, out=grad)  # Σⱼ gⱼ wⱼ / ‖wⱼ‖
        agreement = np.einsum("nj,nj->n", g, y)  # Σⱼ gⱼ yⱼ
        grad -= (agreement / input_norms)[:, None] * rows
        grad /= input_norms[:, None]
        return self.grad_input

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        rows = input.reshape(-1, self.input_size)
        g = grad_output.reshape(-1, self.output_size)
        y = self.output.reshape(-1, self.output_size)
        weight_norms, input_norms = self._norms(rows)
        step = self._buffer("weight_step", self.weight.shape, self.weight.dtype)
        np.matmul(g.T, rows / input_norms[:, None], out=step)  # Σₙ gₙⱼ xₙ / ‖xₙ‖
        step -= (np.einsum("nj,nj->j", g, y) / weight_norms)[:, None] * self.weight
        step /= weight_norms[:, None]
        if scale != 1:
            step *= scale
        self.grad_weight += step
