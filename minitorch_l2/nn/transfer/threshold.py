"""``nn.Threshold(th=1e-6, v=0, inplace=False)``: y = x where x > th, else v.

∂L/∂x = g where x > th, 0 elsewhere (x = th included). In place, forward overwrites the input
and backward ``grad_output`` (which needs v ≤ th, so the overwritten input still says where
x was ≤ th).
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._in_place import writable
from .._settings import boolean, real
from ..module import Module


class Threshold(Module):
    """y = x if x > th else v; ∂L/∂x = g where x > th, else 0.

    Parameters
    ----------
    th : float
        The threshold (default 1e-6, as Lua's).
    v : float
        The value given to entries ≤ th (default 0).
    inplace : bool
        Write into the input, and in backward into ``grad_output`` (default False); needs
        v ≤ th.
    """

    def __init__(self, th: float = 1e-6, v: float = 0.0, inplace: bool = False) -> None:
        super().__init__()
        self.threshold = th
        self.val = v
        self.inplace = inplace
        self.validate()

    def validate(self) -> None:
        """Check ``th`` and ``v`` (finite numbers), ``inplace``, and v ≤ th in place."""
        self.threshold = real("nn.Threshold", "threshold", self.threshold)
        self.val = real("nn.Threshold", "val", self.val)
        self.inplace = boolean("nn.Threshold", "inplace", self.inplace)
        if self.inplace and self.val > self.threshold:
            raise ValueError(
                f"nn.Threshold: in-place processing requires value ({self.val:g}) not exceed "
                f"threshold ({self.threshold:g})"
            )
        super().validate()

    def update_output(self, input: np.ndarray) -> np.ndarray:
        # y = max(x, th)·m + v·(1 − m), m = [x > th]: exact, one term is 0 (no branchy mask).
        above = self._buffer("above", input.shape, input.dtype)
        below = self._buffer("below", input.shape, input.dtype)
        np.greater(input, self.threshold, out=above)
        np.subtract(1, above, out=below)
        below *= self.val
        if self.inplace:
            self.output = writable(self._who(), input)
        else:
            self.output = reuse(self.output, input.shape, input.dtype)
        np.maximum(input, self.threshold, out=self.output)
        self.output *= above
        self.output += below
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        above = self._buffer("above", input.shape, input.dtype)
        np.greater(input, self.threshold, out=above)  # in place, x ≤ th still reads as ≤ th
        if self.inplace:
            self.grad_input = writable(self._who(), grad_output, "grad_output")
            self.grad_input *= above
        else:
            self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
            np.multiply(grad_output, above, out=self.grad_input)
        return self.grad_input

    def __tostring__(self) -> str:
        return "nn.Threshold"
