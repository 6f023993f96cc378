"""``nn.CSubTable``: the element-wise difference of a pair of tensors.

y = x₀ − x₁; ∂L/∂x₀ = ∂L/∂y, ∂L/∂x₁ = −∂L/∂y.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._tables import reuse_list
from ._inputs import TensorTable, same_shapes


class CSubTable(TensorTable):
    """Element-wise difference of a pair: y = x₀ − x₁; ∂L/∂x₀ = ∂L/∂y, ∂L/∂x₁ = −∂L/∂y."""

    table_size = 2

    def update_output(self, input: list[np.ndarray]) -> np.ndarray:
        a, b = input
        self.output = reuse(self.output, same_shapes(self._who(), input), a.dtype)
        np.subtract(a, b, out=self.output)
        return self.output

    def update_grad_input(self, input: list[np.ndarray], grad_output: np.ndarray) -> list:
        grads = self.grad_input = reuse_list(self.grad_input, 2)
        for index in (0, 1):
            grads[index] = reuse(grads[index], input[index].shape, grad_output.dtype)
        np.copyto(grads[0], grad_output)
        np.negative(grad_output, out=grads[1])
        return grads
