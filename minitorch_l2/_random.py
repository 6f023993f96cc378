"""The one random generator behind every initialisation and every Dropout mask.

Torch 7 has a single global generator seeded by ``torch.manualSeed``; we keep one
``numpy.random.Generator`` for the same reason: one call makes a whole run repeatable.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

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


@contextmanager
def seeded(seed: int) -> Iterator[np.random.Generator]:
    """Draw from a generator seeded with ``seed`` inside the block, then put the old one back.

    Everything that draws from :func:`generator` inside the ``with`` block (initialisations,
    Dropout masks) sees a fresh generator of ``seed``, so the same block draws the same numbers
    every time; afterwards the generator that was current is restored in the state it was in,
    so the draws outside are unaffected.

    Parameters
    ----------
    seed : int
        The seed of the block's generator (as for :func:`manual_seed`).

    Yields
    ------
    numpy.random.Generator
        The block's generator.
    """
    global _generator
    saved = _generator
    try:
        yield manual_seed(seed)
    finally:
        _generator = saved
