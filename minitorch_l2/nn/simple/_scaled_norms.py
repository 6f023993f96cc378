"""Normalize's rows redone at a power-of-two scale, where Σ|x|ᵖ, x·g, S g or S N over- or underflow.

Lua's N = (Σ|xⱼ|ᵖ + eps)^(1/p) (p = ∞: max|xⱼ| + eps) is written with m = max|xⱼ| = 2ᵉ m̂,
m̂ ∈ [1, 2) (``_row_scaling``), rⱼ = |xⱼ| / m ∈ [0, 1], R = Σ rⱼᵖ ∈ [1, d] and c = eps^(1/p):

    N = (mᵖ R + cᵖ)^(1/p) = m (R + (c/m)ᵖ)^(1/p)   if m ≥ c,   c ((m/c)ᵖ R + 1)^(1/p)   if not,

(p = ∞: p = 1 and R = 1), so N = 2^F N̂, F the exponent of the larger of m, c, N̂ ∈ [1, 2(d + 1)]:
eps keeps its unscaled value (it enters as c, a ratio to m), so this is Lua's number, not that of
a rescaled eps. With y = x / N = 2^(e−F) x̂ / N̂, the gradient (S g − b (x·g)) / (S N) is

    ∂L/∂x = (g − w (y·g)) / N,   w = b N / S = sign x |y|ᵖ⁻¹   (p ≥ 2),
    w = sign x uᵖ⁻¹ |x| / (|x| + eps), u = (|x| + eps) / N   (p < 2, Lua's |x| + eps),
    w = eₖ yₖ   (p = ∞),

every factor at most 2 or so; g = 2ʰ ĝ, and one ``ldexp`` by h − F puts the scale back (±inf only
for a gradient truly past the float range).
"""

from __future__ import annotations

import math

import numpy as np

from .._row_scaling import scalar_exponent, scaled


class ScaledNorms:
    """Normalize's outputs (and gradients) of some rows, at a scale (see the module docstring)."""

    def __init__(self, x: np.ndarray, p: float, eps: float) -> None:
        self.p, self.eps, self.magnitude, self.sign = p, eps, np.abs(x), np.sign(x)
        self.x, self.exponent = x_hat, e = scaled(x)
        power = 1.0 if p == math.inf else p
        with np.errstate(all="ignore"):  # finite rows are in range; ±inf or NaN ones give NaN
            peak = np.max(np.abs(x_hat), axis=1)  # m̂, 0 for a zero row
            if p == math.inf:
                total = np.ones_like(peak)  # R = 1: N = m + eps
            else:
                ratio = np.abs(x_hat) / np.where(peak == 0, 1, peak)[:, None]
                total = np.sum(ratio**p, axis=1)  # R ∈ [1, d], 0 for a zero row
            c = eps if p == math.inf else eps ** (1 / p)
            phi = scalar_exponent(c) if c > 0 else np.iinfo(np.int64).min // 2
            c_hat = math.ldexp(c, -phi) if c > 0 else 0.0
            larger = (peak > 0) & ((e > phi) | ((e == phi) & (peak >= c_hat)))
            self.F = np.where(larger, e, phi)
            # t ≤ 1: the smaller of m, c over the larger
            t = np.where(
                larger,
                np.ldexp(c_hat / np.where(peak == 0, 1, peak), np.clip(phi - e, -2200, 0)),
                np.ldexp(peak / (c_hat or 1.0), np.clip(e - phi, -2200, 0)),
            )
            inner = np.where(larger, total + t**power, t**power * total + 1)
            self.norm = np.where(larger, peak, c_hat) * inner ** (1 / power)  # N̂
            self.output = np.ldexp(x_hat / self.norm[:, None], (e - self.F)[:, None])  # y

    def gradients(self, g: np.ndarray, argmax: np.ndarray | None) -> np.ndarray:
        """(g − w (y·g)) / N of these rows (``g`` theirs, ``argmax`` their k for p = ∞)."""
        p, y, F = self.p, self.output, self.F
        g_hat, h = scaled(g)
        with np.errstate(all="ignore"):  # a gradient truly past the range; NaN input's rows
            if p == math.inf:
                w = np.zeros_like(y)
                picked = np.arange(y.shape[0]), argmax
                w[picked] = y[picked]
            elif p >= 2:
                w = np.sign(y) * np.abs(y) ** (p - 1)
            else:  # from the unscaled |x|: for p near 1 a tiny entry's w is not small
                magnitude = self.magnitude
                share = magnitude / (magnitude + self.eps)  # |x| / (|x| + eps)
                share[magnitude == 0] = 0
                w = self.sign * share  # not sign y, which may have underflowed to 0
                if p != 1:  # uᵖ⁻¹ = 2^((p − 1) log₂ u), log₂ u = log₂(|x| + eps) − F − log₂ N̂
                    log_u = np.log2(magnitude + self.eps) - (F + np.log2(self.norm))[:, None]
                    w *= np.exp2((p - 1) * log_u)
            part = (g_hat - w * np.vecdot(y, g_hat)[:, None]) / self.norm[:, None]
            return np.ldexp(part, (h - F)[:, None])
