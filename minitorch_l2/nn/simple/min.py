"""``nn.Min(dim=0, n_input_dims=None)``: y = min_dim x; ∂L/∂x = g at each minimum, else 0.

A vector's minimum keeps shape (1,), as in Lua; on ties the first minimum gets the gradient,
as Torch's ``min`` picks it.
"""

from __future__ import annotations

import numpy as np

from ._extremum import Extremum


class Min(Extremum):
    """y = the smallest entry of x along ``dim``; ∂L/∂x = g at its place, 0 elsewhere.

    Parameters
    ----------
    dim : int
        The dimension reduced (0-based, default 0; negative counts from the end).
    n_input_dims : int or None
        Dimensions of one sample: an input with one more is a batch, and a ``dim`` ≥ 0 moves
        one place right (Lua's ``nInputDims``).
    """

    _value = staticmethod(np.min)
    _place = staticmethod(np.argmin)
