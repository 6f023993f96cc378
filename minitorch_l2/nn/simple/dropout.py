"""``nn.Dropout(p)``: while training, zero each element with probability p and scale the rest.

Inverted dropout, Torch's default: y = x ⊙ m with mᵢ = Bernoulli(1 − p) / (1 − p), so E[y] = x
and evaluation needs no rescaling. Gradient: ∂L/∂x = g ⊙ m (the same mask). In evaluation mode
(``module.evaluate()``) y = x and ∂L/∂x = g. Masks come from :func:`minitorch_l2.generator`,
so ``minitorch_l2.manual_seed`` makes them repeatable.

``backward`` differentiates the *last forward*, whatever ``train`` says now: after a training
forward it applies that forward's mask, after an evaluation forward it is the identity. An
evaluation forward discards the mask, so a later ``training()`` followed by ``backward`` cannot
apply the mask of an older forward that did not produce the current output.
"""

from __future__ import annotations

import numpy as np

from ..._random import generator
from .._checks import reuse
from .._settings import real
from ..module import Module


class Dropout(Module):
    """Randomly zero elements with probability ``p`` while ``train`` is True (inverted dropout).

    Training: y = x ⊙ m with mᵢ = Bernoulli(1 − p) / (1 − p), a fresh mask m each forward, and
    ∂L/∂x = ∂L/∂y ⊙ m. Evaluation (``evaluate()``): y = x and ∂L/∂x = ∂L/∂y. ``backward``
    follows the mode of the last ``forward``.

    Parameters
    ----------
    p : float
        Probability of zeroing an element, in [0, 1) (default 0.5, as in Torch).
    """

    # Which kind of forward ran last (True: training, False: evaluation, None: none yet).
    per_call_attributes = ("_trained_forward",)

    def __init__(self, p: float = 0.5) -> None:
        super().__init__()
        self.p = p
        self._trained_forward = None
        self.validate()

    def validate(self) -> None:
        """Check ``p``: a real number in [0, 1)."""
        self.p = real("nn.Dropout", "p", self.p, 0.0, 1.0, high_open=True)
        super().validate()

    def update_output(self, input: np.ndarray) -> np.ndarray:
        self.output = reuse(self.output, input.shape, input.dtype)
        if not self.train:
            # The mask belongs to an older forward: drop it so no backward can reuse it.
            self.__dict__.get("_buffers", {}).pop("mask", None)
            self._trained_forward = False
            np.copyto(self.output, input)
            return self.output
        mask = self._buffer("mask", input.shape, input.dtype)
        # u ~ U[0, 1) is kept with probability P(u ≥ p) = 1 − p; kept ones are scaled by 1/(1 − p).
        generator().random(out=mask, dtype=input.dtype)
        np.greater_equal(mask, self.p, out=mask)
        mask *= 1 / (1 - self.p)
        np.multiply(input, mask, out=self.output)
        self._trained_forward = True
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        trained = self.__dict__.get("_trained_forward")
        if trained is False or (trained is None and not self.train):
            np.copyto(self.grad_input, grad_output)  # the last forward was the identity
            return self.grad_input
        mask = self.__dict__.get("_buffers", {}).get("mask")
        if mask is None or mask.shape != input.shape or mask.dtype != input.dtype:
            raise ValueError(
                f"{self._who()}: backward needs the mask of a training forward on an input of "
                f"shape {input.shape} and dtype {input.dtype}; call forward first"
            )
        np.multiply(grad_output, mask, out=self.grad_input)
        return self.grad_input

    def __tostring__(self) -> str:
        return f"nn.Dropout({self.p:g})"
