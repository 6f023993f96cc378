"""``nn.SpatialDropout(p)``: drop whole feature planes, as Lua's SpatialDropout does.

Training: y[n, c] = m[n, c] · x[n, c] with one mask value per plane, m[n, c] ~ Bernoulli(1 − p)
(neighbouring pixels of a plane are correlated, so dropping them one by one would not drop the
feature). Lua does *not* rescale while training; instead evaluation scales the output:
y = (1 − p) · x (``nn.Dropout`` does the opposite: inverted dropout, identity in evaluation).
Gradients follow the last forward: ∂L/∂x = m · ∂L/∂y after a training forward, (1 − p) · ∂L/∂y
after an evaluation one (Lua raises "backprop only defined while training" there).
"""

from __future__ import annotations

import numpy as np

from ..._random import generator
from .._checks import reuse
from .._settings import boolean, real
from ..module import Module


class SpatialDropout(Module):
    """Zero each whole plane with probability p while training; scale by 1 − p in evaluation.

    Training: y = m ⊙ x, one mᵢ ~ Bernoulli(1 − p) per (sample, plane), ∂L/∂x = m ⊙ ∂L/∂y.
    Evaluation: y = (1 − p) x, ∂L/∂x = (1 − p) ∂L/∂y. Input (C, H, W) or (N, C, H, W).

    Parameters
    ----------
    p : float, default 0.5
        Probability of dropping a plane, in [0, 1].
    stochastic_inference : bool, default False
        Keep drawing masks in evaluation mode too (Lua's ``stochasticInference``).
    """

    # Whether the last forward drew a mask (True), scaled (False), or none ran yet (None).
    per_call_attributes = ("_masked_forward",)

    def __init__(self, p: float = 0.5, stochastic_inference: bool = False) -> None:
        super().__init__()
        self.p = p
        self.stochastic_inference = stochastic_inference
        self._masked_forward = None
        self.validate()

    def validate(self) -> None:
        """Check ``p`` (a number in [0, 1]) and ``stochastic_inference`` (a bool)."""
        self.p = real("nn.SpatialDropout", "p", self.p, 0.0, 1.0)
        self.stochastic_inference = boolean(
            "nn.SpatialDropout", "stochastic_inference", self.stochastic_inference
        )
        super().validate()

    def setp(self, p: float) -> SpatialDropout:
        """Set the drop probability (Lua's ``setp``).

        Parameters
        ----------
        p : float
            The new probability, in [0, 1].
        """
        self.p = p
        self.validate()
        return self

    def update_output(self, input: np.ndarray) -> np.ndarray:
        if input.ndim not in (3, 4):
            raise ValueError(
                f"{self._who()}: expected input of shape (C, H, W) or (N, C, H, W), got "
                f"{input.shape}"
            )
        self.output = reuse(self.output, input.shape, input.dtype)
        if not (self.train or self.stochastic_inference):
            self._masked_forward = False
            np.multiply(input, 1 - self.p, out=self.output)
            return self.output
        mask = self._buffer("mask", input.shape[:-2] + (1, 1), input.dtype)
        generator().random(out=mask, dtype=input.dtype)
        np.greater_equal(mask, self.p, out=mask)  # kept with probability P(u ≥ p) = 1 − p
        np.multiply(input, mask, out=self.output)  # one value per plane, broadcast over it
        self._masked_forward = True
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        masked = self.__dict__.get("_masked_forward")
        if masked is None:
            masked = self.train or self.stochastic_inference
        if not masked:
            np.multiply(grad_output, 1 - self.p, out=self.grad_input)
            return self.grad_input
        mask = self.__dict__.get("_buffers", {}).get("mask")
        if mask is None or mask.shape != input.shape[:-2] + (1, 1):
            raise ValueError(
                f"{self._who()}: backward needs the mask of a training forward on an input of "
                f"shape {input.shape}; call forward first"
            )
        np.multiply(grad_output, mask, out=self.grad_input)
        return self.grad_input

    def __tostring__(self) -> str:
        return f"nn.SpatialDropout({self.p:f})"
