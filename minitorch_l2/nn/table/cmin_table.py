"""``nn.CMinTable``: the element-wise minimum of a table of tensors.

yₖ = minᵢ xᵢₖ; ∂L/∂xᵢₖ = ∂L/∂yₖ where xᵢ holds the minimum (the first such i on ties), else 0.
"""

from __future__ import annotations

import numpy as np

from ._extremum import Extremum


class CMinTable(Extremum):
    """Element-wise minimum: yₖ = minᵢ xᵢₖ; the gradient goes to the (first) minimal entry."""

    beats = staticmethod(np.less)
    pick = staticmethod(np.minimum)
