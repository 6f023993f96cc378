"""``nn.Clamp(min_value, max_value)``: y = min(max(x, min_value), max_value), as ``HardTanh``.

∂L/∂x = g strictly inside (min_value, max_value), 0 at and beyond the bounds. Lua's ``Clamp`` is
``HardTanh`` with its bounds given (and no in-place flag); so is this one.
"""

from __future__ import annotations

from ..transfer.hard_tanh import HardTanh


class Clamp(HardTanh):
    """y = x clipped to [min_value, max_value]; ∂L/∂x = g strictly inside, 0 elsewhere.

    Parameters
    ----------
    min_value : float
        The lower bound.
    max_value : float
        The upper bound, greater than ``min_value``.
    """

    def __init__(self, min_value: float, max_value: float) -> None:
        super().__init__(min_value, max_value)
