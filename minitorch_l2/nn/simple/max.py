"""``nn.Max(dim=0, n_input_dims=None)``: y = max_dim x; ∂L/∂x = g at each maximum, else 0.

A vector's maximum keeps shape (1,), as in Lua; on ties the first maximum gets the gradient,
as Torch's ``max`` picks it.
"""

from __future__ import annotations

import numpy as np

from ._extremum import Extremum


class Max(Extremum):
    """y = the largest entry of x along ``dim``; ∂L/∂x = g at its place, 0 elsewhere.

    Parameters
    ----------
    dim : int
        The dimension reduced (0-based, default 0; negative counts from the end).
    n_input_dims : int or None
        Dimensions of one sample: an input with one more is a batch, and a ``dim`` ≥ 0 moves
        one place right (Lua's ``nInputDims``).
    """

    _value = staticmethod(np.max)
    _place = staticmethod(np.argmax)
