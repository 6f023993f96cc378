"""``nn.CDivTable``: the element-wise quotient of a pair of tensors.

y = x₀ / x₁; ∂L/∂x₀ = ∂L/∂y / x₁, ∂L/∂x₁ = −(∂L/∂y / x₁) / x₁ · x₀ (Lua's order of operations).
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._tables import reuse_list
from ._inputs import TensorTable, same_shapes


class CDivTable(TensorTable):
    """Element-wise quotient of a pair: y = x₀ / x₁.

    ∂L/∂x₀ = ∂L/∂y / x₁ and ∂L/∂x₁ = −∂L/∂x₀ / x₁ · x₀. A zero in x₁ gives ±inf or NaN, with
    NumPy's divide-by-zero warning, as IEEE arithmetic (and Lua) does.
    """

    table_size = 2

    def update_output(self, input: list[np.ndarray]) -> np.ndarray:
        a, b = input
        self.output = reuse(self.output, same_shapes(self._who(), input), a.dtype)
        np.divide(a, b, out=self.output)
        return self.output

    def update_grad_input(self, input: list[np.ndarray], grad_output: np.ndarray) -> list:
        a, b = input
        grads = self.grad_input = reuse_list(self.grad_input, 2)
        for index in (0, 1):
            grads[index] = reuse(grads[index], input[index].shape, grad_output.dtype)
        np.divide(grad_output, b, out=grads[0])
        np.divide(grads[0], b, out=grads[1])
        np.negative(grads[1], out=grads[1])
        np.multiply(grads[1], a, out=grads[1])
        return grads
