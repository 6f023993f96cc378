"""``nn.Linear``: the affine map y = x Wᵀ + b.

Shapes: W (output_size, input_size), b (output_size,), x (input_size,) or (n, input_size).
Gradients (batch form, G = ∂L/∂y of shape (n, output_size)):
    ∂L/∂x = G W,     ∂L/∂W += scale · Gᵀ x,     ∂L/∂b += scale · Σₙ G.
"""

from __future__ import annotations

import math

import numpy as np

from .._random import generator
from ._checks import check_feature_input, reuse
from .module import Module


class Linear(Module):
    """Fully connected layer ``y = x @ weight.T + bias`` (Torch's ``nn.Linear``)."""

    def __init__(self, input_size: int, output_size: int, bias: bool = True) -> None:
        super().__init__()
        for name, value in (("input_size", input_size), ("output_size", output_size)):
            if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
                raise ValueError(f"nn.Linear: {name} must be a positive int, got {value!r}")
        self.input_size = int(input_size)
        self.output_size = int(output_size)
        self.weight = np.empty((self.output_size, self.input_size))
        self.grad_weight = np.zeros_like(self.weight)
        self.bias = np.empty(self.output_size) if bias else None
        self.grad_bias = np.zeros(self.output_size) if bias else None
        self.reset()

    def reset(self, stdv: float | None = None) -> Linear:
        """Draw weight and bias from U(−stdv, stdv); default stdv = 1/√input_size (Torch's)."""
        if stdv is None:
            stdv = 1.0 / math.sqrt(self.input_size)
        rng = generator()
        # Written in place so views made by get_parameters() stay valid.
        self.weight[...] = rng.uniform(-stdv, stdv, self.weight.shape)
        if self.bias is not None:
            self.bias[...] = rng.uniform(-stdv, stdv, self.bias.shape)
        return self

    def no_bias(self) -> Linear:
        """Drop the bias: y = x Wᵀ."""
        self.bias = None
        self.grad_bias = None
        self.__dict__.pop("_flat", None)
        return self

    noBias = no_bias

    def update_output(self, input: np.ndarray) -> np.ndarray:
        check_feature_input(self._who(), input, self.input_size)
        self.output = reuse(self.output, input.shape[:-1] + (self.output_size,), self.weight.dtype)
        # x Wᵀ for a batch; W x for a single vector. BLAS writes straight into the buffer.
        np.matmul(input, self.weight.T, out=self.output)
        if self.bias is not None:
            self.output += self.bias
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        self.grad_input = reuse(self.grad_input, input.shape, self.weight.dtype)
        np.matmul(grad_output, self.weight, out=self.grad_input)  # ∂L/∂x = G W
        return self.grad_input

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        step = self._buffer("weight_step", self.weight.shape, self.weight.dtype)
        if input.ndim == 1:
            np.multiply.outer(grad_output, input, out=step)  # g xᵀ
        else:
            np.matmul(grad_output.T, input, out=step)  # Gᵀ x
        if scale != 1:
            step *= scale
        self.grad_weight += step
        if self.bias is not None:
            bias_step = self._buffer("bias_step", self.bias.shape, self.bias.dtype)
            if input.ndim == 1:
                np.copyto(bias_step, grad_output)
            else:
                np.sum(grad_output, axis=0, out=bias_step)  # Σₙ G
            if scale != 1:
                bias_step *= scale
            self.grad_bias += bias_step

    def _who(self) -> str:
        return repr(self)

    def __tostring__(self) -> str:
        suffix = "" if self.bias is not None else " without bias"
        return f"nn.Linear({self.input_size} -> {self.output_size}){suffix}"
