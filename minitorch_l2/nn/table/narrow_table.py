"""``nn.NarrowTable(offset, length=1)``: the entries ``offset … offset + length − 1`` of a table.

y = [x[offset], …, x[offset + length − 1]] (the entries themselves, as Lua); ∂L/∂x holds
∂L/∂y at those places and zeros (in each entry's layout) elsewhere. ``offset`` is 0-based
(Lua's ``nn.NarrowTable(2, 2)`` is ``nn.NarrowTable(1, 2)``); negative counts from the end.
"""

from __future__ import annotations

from .._settings import integer
from .._tables import describe, reuse_list, zeros_like_table
from ..module import Module


class NarrowTable(Module):
    """The sub-table of ``length`` entries from ``offset``: y = x[offset : offset + length].

    ∂L/∂x[offset + i] = ∂L/∂y[i] (the array itself, as Lua passes it), zeros elsewhere.

    Parameters
    ----------
    offset : int
        The 0-based first entry; negative counts from the end (Lua has no negative offset).
    length : int, default 1
        How many entries, at least 1.
    """

    #: The zero gradients of the entries outside the narrow, kept apart from the grad_output
    #: arrays passed through, so that reusing them never writes into a caller's array.
    per_call_attributes = ("_zero_grads",)

    def __init__(self, offset: int, length: int = 1) -> None:
        super().__init__()
        self.offset = offset
        self.length = length
        self.validate()

    def validate(self) -> None:
        """Check ``offset`` (an int) and ``length`` (an int >= 1)."""
        self.offset = integer(self._who(), "offset", self.offset)
        self.length = integer(self._who(), "length", self.length, 1)
        super().validate()

    def _start(self, input: list) -> int:
        if type(input) is not list:
            raise TypeError(f"{self._who()}: expected a table (a list), got {describe(input)}")
        start = self.offset + len(input) if self.offset < 0 else self.offset
        if start < 0 or start + self.length > len(input):
            raise ValueError(
                f"{self._who()}: entries {self.offset} to {self.offset + self.length - 1} "
                f"(offset {self.offset}, length {self.length}) do not fit a table of "
                f"{len(input)} entries (0-based)"
            )
        return start

    def update_output(self, input: list) -> list:
        start = self._start(input)
        out = self.output = reuse_list(self.output, self.length)
        out[:] = input[start : start + self.length]
        return out

    def update_grad_input(self, input: list, grad_output: list) -> list:
        start = self._start(input)
        grads = self.grad_input = reuse_list(self.grad_input, len(input))
        zeros = self._zero_grads = reuse_list(self.__dict__.get("_zero_grads"), len(input))
        for index, item in enumerate(input):
            if start <= index < start + self.length:
                grads[index] = grad_output[index - start]
            else:
                grads[index] = zeros[index] = zeros_like_table(item, zeros[index])
        return grads
