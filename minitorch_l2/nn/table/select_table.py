"""``nn.SelectTable(index)``: one entry of a table (itself a tensor or a table).

y = x[index]; ∂L/∂x is a table of x's layout, zero everywhere but at ``index``, where it holds
∂L/∂y. ``index`` is 0-based (Lua's ``nn.SelectTable(1)`` is ``nn.SelectTable(0)``); negative
counts from the end (``-1`` is the last entry, as in Lua).
"""

from __future__ import annotations

from .._settings import integer
from .._table_sums import copy_into
from .._tables import describe, reuse_list, zeros_like_table
from ..module import Module


class SelectTable(Module):
    """Select entry ``index`` of a table: y = x[index], the entry itself (no copy, as Lua).

    ∂L/∂x[index] = ∂L/∂y (copied into a reused buffer), ∂L/∂x[j] = 0 for every other j, in the
    layout of x[j] (nested tables too).

    Parameters
    ----------
    index : int
        The 0-based entry; negative counts from the end.
    """

    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index
        self.validate()

    def validate(self) -> None:
        """Check ``index`` (an int)."""
        self.index = integer(self._who(), "index", self.index)
        super().validate()

    def _position(self, input: list) -> int:
        if type(input) is not list:
            raise TypeError(f"{self._who()}: expected a table (a list), got {describe(input)}")
        if not -len(input) <= self.index < len(input):
            raise ValueError(
                f"{self._who()}: index {self.index} is out of range for a table of "
                f"{len(input)} entries (0-based; negative counts from the end)"
            )
        return self.index % len(input)

    def update_output(self, input: list) -> object:
        self.output = input[self._position(input)]
        return self.output

    def update_grad_input(self, input: list, grad_output: object) -> list:
        position = self._position(input)
        grads = self.grad_input = reuse_list(self.grad_input, len(input))
        for index, item in enumerate(input):
            if index == position:
                grads[index] = copy_into(grads[index], grad_output)
            else:
                grads[index] = zeros_like_table(item, grads[index])
        return grads

    def __tostring__(self) -> str:
        return f"nn.SelectTable({self.index})"
