"""y = x ⊙ g: the test layer with one weight-like vector, written once for every test using it.

:class:`Gain` keeps g (``gain``) and its gradient (``grad_gain``) without declaring them (its
``parameter_names`` is Module's, weight and bias): the gradient checker reports it as
unchecked. :class:`LuaGain` declares them the Lua way, by overriding ``parameters()``. A
``factor`` other than 1 plants a bug in the gain's gradient.
"""

from __future__ import annotations

import numpy as np

from minitorch_l2 import nn


class Gain(nn.Module):
    """y = x ⊙ g; ∂L/∂x = g ⊙ ∂L/∂y; ∂L/∂g = factor · Σ_rows x ⊙ ∂L/∂y (right for factor 1)."""

    def __init__(self, size: int, factor: float = 1.0) -> None:
        super().__init__()
        self.gain = np.linspace(0.5, 1.5, size)
        self.grad_gain = np.zeros(size)
        self.running_mean = np.zeros(size)  # state without a gradient: not weight-like
        self.factor = factor

    def update_output(self, input):
        self.output = input * self.gain
        return self.output

    def update_grad_input(self, input, grad_output):
        self.grad_input = grad_output * self.gain
        return self.grad_input

    def acc_grad_parameters(self, input, grad_output, scale=1.0):
        step = (grad_output * input).reshape(-1, self.gain.size).sum(axis=0)
        self.grad_gain += self.factor * scale * step


class LuaGain(Gain):
    """:class:`Gain` declaring g as a parameter the Lua way: ``parameters()`` returns it."""

    def parameters(self):
        return [self.gain], [self.grad_gain]
