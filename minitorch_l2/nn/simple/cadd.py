"""``nn.CAdd(*size)``: y = x + b, a learnt bias of ``size`` broadcast over the input.

Gradients (b laid over x as Lua does, see ``_broadcast.py``): ∂L/∂x = g,
∂L/∂b += scale · Σ g over the dims b is broadcast along.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._settings import array, int_tuple
from ..module import Module
from ._broadcast import broadcast_axes, layout
from ._lua_uniform import lua_uniform


class CAdd(Module):
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

    def __init__(self, *size: int) -> None:
        super().__init__()
        if len(size) == 1 and isinstance(size[0], tuple | list):
            size = tuple(size[0])
        self.size = size
        self._check_settings()
        self.bias = np.empty(self.size)
        self.grad_bias = np.zeros(self.size)
        self.validate()
        self.reset()

    def _check_settings(self) -> None:
        self.size = int_tuple("nn.CAdd", "size", self.size, minimum=1)
        if not self.size:
            raise ValueError("nn.CAdd: expected at least one size, got none")

    def validate(self) -> None:
        """Check the size (ints ≥ 1) and the bias's shape, ``size``."""
        self._check_settings()
        array("nn.CAdd", "bias", self.bias, self.size, shape_is="size")
        super().validate()

    def reset(self, stdv: float | None = None) -> CAdd:
        """Draw b from U(−a, a): a = stdv·√3, or 1/√b.size by default (Lua's); returns self.

        Parameters
        ----------
        stdv : float, optional
            The standard deviation of the uniform draw.
        """
        lua_uniform(self._who(), stdv, self.bias.size, self.bias)
        return self

    def update_output(self, input: np.ndarray) -> np.ndarray:
        seen, shape = layout(self._who(), "bias", input.shape, self.bias.shape)
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
        seen, shape = layout(self._who(), "bias", input.shape, self.bias.shape)
        total = grad_output.reshape(seen).sum(axis=broadcast_axes(seen, shape), keepdims=True)
        self.grad_bias += scale * total.reshape(self.bias.shape)
