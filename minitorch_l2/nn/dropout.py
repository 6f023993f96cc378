"""``nn.Dropout(p)``: while training, zero each element with probability p and scale the rest.

Inverted dropout, Torch's default: y = x ⊙ m with mᵢ = Bernoulli(1 − p) / (1 − p), so E[y] = x
and evaluation needs no rescaling. Gradient: ∂L/∂x = g ⊙ m (the same mask). In evaluation mode
(``module.evaluate()``) y = x and ∂L/∂x = g. Masks come from :func:`minitorch_l2.generator`,
so ``minitorch_l2.manual_seed`` makes them repeatable.
"""

from __future__ import annotations

import numbers

import numpy as np

from .._random import generator
from ._checks import reuse
from .module import Module


class Dropout(Module):
    """Randomly zero elements with probability ``p`` ∈ [0, 1) while ``train`` is True."""

    def __init__(self, p: float = 0.5) -> None:
        super().__init__()
        if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0 <= p < 1:
            raise ValueError(f"nn.Dropout: p must be a number in [0, 1), got {p!r}")
        self.p = float(p)

    def update_output(self, input: np.ndarray) -> np.ndarray:
        self.output = reuse(self.output, input.shape, input.dtype)
        if not self.train:
            np.copyto(self.output, input)
            return self.output
        mask = self._buffer("mask", input.shape, input.dtype)
        # u ~ U[0, 1) is kept with probability P(u ≥ p) = 1 − p; kept ones are scaled by 1/(1 − p).
        generator().random(out=mask, dtype=input.dtype)
        np.greater_equal(mask, self.p, out=mask)
        mask *= 1 / (1 - self.p)
        np.multiply(input, mask, out=self.output)
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        if not self.train:
            np.copyto(self.grad_input, grad_output)
            return self.grad_input
        mask = self.__dict__.get("_buffers", {}).get("mask")
        if mask is None or mask.shape != input.shape or mask.dtype != input.dtype:
            raise RuntimeError(
                f"{self._who()}: backward needs the mask of a training forward on an input of "
                f"shape {input.shape} and dtype {input.dtype}; call forward first"
            )
        np.multiply(grad_output, mask, out=self.grad_input)
        return self.grad_input

    def __tostring__(self) -> str:
        return f"nn.Dropout({self.p:g})"
