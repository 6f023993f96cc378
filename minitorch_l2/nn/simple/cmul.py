"""``nn.CMul(*size)``: y = x ⊙ w, a learnt weight of ``size`` broadcast over the input.

Gradients (w laid over x as Lua does, see ``_broadcast.py``): ∂L/∂x = g ⊙ w,
∂L/∂w += scale · Σ (x ⊙ g) over the dims w is broadcast along.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._settings import array, int_tuple
from ..module import Module
from ._broadcast import broadcast_axes, layout
from ._lua_uniform import lua_uniform


class CMul(Module):
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

    def __init__(self, *size: int) -> None:
        super().__init__()
        if len(size) == 1 and isinstance(size[0], tuple | list):
            size = tuple(size[0])
        self.size = size
        self._check_settings()
        self.weight = np.empty(self.size)
        self.grad_weight = np.zeros(self.size)
        self.validate()
        self.reset()

    def _check_settings(self) -> None:
        self.size = int_tuple("nn.CMul", "size", self.size, minimum=1)
        if not self.size:
            raise ValueError("nn.CMul: expected at least one size, got none")

    def validate(self) -> None:
        """Check the size (ints ≥ 1) and the weight's shape, ``size``."""
        self._check_settings()
        array("nn.CMul", "weight", self.weight, self.size, shape_is="size")
        super().validate()

    def reset(self, stdv: float | None = None) -> CMul:
        """Draw w from U(−a, a): a = stdv·√3, or 1/√w.size by default (Lua's); returns self.

        Parameters
        ----------
        stdv : float, optional
            The standard deviation of the uniform draw.
        """
        lua_uniform(self._who(), stdv, self.weight.size, self.weight)
        return self

    def update_output(self, input: np.ndarray) -> np.ndarray:
        seen, shape = layout(self._who(), "weight", input.shape, self.weight.shape)
        self.output = reuse(self.output, input.shape, input.dtype)
        np.multiply(input.reshape(seen), self.weight.reshape(shape), out=self.output.reshape(seen))
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        seen, shape = layout(self._who(), "weight", input.shape, self.weight.shape)
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        np.multiply(
            grad_output.reshape(seen), self.weight.reshape(shape), out=self.grad_input.reshape(seen)
        )
        return self.grad_input

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        seen, shape = layout(self._who(), "weight", input.shape, self.weight.shape)
        product = self._buffer("product", seen, input.dtype)
        np.multiply(input.reshape(seen), grad_output.reshape(seen), out=product)
        total = product.sum(axis=broadcast_axes(seen, shape), keepdims=True)
        self.grad_weight += scale * total.reshape(self.weight.shape)
