"""``nn.PReLU(n_output_plane=0)``: y = x for x > 0, a · x otherwise, with learnt slopes a.

One slope per channel (``n_output_plane`` of them), or one shared slope (0, the default).
The channels are dim 1 of any input of 2 or more dims and dim 0 of a vector, exactly as Lua's
(so a non-batch (C, H, W) image is refused, as in Lua: give it a batch dim).
Gradients: ∂L/∂x = g for x > 0, a · g otherwise; ∂L/∂a += scale · Σ_{x ≤ 0} x · g (per channel).
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._settings import array, integer
from ..module import Module


class PReLU(Module):
    """y = x if x > 0 else a · x; ∂L/∂x = g if x > 0 else a · g; ∂L/∂a += Σ_{x ≤ 0} x · g.

    Parameters
    ----------
    n_output_plane : int
        Channels, each with its own slope (along dim 1 of an input of 2+ dims, dim 0 of a
        vector); 0 (default): one slope shared by every element.

    Attributes
    ----------
    weight, grad_weight : numpy.ndarray, shape (n_output_plane,) or (1,)
        The slopes a, 0.25 at construction (Lua has no ``reset`` for PReLU).
    """

    def __init__(self, n_output_plane: int = 0) -> None:
        super().__init__()
        self.n_output_plane = n_output_plane
        self._check_settings()
        self.weight = np.full(max(self.n_output_plane, 1), 0.25)
        self.grad_weight = np.zeros_like(self.weight)
        self.validate()

    def _check_settings(self) -> None:
        self.n_output_plane = integer("nn.PReLU", "n_output_plane", self.n_output_plane, 0)

    def validate(self) -> None:
        """Check ``n_output_plane`` (an int ≥ 0) and the weight: one slope per plane, or one."""
        self._check_settings()
        shape = (max(self.n_output_plane, 1),)
        array("nn.PReLU", "weight", self.weight, shape, shape_is="(n_output_plane or 1,)")
        super().validate()

    def _slopes(self, input: np.ndarray) -> np.ndarray:
        # The weight, shaped to broadcast over the input's channel dim.
        if self.n_output_plane == 0:
            return self.weight[0]
        channel = 1 if input.ndim > 1 else 0
        if input.shape[channel] != self.n_output_plane:
            raise ValueError(
                f"{self._who()}: wrong number of input planes: expected {self.n_output_plane} "
                f"along dim {channel} (dim 1 of any input of 2+ dims, as in Lua), got input of "
                f"shape {input.shape}"
            )
        return self.weight.reshape((-1,) + (1,) * (input.ndim - channel - 1))

    def update_output(self, input: np.ndarray) -> np.ndarray:
        # y = max(x, 0) + a · min(x, 0): exact, one of the two terms is 0.
        self.output = reuse(self.output, input.shape, input.dtype)
        negative = self._buffer("negative", input.shape, input.dtype)
        np.minimum(input, 0, out=negative)
        negative *= self._slopes(input)
        np.maximum(input, 0, out=self.output)
        self.output += negative
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        # The slope m + a · (1 − m), m = [x > 0]: 1 or a exactly.
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        positive = self._buffer("positive", input.shape, input.dtype)
        np.greater(input, 0, out=positive)
        np.subtract(1, positive, out=self.grad_input)
        self.grad_input *= self._slopes(input)
        self.grad_input += positive
        self.grad_input *= grad_output
        return self.grad_input

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        self._slopes(input)  # the channel check
        product = self._buffer("negative", input.shape, input.dtype)
        np.minimum(input, 0, out=product)  # only x ≤ 0 counts
        product *= grad_output
        if self.n_output_plane == 0:
            self.grad_weight[0] += scale * product.sum()
            return
        channel = 1 if input.ndim > 1 else 0
        others = tuple(d for d in range(input.ndim) if d != channel)
        self.grad_weight += scale * product.sum(axis=others)
