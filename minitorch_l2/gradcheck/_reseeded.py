"""``ReseededDropout``: training-mode Dropout with one fixed mask, so that it can be gradchecked.

Dropout draws its mask from :func:`minitorch_l2.generator` on every forward, so two forwards at
one input differ and finite differences measure the noise. Re-seeding the generator before each
forward draws the same mask m every time (same seed, shape and dtype), and training-mode Dropout
becomes the fixed linear map y = x ⊙ m, mᵢ ∈ {0, 1/(1 − p)}: its Jacobian is diag(m), and the
check covers the masked, rescaled backward ∂L/∂x = g ⊙ m that ``.evaluate()`` would skip.
"""

from __future__ import annotations

import numpy as np

from .. import _random
from ..nn import Dropout


class ReseededDropout(Dropout):
    """``nn.Dropout(p)`` in training mode whose every forward draws the mask of ``seed``.

    The package generator is re-seeded just for the mask and then put back, so the draws of
    everything else (weights of the next recipe, the user's own) are unaffected.
    """

    def __init__(self, p: float = 0.5, seed: int = 0) -> None:
        super().__init__(p)
        self.seed = seed

    def update_output(self, input: np.ndarray) -> np.ndarray:
        saved = _random.generator()
        _random.manual_seed(self.seed)
        try:
            return super().update_output(input)
        finally:
            _random._generator = saved  # the caller's generator, in the state it was in
