"""``nn.Euclidean(input_size, output_size)``: the distance from the input to each weight column.

W (input_size, output_size), column wⱼ; for a row x, with dⱼ = x − wⱼ:
    yⱼ = ‖x − wⱼ‖,
    ∂L/∂x = Σⱼ gⱼ dⱼ / (yⱼ + 1e-7),   ∂L/∂wⱼ += −scale · Σₙ gₙⱼ dₙⱼ / (yₙⱼ + 1e-7),
1e-7 being Lua's guard against y = 0. A pair whose ‖x − wⱼ‖² is outside the safe range, or whose
g entry is, is redone at a power-of-two scale (``_euclidean_pairs.py``): Lua's formula's value,
±inf only where that is past the float range; the other pairs keep Lua's arithmetic.
"""

from __future__ import annotations

import numpy as np

from .._checks import check_feature_input, reuse
from .._row_scaling import in_range, outside, safe_range
from ._euclidean_pairs import pair_distances, pair_gradients
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

    per_call_attributes = ("_pairs",)  # the forward's pairs redone at a scale

    def update_output(self, input: np.ndarray) -> np.ndarray:
        if input.ndim not in (1, 2) or input.shape[-1] != self.input_size:
            check_feature_input(self._who(), input, self.input_size)  # raises, naming the layer
        rows = input.reshape(-1, self.input_size)
        diff = self._buffer("diff", rows.shape + (self.output_size,), self.weight.dtype)
        self.output = reuse(self.output, input.shape[:-1] + (self.output_size,), input.dtype)
        out = self.output.reshape(-1, self.output_size)
        with np.errstate(all="ignore"):  # pairs that over- or underflow fail the guard
            np.subtract(rows[:, :, None], self.weight, out=diff)  # dₙᵢⱼ = xₙᵢ − wᵢⱼ
            np.einsum("nij,nij->nj", diff, diff, out=out)
        self._pairs = None
        bounds = safe_range(out.dtype, 0.5)
        if not in_range(out, bounds):  # the guard: every ‖x − w‖² in range
            flat = outside(out.ravel(), bounds)
            pairs = np.divmod(flat, self.output_size)
            keep = (out.ravel()[flat] != 0) | diff[pairs[0], :, pairs[1]].any(axis=1)
            self._pairs = pairs = (pairs[0][keep], pairs[1][keep])
            diff[pairs[0], :, pairs[1]] = 0  # their share of the backward comes from the pairs
        np.sqrt(out, out=out)
        if self._pairs is not None:
            out[self._pairs] = pair_distances(rows, self.weight, self._pairs)
        return self.output

    def _weighted_grad(self, input: np.ndarray, grad_output: np.ndarray):
        # gₙⱼ / (yₙⱼ + 1e-7), 0 at the pairs redone at a scale, and those pairs' g q
        g = grad_output.reshape(-1, self.output_size)
        ratio = self._buffer("ratio", g.shape, g.dtype)
        np.add(self.output.reshape(g.shape), GUARD, out=ratio)
        np.divide(g, ratio, out=ratio)
        pairs = self.__dict__.get("_pairs")
        bounds = safe_range(g.dtype, 0.5)
        if not in_range(np.abs(g, out=self._buffer("g_size", g.shape, g.dtype)), bounds):
            flat = outside(np.abs(g).ravel(), bounds)
            flat = flat[g.ravel()[flat] != 0]  # g = 0 is exact on the plain path
            if pairs is not None:
                flat = np.union1d(flat, np.ravel_multi_index(pairs, g.shape))
            pairs = np.divmod(flat, self.output_size)
        if pairs is None or pairs[0].size == 0:
            return ratio, None
        ratio[pairs] = 0
        rows = input.reshape(-1, self.input_size)
        return ratio, (pairs, pair_gradients(rows, self.weight, pairs, g[pairs]))

    def _diff(self) -> np.ndarray:
        # The forward's differences, found by the output's shape (which grad_output has).
        rows = self.output.size // self.output_size
        return self._buffer("diff", (rows,) + self.weight.shape, self.weight.dtype)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        diff = self._diff()
        with np.errstate(all="ignore"):  # such pairs are redone; a true gradient past the range
            ratio, redone = self._weighted_grad(input, grad_output)
            self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
            grad = self.grad_input.reshape(-1, self.input_size)
            np.einsum("nij,nj->ni", diff, ratio, out=grad)
            if redone is not None:
                np.add.at(grad, redone[0][0], redone[1])  # + g q
        return self.grad_input

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        diff = self._diff()
        step = self._buffer("weight_step", self.weight.shape, self.weight.dtype)
        with np.errstate(all="ignore"):  # such pairs are redone; a true gradient past the range
            ratio, redone = self._weighted_grad(input, grad_output)
            np.einsum("nij,nj->ij", diff, ratio, out=step)
            if redone is not None:
                np.add.at(step.T, redone[0][1], redone[1])  # + g q, column j
            step *= -scale
            self.grad_weight += step
