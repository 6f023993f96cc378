"""The random source of the data helpers: a seed of their own, or the package's generator."""

from __future__ import annotations

import numpy as np

from .._random import generator


def rng_for(who: str, seed: object) -> np.random.Generator:
    """``default_rng(seed)`` for an int seed; the generator behind ``manual_seed`` for None."""
    if seed is None:
        return generator()
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"{who}: seed must be a non-negative int or None, got {seed!r}")
    return np.random.default_rng(int(seed))
