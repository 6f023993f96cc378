"""``nn.Identity``: y = x and ∂L/∂x = ∂L/∂y, passed through without a copy (as Torch does)."""

from __future__ import annotations

import numpy as np

from ..module import Module


class Identity(Module):
    """Return the input itself; ``grad_input`` is ``grad_output`` itself.

    y = x and ∂L/∂x = ∂L/∂y. No copy is made: ``output is input``, exactly as Torch's
    ``self.output = input``.
    """

    takes_table = True
    aliases_input = True

    def update_output(self, input: np.ndarray) -> np.ndarray:
        self.output = input
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        self.grad_input = grad_output
        return self.grad_input
