"""The ``(margin, sizeAverage)`` constructor of Lua's hinge criteria, with its check.

HingeEmbedding, L1HingeEmbedding, Margin and MarginRanking take a margin (default 1) and Lua's
``sizeAverage``; each keeps its formula.
"""

from __future__ import annotations

from .._settings import real
from .criterion import Criterion


class MarginSetting(Criterion):
    """A criterion of one finite ``margin`` and ``size_average`` (internal).

    Parameters
    ----------
    margin : float, default 1
        The criterion's margin.
    size_average : bool, default True
        Average the loss (True) or sum it (Lua's ``sizeAverage``).
    """

    def __init__(self, margin: float = 1.0, size_average: bool = True) -> None:
        super().__init__(size_average)
        self.margin = margin
        self.validate()

    def validate(self) -> None:
        """Check ``margin`` (a finite real) and ``size_average`` (a bool)."""
        self.margin = real(self._who(), "margin", self.margin)
        super().validate()
