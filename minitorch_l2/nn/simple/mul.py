"""``nn.Mul()``: y = w · x with one learnt scalar w.

Gradients: ∂L/∂x = w · g, ∂L/∂w += scale · Σ x ⊙ g (one dot product).
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._settings import array
from ..module import Module
from ._lua_uniform import lua_uniform


class Mul(Module):
    """y = w · x with a learnt scalar w (``weight``, shape (1,)); ∂L/∂x = w · g.

    ∂L/∂w += scale · ⟨x, g⟩. The constructor takes no arguments, as Lua's.

    Attributes
    ----------
    weight, grad_weight : numpy.ndarray, shape (1,)
        w drawn from U(−1, 1) by :meth:`reset`.
    """

    def __init__(self) -> None:
        super().__init__()
        self.weight = np.empty(1)
        self.grad_weight = np.zeros(1)
        self.validate()
        self.reset()

    def validate(self) -> None:
        """Check the weight: one number, shape (1,)."""
        array("nn.Mul", "weight", self.weight, (1,))
        super().validate()

    def reset(self, stdv: float | None = None) -> Mul:
        """Draw w from U(−a, a): a = stdv·√3, or 1 by default (Lua's 1/√1); returns self.

        Parameters
        ----------
        stdv : float, optional
            The standard deviation of the uniform draw.
        """
        lua_uniform(self._who(), stdv, self.weight.size, self.weight)
        return self

    def update_output(self, input: np.ndarray) -> np.ndarray:
        self.output = reuse(self.output, input.shape, input.dtype)
        np.multiply(input, self.weight[0], out=self.output)
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        np.multiply(grad_output, self.weight[0], out=self.grad_input)
        return self.grad_input

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        self.grad_weight[0] += scale * np.vdot(input, grad_output)
