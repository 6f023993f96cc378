"""``nn.CAdd(*size)``: y = x + b, a learnt bias of ``size`` broadcast over the input.

Gradients (b laid over x as Lua does, see ``_broadcast.py``): ∂L/∂x = g,
∂L/∂b += scale · Σ g over the dims b is broadcast along.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from ._broadcast import BroadcastParameter, broadcast_axes


class CAdd(BroadcastParameter):
    """Element-wise sum with a learnt bias: y = x + b; ∂L/∂x = g, ∂L/∂b += scale · Σ g.

    b fits the input as in Lua: the same number of elements; the same dims with 1 where b is
    broadcast; or a batch, (n, *size).

    Parameters
    ----------
    *size : int
        The bias's shape (a single tuple works too, as Lua's ``LongStorage``).

    Attributes
    ----------
    bias, grad_bias : numpy.ndarray, shape ``size``
        b drawn from U(−1/√b.size, 1/√b.size) by :meth:`reset`.
    """

    parameter = "bias"

    def update_output(self, input: np.ndarray) -> np.ndarray:
        seen, shape = self._layout(input)
        self.output = reuse(self.output, input.shape, input.dtype)
        np.add(input.reshape(seen), self.bias.reshape(shape), out=self.output.reshape(seen))
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        np.copyto(self.grad_input, grad_output)
        return self.grad_input

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        seen, shape = self._layout(input)
        total = grad_output.reshape(seen).sum(axis=broadcast_axes(seen, shape), keepdims=True)
        self.grad_bias += scale * total.reshape(self.bias.shape)
