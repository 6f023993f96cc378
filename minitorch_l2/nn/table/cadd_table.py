"""``nn.CAddTable(inplace=False)``: the element-wise sum of a table of tensors.

y = Σᵢ xᵢ (every xᵢ of one shape); ∂L/∂xᵢ = ∂L/∂y for every i.
"""

from __future__ import annotations

import numpy as np

from .._settings import boolean
from .._tables import reuse_list
from ..module import Module
from ._inputs import same_shapes, tensors


class CAddTable(Module):
    """Element-wise sum of the tensors of a table: y = x₀ + x₁ + …; ∂L/∂xᵢ = ∂L/∂y.

    Parameters
    ----------
    inplace : bool, default False
        As Lua's ``ip``: add into x₀ itself (``output is input[0]``, which is overwritten) and
        give every entry of ``grad_input`` the ``grad_output`` array itself, with no copies.
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace
        self.validate()

    def validate(self) -> None:
        """Check ``inplace`` (a bool)."""
        self.inplace = boolean(self._who(), "inplace", self.inplace)
        super().validate()

    def update_output(self, input: list[np.ndarray]) -> np.ndarray:
        first = tensors(self._who(), input)[0]
        shape = same_shapes(self._who(), input)
        if self.inplace:
            out = first
        else:
            out = self._buffer("sum", shape, first.dtype)
            np.copyto(out, first)
        for item in input[1:]:
            np.add(out, item, out=out)
        self.output = out
        return out

    def update_grad_input(self, input: list[np.ndarray], grad_output: np.ndarray) -> list:
        grads = self.grad_input = reuse_list(self.grad_input, len(input))
        for index, item in enumerate(input):
            if self.inplace:
                grads[index] = grad_output
            else:
                grads[index] = self._buffer(f"grad_{index}", item.shape, grad_output.dtype)
                np.copyto(grads[index], grad_output)
        return grads
