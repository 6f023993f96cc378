"""``nn.Euclidean(input_size, output_size)``: the distance from the input to each weight column.

W (input_size, output_size), column wⱼ; for a row x, with dⱼ = x − wⱼ:
    yⱼ = ‖x − wⱼ‖,
    ∂L/∂x = Σⱼ gⱼ dⱼ / (yⱼ + 1e-7),   ∂L/∂wⱼ += −scale · Σₙ gₙⱼ dₙⱼ / (yₙⱼ + 1e-7),
1e-7 being Lua's guard against y = 0.
"""

from __future__ import annotations

import numpy as np

from .._checks import check_feature_input, reuse
from ._weight_matrix import WeightMatrix

GUARD = 1e-7  # added to y before dividing, as Lua's Euclidean does


class Euclidean(WeightMatrix):
    """Euclidean distance of x to every column of W: yⱼ = ‖x − wⱼ‖.

    ∂L/∂x = Σⱼ gⱼ (x − wⱼ) / (yⱼ + 1e-7), ∂L/∂wⱼ += −scale Σₙ gₙⱼ (xₙ − wⱼ) / (yₙⱼ + 1e-7). The
    differences x − wⱼ are kept from the forward pass, an (n, input_size, output_size) buffer,
    as Lua keeps them.

    Parameters
    ----------
    input_size : int
        Features of each input row (the rows of ``weight``).
    output_size : int
        Number of centres (columns of ``weight``), one output each.

    Attributes
    ----------
    weight, grad_weight : numpy.ndarray, shape (input_size, output_size)
        ``weight`` drawn from U(−1/√input_size, 1/√input_size) by :meth:`reset`, as Lua.
    """

    weight_shape = ("input_size", "output_size")

    def update_output(self, input: np.ndarray) -> np.ndarray:
        if input.ndim not in (1, 2) or input.shape[-1] != self.input_size:
            check_feature_input(self._who(), input, self.input_size)  # raises, naming the layer
        rows = input.reshape(-1, self.input_size)
        diff = self._buffer("diff", rows.shape + (self.output_size,), self.weight.dtype)
        np.subtract(rows[:, :, None], self.weight, out=diff)  # dₙᵢⱼ = xₙᵢ − wᵢⱼ
        self.output = reuse(self.output, input.shape[:-1] + (self.output_size,), input.dtype)
        out = self.output.reshape(-1, self.output_size)
        np.einsum("nij,nij->nj", diff, diff, out=out)
        np.sqrt(out, out=out)
        return self.output

    def _weighted_grad(self, grad_output: np.ndarray) -> np.ndarray:
        # gₙⱼ / (yₙⱼ + 1e-7)
        g = grad_output.reshape(-1, self.output_size)
        ratio = self._buffer("ratio", g.shape, g.dtype)
        np.add(self.output.reshape(g.shape), GUARD, out=ratio)
        np.divide(g, ratio, out=ratio)
        return ratio

    def _diff(self) -> np.ndarray:
        # The forward's differences, found by the output's shape (which grad_output has).
        rows = self.output.size // self.output_size
        return self._buffer("diff", (rows,) + self.weight.shape, self.weight.dtype)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        diff = self._diff()
        ratio = self._weighted_grad(grad_output)
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        np.einsum("nij,nj->ni", diff, ratio, out=self.grad_input.reshape(-1, self.input_size))
        return self.grad_input

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        diff = self._diff()
        ratio = self._weighted_grad(grad_output)
        step = self._buffer("weight_step", self.weight.shape, self.weight.dtype)
        np.einsum("nij,nj->ij", diff, ratio, out=step)
        step *= -scale
        self.grad_weight += step
