"""``nn.PairwiseDistance(p)``: the p-norm distance between each pair of rows.

With d = x1 − x2: yₙ = (Σₖ |dₙₖ|ᵖ)^(1/p);
∂L/∂x1 = g · sign(d) |d|ᵖ⁻¹ / (y + 1e-6)ᵖ⁻¹ (Lua's guard against y = 0), ∂L/∂x2 = −∂L/∂x1.
For p = 1 the gradient is g · sign(d). For p > 1 a row whose Σ|d|ᵖ over- or underflows is
redone at a power-of-two scale (``nn/_row_scaling.py``): with d = 2ᵉ d̂ and f = max(e, φ), 2^φ
the scale of the guard, y = 2ᵉ ‖d̂‖ₚ and ∂L/∂x1 = g sign(d) r̂ᵖ⁻¹ 2^((e − f)(p − 1)),
r̂ = |d̂| / (ŷ 2^(e − f) + 1e-6 · 2^(−f)) ≤ 2: the formula's value, not a spurious ±inf or 0.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._row_scaling import rows_outside, safe_range, scalar_exponent, scaled
from .._settings import real
from .._tables import reuse_list
from ._inputs import TensorTable
from ._rows import pair_rows

GUARD = 1e-6  # added to y before dividing, as Lua's PairwiseDistance does


class PairwiseDistance(TensorTable):
    """Row-wise p-norm distance of a pair [x1, x2]: yₙ = ‖x1ₙ − x2ₙ‖ₚ.

    ∂L/∂x1 = g sign(d) |d|ᵖ⁻¹ / (y + 1e-6)ᵖ⁻¹ with d = x1 − x2, and ∂L/∂x2 = −∂L/∂x1. Vectors
    (d,) are one row: y has shape (1,). Lua differs in two places, both bugs not copied: for
    1 < p < 2 it leaves out the factor |d|ᵖ⁻², and for p = 1 it draws a random ±1 where d = 0
    (here 0, the sign).

    Parameters
    ----------
    p : float, default 2
        The norm, a finite number >= 1.
    """

    table_size = 2

    per_call_attributes = ("_scaled",)  # the forward's rows redone at a scale, or None

    def __init__(self, p: float = 2) -> None:
        super().__init__()
        self.norm = p
        self.validate()

    def validate(self) -> None:
        """Check ``norm`` (Lua's field for p: a finite real >= 1)."""
        self.norm = real(self._who(), "norm", self.norm, 1.0)
        super().validate()

    def update_output(self, input: list[np.ndarray]) -> np.ndarray:
        rows1, rows2 = pair_rows(self._who(), input)
        diff = self._buffer("diff", rows1.shape, rows1.dtype)
        self.output = reuse(self.output, (rows1.shape[0],), rows1.dtype)
        with np.errstate(over="ignore"):  # such rows are redone below
            np.subtract(rows1, rows2, out=diff)
            np.abs(diff, out=diff)
            np.power(diff, self.norm, out=diff)
            np.sum(diff, axis=1, out=self.output)
        self._scaled = None
        if self.norm != 1:  # Σ|d| overflows only where y does
            bounds = safe_range(rows1.dtype, 7 / 8)  # then |d|ᵖ⁻¹ and 1/(y + 1e-6)ᵖ⁻¹ are normal
            rows = rows_outside(self.output, bounds, lambda r: (rows1[r] != rows2[r]).any(axis=1))
            if rows.size:
                self._scaled = _ScaledDistances(rows, rows1[rows], rows2[rows], self.norm)
        np.power(self.output, 1.0 / self.norm, out=self.output)
        if self._scaled is not None:
            self.output[self._scaled.rows] = self._scaled.distances
        return self.output

    def update_grad_input(self, input: list[np.ndarray], grad_output: np.ndarray) -> list:
        rows1, rows2 = pair_rows(self._who(), input)
        p = self.norm
        grads = self.grad_input = reuse_list(self.grad_input, 2)
        for index in (0, 1):
            grads[index] = reuse(grads[index], input[index].shape, grad_output.dtype)
        grad = grads[0].reshape(rows1.shape)
        # Rows past the range are redone below; a true gradient past it is ±inf, not warned of.
        with np.errstate(over="ignore", invalid="ignore"):
            np.subtract(rows1, rows2, out=grad)  # d
            if p == 1:
                np.sign(grad, out=grad)
            else:
                if p != 2:  # sign(d) |d|ᵖ⁻¹, finite at d = 0 (d |d|ᵖ⁻² is not for p < 2)
                    magnitude = self._buffer("magnitude", grad.shape, grad.dtype)
                    np.abs(grad, out=magnitude)
                    np.power(magnitude, p - 1, out=magnitude)
                    np.sign(grad, out=grad)
                    grad *= magnitude
                scale = self._buffer("scale", self.output.shape, grad.dtype)
                np.add(self.output, GUARD, out=scale)
                np.power(scale, -(p - 1), out=scale)
                grad *= scale[:, None]
            grad *= grad_output[:, None]
        if self.__dict__.get("_scaled") is not None:
            self._scaled.gradients(grad_output, grad)
        np.negative(grads[0], out=grads[1])
        return grads


class _ScaledDistances:
    """The distances of ``rows`` of (x1, x2), and their gradients, at a scale (module docstring)."""

    def __init__(self, rows: np.ndarray, x1: np.ndarray, x2: np.ndarray, p: float) -> None:
        self.rows, self.p = rows, p
        with np.errstate(all="ignore"):  # finite rows are in range; ±inf or NaN ones give NaN
            # d = x1 − x2, halved first where it overflows (its lowest bits do not matter
            # there, y being past 2¹⁰²³), then brought to [1, 2).
            d = x1 - x2
            halved = ~np.isfinite(d).all(axis=1)
            d[halved] = np.ldexp(x1[halved], -1) - np.ldexp(x2[halved], -1)
            self.d, e = scaled(d)
            self.exponent = e + halved
            self.norms = np.sum(np.abs(self.d) ** p, axis=1) ** (1 / p)  # ŷ ∈ [1, 2 d^(1/p)]
            self.distances = np.ldexp(self.norms, self.exponent)

    def gradients(self, slope: np.ndarray, grad: np.ndarray) -> None:
        """Write these rows of ∂L/∂x1 = g sign(d) (|d| / (y + 1e-6))ᵖ⁻¹ into ``grad`` (n, d)."""
        p, e = self.p, self.exponent
        f = np.maximum(e, scalar_exponent(GUARD))
        mantissa, h = np.frexp(slope[self.rows])
        with np.errstate(all="ignore"):  # a gradient truly past the range; NaN input's rows
            guard = np.ldexp(np.full(e.shape, GUARD, self.d.dtype), -f)
            ratio = np.abs(self.d) / (np.ldexp(self.norms, e - f) + guard)[:, None] / 2  # ≤ 1
            power = (e - f + 1) * (p - 1) + h  # the factor 2^power put back at the end
            whole = np.floor(power)
            part = np.sign(self.d) * ratio ** (p - 1) * (mantissa * np.exp2(power - whole))[:, None]
            grad[self.rows] = np.ldexp(part, whole.astype(np.int64)[:, None])
