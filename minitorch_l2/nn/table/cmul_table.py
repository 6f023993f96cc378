"""``nn.CMulTable``: the element-wise product of a table of tensors.

y = Πᵢ xᵢ (every xᵢ of one shape); ∂L/∂xᵢ = ∂L/∂y · Π_{j≠i} xⱼ (the product of the others,
formed directly, never as y / xᵢ, which fails where xᵢ = 0).
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._tables import reuse_list
from ._inputs import TensorTable, same_shapes


class CMulTable(TensorTable):
    """Element-wise product of the tensors of a table: y = x₀ ⊙ x₁ ⊙ …

    ∂L/∂xᵢ = ∂L/∂y ⊙ Π_{j≠i} xⱼ, multiplied in Lua's order (j = 0, 1, …).
    """

    def update_output(self, input: list[np.ndarray]) -> np.ndarray:
        first = input[0]
        self.output = reuse(self.output, same_shapes(self._who(), input), first.dtype)
        np.copyto(self.output, first)
        for item in input[1:]:
            np.multiply(self.output, item, out=self.output)
        return self.output

    def update_grad_input(self, input: list[np.ndarray], grad_output: np.ndarray) -> list:
        grads = self.grad_input = reuse_list(self.grad_input, len(input))
        for index, item in enumerate(input):
            grad = grads[index] = reuse(grads[index], item.shape, grad_output.dtype)
            np.copyto(grad, grad_output)
            for other, factor in enumerate(input):
                if other != index:
                    np.multiply(grad, factor, out=grad)
        return grads
