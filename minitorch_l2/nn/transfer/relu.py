"""``nn.ReLU(inplace=False)``: y = max(x, 0), with ∂y/∂x = 1 where x > 0 and 0 elsewhere.

Torch's ``Threshold(0, 0)``: at x = 0 the gradient is 0 (the threshold test is strict: x > 0).
In place (Lua's ``nn.ReLU(true)``), forward overwrites the input and backward ``grad_output``;
the overwritten input is 0 exactly where x ≤ 0, so the gradient's mask is unchanged.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._in_place import writable
from .._settings import boolean
from ..module import Module


class ReLU(Module):
    """Element-wise rectified linear unit: y = max(x, 0).

    ∂L/∂x = ∂L/∂y where x > 0 and 0 elsewhere, x = 0 included (Torch's strict threshold).

    Parameters
    ----------
    inplace : bool
        Write into the input, and in backward into ``grad_output`` (Lua's ``nn.ReLU(true)``;
        default False).
    """

    #: Files from before the flag existed hold none: they read as False.
    inplace: bool = False

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace
        self.validate()

    def validate(self) -> None:
        """Check ``inplace``: True or False (files from before it existed: False)."""
        self.inplace = boolean("nn.ReLU", "inplace", self.inplace)
        super().validate()

    def update_output(self, input: np.ndarray) -> np.ndarray:
        if self.inplace:
            self.output = writable(self._who(), input)
        else:
            self.output = reuse(self.output, input.shape, input.dtype)
        np.maximum(input, 0, out=self.output)
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        if self.inplace:
            # grad_output · [x > 0], into grad_output itself; input (now y) is > 0 where x was.
            mask = np.greater(input, 0, out=self._buffer("mask", input.shape, input.dtype))
            self.grad_input = writable(self._who(), grad_output, "grad_output")
            self.grad_input *= mask
            return self.grad_input
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        # grad_input = grad_output · [x > 0]: the 0/1 mask is written into the buffer, then scaled.
        np.greater(input, 0, out=self.grad_input)
        self.grad_input *= grad_output
        return self.grad_input
