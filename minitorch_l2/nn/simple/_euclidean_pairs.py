"""Euclidean's (row, centre) pairs redone at a power-of-two scale, where y² or g / y misbehave.

A pair whose ‖x − w‖² is outside the safe range (``nn/_row_scaling.py``), or whose gradient
entry g is, gets y = 2ᵉ ‖d̂‖ with d = x − w = 2ᵉ d̂ (d halved first where x − w overflows), and
its gradient through q = d / (y + 1e-7), |q| ≤ 1: with f = max(e, φ), 2^φ the scale of 1e-7,
q = d̂ 2^(e−f) / (‖d̂‖ 2^(e−f) + 1e-7 · 2^(−f)), so neither g / (y + 1e-7) nor its product with d
over- or underflows on its own: ∂L/∂x += g q, ∂L/∂w −= g q (±inf only past the range).
"""

from __future__ import annotations

import numpy as np

from .._row_scaling import scalar_exponent, scaled


def pair_differences(rows: np.ndarray, weight: np.ndarray, pairs) -> tuple[np.ndarray, np.ndarray]:
    """d̂ of the ``pairs`` (row index, centre index) and e, d = 2ᵉ d̂, exact or halved once."""
    n_index, j_index = pairs
    x, w = rows[n_index], weight[:, j_index].T
    with np.errstate(all="ignore"):  # ±inf or NaN input's pairs give NaN
        d = x - w
        halved = (
            ~np.isfinite(d).all(axis=1) & np.isfinite(x).all(axis=1) & np.isfinite(w).all(axis=1)
        )
        d[halved] = np.ldexp(x[halved], -1) - np.ldexp(w[halved], -1)
        d_hat, e = scaled(d)
    return d_hat, e + halved


def pair_distances(rows: np.ndarray, weight: np.ndarray, pairs) -> np.ndarray:
    """y = ‖x − w‖ of the ``pairs``, ±inf only where it is past the range."""
    d_hat, e = pair_differences(rows, weight, pairs)
    with np.errstate(all="ignore"):
        return np.ldexp(np.sqrt(np.vecdot(d_hat, d_hat)), e)


def pair_gradients(rows: np.ndarray, weight: np.ndarray, pairs, g: np.ndarray) -> np.ndarray:
    """g q = g (x − w) / (y + 1e-7) of the ``pairs`` (``g`` their gradient entries), (k, d)."""
    d_hat, e = pair_differences(rows, weight, pairs)
    f = np.maximum(e, scalar_exponent(1e-7))
    with np.errstate(all="ignore"):
        guard = np.ldexp(np.full(e.shape, 1e-7, d_hat.dtype), -f)
        norm = np.ldexp(np.sqrt(np.vecdot(d_hat, d_hat)), e - f) + guard
        q = np.ldexp(d_hat, (e - f)[:, None]) / norm[:, None]
        return g[:, None] * q
