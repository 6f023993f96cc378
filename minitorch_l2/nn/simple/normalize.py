"""``nn.Normalize(p, eps)``: y = x / ‖x‖ₚ for each row x of an (n, d) batch (a vector (d,) too).

Lua's definition, eps included:  S = Σⱼ |xⱼ|ᵖ + eps,  N = S^(1/p)  (p = ∞: N = maxⱼ |xⱼ| + eps),
y = x / N. With b = ∂S/∂x / p = |x|ᵖ⁻² x (Lua takes (|x| + eps)ᵖ⁻² x when p < 2 and p is not
even, so p = 1 gives x / (|x| + eps) ≈ sign x):

    ∂L/∂x = (S g − b (x·g)) / (S N),       p = ∞:  ∂L/∂x = (N g − eₖ xₖ (x·g) / N) / N²,

k the index of the largest |xⱼ| (the first one), eₖ its unit vector; Lua's xₖ / N stands for
sign xₖ. For the exact p = 2 layer, with no eps in the norm, see ``nn.L2Normalize``.

Lua's arithmetic runs on every row; a row whose S (N for p = ∞) or ‖g‖² is outside the safe
range (``nn/_row_scaling.py``), where Σ|x|ᵖ, x·g, S g or S N would over- or underflow, is redone
at a power-of-two scale (``_scaled_norms.py``) with eps kept in the input's units, so the value
is Lua's formula evaluated without an exponent limit: ±inf only where that is past the range.
With eps this small that (|x| + eps)ᵖ⁻² can overflow (p < 2), non-finite gradient rows are
redone too (an entry x = 0 then has b = 0, the limit, where Lua's 0 · ∞ is NaN).
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from .._checks import reuse
from .._row_scaling import rows_outside, safe_range
from .._settings import real
from ..module import Module
from ._row_checks import as_rows
from ._scaled_norms import ScaledNorms


@cache
def _tiny_eps(p: float, dtype: np.dtype) -> float:
    """Below this eps, Lua's (|x| + eps)ᵖ⁻² (p < 2) can overflow (or be 0⁻¹ at eps = 0)."""
    return float(2.0 ** (-(np.finfo(dtype).maxexp - 4) / (2 - p)))


class Normalize(Module):
    """Divide each row by its p-norm plus Lua's eps: y = x / (Σⱼ |xⱼ|ᵖ + eps)^(1/p).

    For p = ∞ the norm is maxⱼ |xⱼ| + eps. Gradients as in the module docstring: Lua's formulas,
    eps included, so the numbers are Lua's (``nn.Normalize(2)`` of a zero row is 0, with
    gradient g / √eps). Rows too large or too small for those formulas' intermediates (say
    ‖x‖ = 1e200) get the same formula's value at a power-of-two scale, eps unscaled: the
    output of ``[3e200, 4e200]`` is ``[0.6, 0.8]``, not NaN.

    Parameters
    ----------
    p : float
        The norm's exponent: any real p ≥ 1, or ``math.inf`` (Lua's ``math.huge``).
    eps : float, default 1e-10
        Added to Σ|x|ᵖ (to max|x| for p = ∞) before the root, as in Lua.
    """

    per_call_attributes = ("_sum", "_norm", "_argmax", "_outside")

    def __init__(self, p: float, eps: float = 1e-10) -> None:
        super().__init__()
        self.p = p
        self.eps = eps
        self.validate()

    def validate(self) -> None:
        """Check ``p`` (a real ≥ 1, or inf) and ``eps`` (a finite real ≥ 0)."""
        self.p = real(self._who(), "p", self.p, 1.0, math.inf, finite=False)
        self.eps = real(self._who(), "eps", self.eps, 0.0)
        super().validate()

    def update_output(self, input: np.ndarray) -> np.ndarray:
        rows = as_rows(self._who(), input)
        n, dtype = rows.shape[0], input.dtype
        self.output = reuse(self.output, input.shape, dtype)
        power = self._buffer("power", rows.shape, dtype)
        norm = self._norm = self._buffer("norm", (n,), dtype)
        with np.errstate(all="ignore"):  # rows that over- or underflow fail the guard
            self._plain_forward(rows, power, norm)
        # The guard: S (N for p = ∞) in a range where no later product over- or underflows.
        size = norm if self.p == math.inf else self._sum
        bounds = safe_range(dtype, 0.25 if self.p == math.inf else 0.5)
        self._outside = rows_outside(size, bounds, lambda r: rows[r].any(axis=1))
        if self._outside.size:
            y = self.output.reshape(rows.shape)
            y[self._outside] = ScaledNorms(rows[self._outside], self.p, self.eps).output
        return self.output

    def _plain_forward(self, rows: np.ndarray, power: np.ndarray, norm: np.ndarray) -> None:
        """Lua's arithmetic on every row: S, N and y = x / N."""
        n, dtype = rows.shape[0], rows.dtype
        if self.p == math.inf:
            np.abs(rows, out=power)
            self._argmax = np.argmax(power, axis=1)  # k: the first largest |xⱼ|
            np.add(power[np.arange(n), self._argmax], self.eps, out=norm)  # N = max|x| + eps
        else:
            total = self._sum = self._buffer("sum", (n,), dtype)
            if self.p == 2:
                np.vecdot(rows, rows, out=total)  # Σ x²
            else:
                np.power(np.abs(rows, out=power), self.p, out=power)  # |x|ᵖ
                np.sum(power, axis=1, out=total)
            total += self.eps  # S
            np.power(total, 1 / self.p, out=norm)  # N = S^(1/p)
        inverse = np.reciprocal(norm, out=self._buffer("inverse", (n,), dtype))
        np.einsum("ij,i->ij", rows, inverse, out=self.output.reshape(rows.shape))  # y = x / N

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        rows = as_rows(self._who(), input)
        n, dtype = rows.shape[0], input.dtype
        g = grad_output.reshape(rows.shape)
        self.grad_input = reuse(self.grad_input, input.shape, dtype)
        grad = self.grad_input.reshape(rows.shape)
        size = self._buffer("g_squared", (n,), dtype)
        with np.errstate(all="ignore"):  # rows that over- or underflow fail the guard
            self._plain_backward(rows, g, grad)
            np.vecdot(g, g, out=size)
        # The guard: ‖g‖² in range (S, N were checked by the forward); a zero row of g is exact.
        redo = rows_outside(size, safe_range(dtype, 0.5), lambda r: g[r].any(axis=1))
        if self.p < 2 and self.eps <= _tiny_eps(self.p, dtype):  # (|x| + eps)ᵖ⁻² may overflow
            broken = np.flatnonzero(~np.isfinite(grad).all(axis=1) & np.isfinite(rows).all(axis=1))
            redo = np.union1d(redo, broken[rows[broken].any(axis=1)])
        if redo.size or self._outside.size:
            redo = np.union1d(self._outside, redo) if redo.size else self._outside
            argmax = self._argmax[redo] if self.p == math.inf else None
            scaled = ScaledNorms(rows[redo], self.p, self.eps)
            grad[redo] = scaled.gradients(g[redo], argmax)
        return self.grad_input

    def _plain_backward(self, rows: np.ndarray, g: np.ndarray, grad: np.ndarray) -> None:
        """Lua's arithmetic on every row: (S g − b (x·g)) / (S N), or p = ∞'s."""
        n, dtype = rows.shape[0], rows.dtype
        norm = self._norm
        x_dot_g = np.vecdot(rows, g, out=self._buffer("x_dot_g", (n,), dtype))  # x·g
        if self.p == math.inf:
            k = self._argmax
            np.einsum("ij,i->ij", g, norm, out=grad)  # N g
            picked = np.arange(n), k
            grad[picked] -= rows[picked] / norm * x_dot_g  # − eₖ xₖ (x·g) / N
            denominator = np.multiply(norm, norm, out=self._buffer("denominator", (n,), dtype))
        else:
            total = self._sum
            b = self._buffer("b", rows.shape, dtype)
            if self.p == 2:
                np.copyto(b, rows)  # b = x
            else:
                # b = |x|ᵖ⁻² x; Lua adds eps to |x| first when p < 2 and p is not even
                np.abs(rows, out=b)
                if self.p < 2:
                    b += self.eps
                np.power(b, self.p - 2, out=b)
                b *= rows
            np.einsum("ij,i->ij", g, total, out=grad)  # S g
            b *= x_dot_g[:, None]
            grad -= b  # S g − b (x·g)
            denominator = np.multiply(total, norm, out=self._buffer("denominator", (n,), dtype))
        grad /= denominator[:, None]  # / (S N), or / N² for p = ∞

    def __tostring__(self) -> str:
        # Lua prints an integer p as %d and any other as %f; math.huge prints as inf.
        if self.p == math.inf:
            return "nn.Normalize(inf)"
        return (
            f"nn.Normalize({int(self.p)})" if self.p.is_integer() else f"nn.Normalize({self.p:f})"
        )
