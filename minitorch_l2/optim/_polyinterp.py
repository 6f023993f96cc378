"""The cubic interpolation behind ``optim.lswolfe``, as Torch 7's ``optim.polyinterp`` does it.

Given two points (tᵢ, fᵢ, f'ᵢ), the cubic through both values and both slopes is minimised:
in closed form when no bounds are given, else by solving for its coefficients and testing the
bounds, the two points and the real roots of its derivative that lie inside the bounds.
"""

from __future__ import annotations

import math

import numpy as np

from ._common import divide, sqrt


def polyinterp(points: np.ndarray, low: float | None = None, high: float | None = None) -> float:
    """The step t minimising the cubic interpolant of ``points`` (rows t, f, f'), in [low, high]."""
    points = np.asarray(points, dtype=np.float64)
    if low is None and high is None and len(points) == 2:
        t, f, slope = points.T.tolist()
        near = 1 if t[1] < t[0] else 0  # the point with the smaller t, the first on a tie
        far = 1 - near
        d1 = slope[near] + slope[far] - divide(3 * (f[near] - f[far]), t[near] - t[far])
        d2 = sqrt(d1 * d1 - slope[near] * slope[far])
        if math.isnan(d2):
            return (t[0] + t[1]) / 2
        ratio = divide(slope[far] + d2 - d1, slope[far] - slope[near] + 2 * d2)
        return float(min(max(t[far] - (t[far] - t[near]) * ratio, t[near]), t[far]))
    t, f, slope = points.T
    return _bounded(t, f, slope, float(t.min()) if low is None else low, high)


def _bounded(t: np.ndarray, f: np.ndarray, slope: np.ndarray, low: float, high: float) -> float:
    """The general case: coefficients from the 2n conditions, candidates tested one by one."""
    high = float(t.max()) if high is None else high
    order = 2 * len(t) - 1
    powers = np.arange(order, -1, -1)
    values = t[:, None] ** powers  # f(tᵢ) = Σ cⱼ tᵢ^(order − j)
    slopes = np.where(powers > 0, powers * t[:, None] ** np.maximum(powers - 1, 0), 0.0)
    coefficients = np.linalg.solve(np.vstack([values, slopes]), np.concatenate([f, slope]))
    coefficients[np.abs(coefficients) <= 1e-12] = 0
    derivative = coefficients[:-1] * powers[:-1]
    candidates = [low, high, *t.tolist()]
    if not (np.isnan(derivative).any() or (derivative == math.inf).any()):
        candidates += _real_roots(derivative)
    best, position = math.inf, (low + high) / 2  # bisection when no candidate is valid
    for candidate in candidates:
        if low <= candidate <= high:
            value = _polyval(coefficients, candidate)
            if value < best:
                best, position = value, candidate
    return position


def _polyval(coefficients: np.ndarray, t: float) -> float:
    """Σ cⱼ t^(n − j), summed from the highest power down as Torch does."""
    total = 0.0
    for power, c in zip(range(len(coefficients) - 1, -1, -1), coefficients.tolist()):
        total = total + c * t**power
    return total


def _real_roots(c: np.ndarray) -> list[float]:
    """The real roots of Σ cⱼ t^(n − j): Torch's rule (tiny coefficients are zero, companion
    matrix eigenvalues), keeping those whose imaginary part is exactly 0."""
    c = np.where(np.abs(c) < 1e-12, 0.0, c)
    nonzero = np.flatnonzero(c)
    if nonzero.size == 0:
        return []
    c = c[nonzero[0] :]
    trailing = len(c) - 1 - int(np.flatnonzero(c)[-1])
    c = c[: len(c) - trailing]
    zeros = [0.0] * trailing
    degree = len(c) - 1
    if degree == 1:
        return [float(-c[1] / c[0]), *zeros]
    if degree > 1:
        companion = np.diag(np.ones(degree - 1), -1)
        companion[0] = -c[1:] / c[0]
        roots = np.linalg.eigvals(companion)
        return [float(r.real) for r in roots if r.imag == 0] + zeros
    return zeros
