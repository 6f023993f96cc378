"""The element-wise maximum or minimum of a table of tensors (``CMaxTable``, ``CMinTable``).

yₖ = xᵢₖ for the i that wins at element k (the first one on ties, as Lua); ∂L/∂xᵢ is ∂L/∂y
where xᵢ won and 0 elsewhere.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._tables import reuse_list
from ._inputs import TensorTable, same_shapes


class Extremum(TensorTable):
    """y = the element-wise winner of the table's tensors: ``beats`` compares, ``pick`` keeps.

    The winner is tracked by arithmetic (index · mask, then a maximum), not by masked writes,
    which cost several times more on a random mask. A NaN propagates to y (Lua drops a NaN met
    after the first entry).
    """

    beats = staticmethod(np.greater)
    pick = staticmethod(np.maximum)

    def update_output(self, input: list[np.ndarray]) -> np.ndarray:
        first = input[0]
        shape = same_shapes(self._who(), input)
        self.output = reuse(self.output, shape, first.dtype)
        np.copyto(self.output, first)
        winner = self._buffer("winner", shape, np.dtype(np.intp))
        winner.fill(0)
        mask = self._buffer("mask", shape, np.dtype(np.bool_))
        step = self._buffer("step", shape, np.dtype(np.intp))
        for index, item in enumerate(input[1:], start=1):
            self.beats(item, self.output, out=mask)  # strictly: ties stay with the first
            np.copyto(step, mask)  # a copy casts without the ufunc's buffer a product needs
            step *= index
            np.maximum(winner, step, out=winner)  # later entries have larger indices
            self.pick(self.output, item, out=self.output)
        return self.output

    def update_grad_input(self, input: list[np.ndarray], grad_output: np.ndarray) -> list:
        winner = self._buffer("winner", grad_output.shape, np.dtype(np.intp))
        mask = self._buffer("mask", grad_output.shape, np.dtype(np.bool_))
        grads = self.grad_input = reuse_list(self.grad_input, len(input))
        for index, item in enumerate(input):
            grad = grads[index] = reuse(grads[index], item.shape, grad_output.dtype)
            np.equal(winner, index, out=mask)
            np.copyto(grad, mask)  # 1 where entry index won, else 0
            grad *= grad_output
        return grads
