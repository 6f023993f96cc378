"""``nn.CMul(*size)``: y = x ⊙ w, a learnt weight of ``size`` broadcast over the input.

Gradients (w laid over x as Lua does, see ``_broadcast.py``): ∂L/∂x = g ⊙ w,
∂L/∂w += scale · Σ (x ⊙ g) over the dims w is broadcast along.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from ._broadcast import BroadcastParameter, broadcast_axes


class CMul(BroadcastParameter):
    """Element-wise product with a learnt weight: y = x ⊙ w; ∂L/∂x = g ⊙ w.

    w fits the input as in Lua: the same number of elements; the same dims with 1 where w is
    broadcast (``CMul(1, 4)`` on (3, 4)); or a batch, (n, *size). ∂L/∂w += scale · Σ x ⊙ g
    over the broadcast dims.

    Parameters
    ----------
    *size : int
        The weight's shape (a single tuple works too, as Lua's ``LongStorage``).

    Attributes
    ----------
    weight, grad_weight : numpy.ndarray, shape ``size``
        w drawn from U(−1/√w.size, 1/√w.size) by :meth:`reset`.
    """

    parameter = "weight"

    def update_output(self, input: np.ndarray) -> np.ndarray:
        seen, shape = self._layout(input)
        self.output = reuse(self.output, input.shape, input.dtype)
        np.multiply(input.reshape(seen), self.weight.reshape(shape), out=self.output.reshape(seen))
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        seen, shape = self._layout(input)
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        np.multiply(
            grad_output.reshape(seen), self.weight.reshape(shape), out=self.grad_input.reshape(seen)
        )
        return self.grad_input

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        seen, shape = self._layout(input)
        product = self._buffer("product", seen, input.dtype)
        np.multiply(input.reshape(seen), grad_output.reshape(seen), out=product)
        total = product.sum(axis=broadcast_axes(seen, shape), keepdims=True)
        self.grad_weight += scale * total.reshape(self.weight.shape)
