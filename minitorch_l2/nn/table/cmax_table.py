"""``nn.CMaxTable``: the element-wise maximum of a table of tensors.

yₖ = maxᵢ xᵢₖ; ∂L/∂xᵢₖ = ∂L/∂yₖ where xᵢ holds the maximum (the first such i on ties), else 0.
"""

from __future__ import annotations

import numpy as np

from ._extremum import Extremum


class CMaxTable(Extremum):
    """Element-wise maximum: yₖ = maxᵢ xᵢₖ; the gradient goes to the (first) maximal entry."""

    beats = staticmethod(np.greater)
