"""``nn.Add(input_size, scalar=False)``: y = x + b, a learnt bias per feature (or one scalar).

Gradients: ∂L/∂x = g; ∂L/∂b += scale · g for a sample, scale · Σₙ g for a batch, and
scale · Σ g (every element) for the scalar bias.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._settings import array, boolean, integer
from ..module import Module
from ._lua_uniform import lua_uniform


class Add(Module):
    """y = x + b: b of shape (input_size,) added to each sample, or one scalar b.

    An input of b's shape is one sample; any other is a batch, seen as (n, input_size).
    ∂L/∂x = g; ∂L/∂b += scale · (g, or Σₙ g for a batch, or Σ g for a scalar).

    Parameters
    ----------
    input_size : int
        Features of a sample (the elements of a sample, for a batch of any shape).
    scalar : bool
        One bias for every element, b of shape (1,) (default False).

    Attributes
    ----------
    bias, grad_bias : numpy.ndarray, shape (input_size,) or (1,)
        b drawn from U(−1/√b.size, 1/√b.size) by :meth:`reset`.
    """

    def __init__(self, input_size: int, scalar: bool = False) -> None:
        super().__init__()
        self.input_size = input_size
        self.scalar = scalar
        self._check_settings()
        size = 1 if self.scalar else self.input_size
        self.bias = np.empty(size)
        self.grad_bias = np.zeros(size)
        self.validate()
        self.reset()

    def _check_settings(self) -> None:
        self.input_size = integer("nn.Add", "input_size", self.input_size, minimum=1)
        self.scalar = boolean("nn.Add", "scalar", self.scalar)

    def validate(self) -> None:
        """Check ``input_size`` ≥ 1, ``scalar`` (a bool) and the bias: (1,) or (input_size,)."""
        self._check_settings()
        shape = (1,) if self.scalar else (self.input_size,)
        array("nn.Add", "bias", self.bias, shape, shape_is="(1,) if scalar else (input_size,)")
        super().validate()

    def reset(self, stdv: float | None = None) -> Add:
        """Draw b from U(−a, a): a = stdv·√3, or 1/√b.size by default (Lua's); returns self.

        Parameters
        ----------
        stdv : float, optional
            The standard deviation of the uniform draw.
        """
        lua_uniform(self._who(), stdv, self.bias.size, self.bias)
        return self

    def _rows(self, array: np.ndarray) -> np.ndarray:
        # A batch seen as (n, input_size), Lua's view(batchSize, -1).
        if array.ndim == 0 or array.size != array.shape[0] * self.bias.size:
            raise ValueError(
                f"{self._who()}: expected an input of shape ({self.bias.size},) or a batch of "
                f"{self.bias.size} elements per sample, got {array.shape}"
            )
        return array.reshape(array.shape[0], self.bias.size)

    def update_output(self, input: np.ndarray) -> np.ndarray:
        self.output = reuse(self.output, input.shape, input.dtype)
        if self.scalar:
            np.add(input, self.bias[0], out=self.output)
        elif input.shape == self.bias.shape:
            np.add(input, self.bias, out=self.output)
        else:
            np.add(self._rows(input), self.bias, out=self._rows(self.output))
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        np.copyto(self.grad_input, grad_output)
        return self.grad_input

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        if self.bias.size == 1:
            self.grad_bias[0] += scale * grad_output.sum()
        elif input.shape == self.bias.shape:
            self.grad_bias += scale * grad_output
        else:
            self.grad_bias += scale * self._rows(grad_output).sum(axis=0)
