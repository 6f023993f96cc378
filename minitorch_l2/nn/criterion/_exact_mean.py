"""A loss's (weighted) sum or mean without overflow on the way: the slow path of every reduction.

A criterion's loss is Σᵢ wᵢ ℓᵢ / Z. When a term, a product wᵢ ℓᵢ, the sum or Z overflows, the plain
reduction gives ±inf (or NaN, inf − inf) although the exact answer may be representable (four
terms of 1e308: the sum overflows, the mean 1e308 does not). The criteria compute their plain
(Lua's) reduction, test the one float with ``math.isfinite``, and only when it is not finite
recompute their terms at a known power-of-two scale (ℓᵢ / 2ᵏ, e.g. from x/2 − t/2) and hand them
to :func:`exact_total`. There each factor is split as m·2ᵉ (``frexp``, exact), the products of
mantissas are summed relative to the largest exponent, and the powers are put back by one final
``ldexp``: the result rounds as in a float with no exponent limit, so ±inf only where the exact
answer is past the range (``forward`` then warns), never NaN from finite terms.
"""

from __future__ import annotations

import numpy as np


def split_total(terms: np.ndarray, factors=None, exponent=0) -> tuple[float, int]:
    """(s, e) with s·2ᵉ = Σᵢ termsᵢ · factorsᵢ · 2^exponentᵢ, and |s| at most the term count."""
    mantissas, exponents = np.frexp(np.asarray(terms, dtype=np.float64))
    if factors is not None:
        factor_mantissas, factor_exponents = np.frexp(np.asarray(factors, dtype=np.float64))
        mantissas = mantissas * factor_mantissas
        exponents = exponents + factor_exponents
    exponents = exponents + exponent
    live = mantissas != 0  # a zero's exponent says nothing
    if not live.any():
        return 0.0, 0
    top = int(exponents[live].max())
    return float(np.ldexp(mantissas, exponents - top).sum()), top


def exact_total(terms: np.ndarray, factors=None, exponent=0, divisor=1.0) -> float:
    """Σᵢ termsᵢ · factorsᵢ · 2^exponentᵢ / divisor, rounded as if no step could overflow.

    ``factors`` (class weights) and ``exponent`` (the scale the terms were computed at) broadcast
    against ``terms``; ``divisor`` is a number, or an array whose exact sum is the divisor (the
    total weight Z, itself possibly past the range). A zero divisor gives 0, as Torch's.
    """
    with np.errstate(all="ignore"):  # ±inf only past the range: forward warns about it
        total, top = split_total(terms, factors, exponent)
        if isinstance(divisor, np.ndarray):
            divisor, bottom = split_total(divisor)
        else:
            bottom = 0
        if divisor == 0:
            return 0.0
        return float(np.ldexp(total / divisor, top - bottom))


def exact_shares(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """valuesᵢ / Σⱼ weightsⱼ in float64, for a Σ weights past the range (the gradient's 1/Z)."""
    with np.errstate(all="ignore"):
        total, top = split_total(weights)
        return np.ldexp(np.asarray(values, dtype=np.float64), -top) / total
