"""Training-mode Dropout and SpatialDropout with one fixed mask, so that they can be gradchecked.

Dropout draws its mask from :func:`minitorch_l2.generator` on every forward, so two forwards at
one input differ and finite differences measure the noise. Drawing every forward's mask inside
:func:`minitorch_l2._random.seeded` (same seed, shape and dtype) gives the same mask m every
time, and training-mode Dropout becomes the fixed linear map y = x ⊙ m, mᵢ ∈ {0, 1/(1 − p)}:
its Jacobian is diag(m), and the check covers the masked, rescaled backward ∂L/∂x = g ⊙ m that
``.evaluate()`` would skip. SpatialDropout likewise, with one mask per plane.
"""

from __future__ import annotations

import numpy as np

from .._random import seeded
from ..nn import Dropout, SpatialDropout


class _Reseeded:
    """Mixin: every forward draws its mask from a generator seeded with ``self.seed``."""

    seed = 0

    def update_output(self, input: np.ndarray) -> np.ndarray:
        with seeded(self.seed):  # the caller's generator is left as it was
            return super().update_output(input)


class ReseededDropout(_Reseeded, Dropout):
    """``nn.Dropout(p)`` in training mode whose every forward draws the mask of ``seed``.

    Parameters
    ----------
    p : float
        The drop probability.
    seed : int
        The seed of every forward's mask.
    """

    def __init__(self, p: float = 0.5, seed: int = 0) -> None:
        super().__init__(p)
        self.seed = seed


class ReseededSpatialDropout(_Reseeded, SpatialDropout):
    """``nn.SpatialDropout(p)`` in training mode whose every forward draws the planes' mask of
    ``seed``.

    Parameters
    ----------
    p : float
        The drop probability of each plane.
    seed : int
        The seed of every forward's mask.
    """

    def __init__(self, p: float = 0.5, seed: int = 0) -> None:
        super().__init__(p)
        self.seed = seed
