"""The one random generator behind every initialisation and every Dropout mask.

Torch 7 has a single global generator seeded by ``torch.manualSeed``; we keep one
``numpy.random.Generator`` for the same reason: one call makes a whole run repeatable.
"""

from __future__ import annotations

import numpy as np

_generator = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Re-seed the generator that all initialisation (and Dropout) draws from.

    Parameters
    ----------
    seed : int
        Any non-negative integer accepted by ``numpy.random.default_rng``.

    Returns
    -------
    numpy.random.Generator
        The new generator (also returned by :func:`generator` from now on).
    """
    global _generator
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise TypeError(f"manual_seed: expected an int seed, got {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"manual_seed: the seed must be an int >= 0, got {seed}")
    _generator = np.random.default_rng(seed)
    return _generator


def generator() -> np.random.Generator:
    """Return the generator seeded by the last :func:`manual_seed` call."""
    return _generator
