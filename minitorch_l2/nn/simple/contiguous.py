"""``nn.Contiguous``: y = x, made C-contiguous (copied only when it is not already).

∂L/∂x = g, made contiguous the same way. A contiguous array passes through as itself, as
Lua's ``self.output:set(input)``; a copy goes into the layer's own buffer, never into an array
it was given before.
"""

from __future__ import annotations

import numpy as np

from ..module import Module


class Contiguous(Module):
    """y = x in C order: x itself when contiguous, else a copy in a reused buffer; ∂L/∂x = g."""

    aliases_input = True

    def _contiguous(self, array: np.ndarray, name: str) -> np.ndarray:
        if array.flags.c_contiguous:
            return array
        copy = self._buffer(name, array.shape, array.dtype)
        np.copyto(copy, array)
        return copy

    def update_output(self, input: np.ndarray) -> np.ndarray:
        self.output = self._contiguous(input, "output")
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        self.grad_input = self._contiguous(grad_output, "grad_input")
        return self.grad_input
