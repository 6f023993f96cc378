"""``nn.BCECriterion``: binary cross-entropy of probabilities x ∈ [0, 1] and targets y.

    L = −Σᵢ wᵢ (yᵢ log(xᵢ + ε) + (1 − yᵢ) log(1 − xᵢ + ε)) / N,    ε = 1e-12 (Lua's),
    ∂L/∂xᵢ = −wᵢ (yᵢ − xᵢ) / ((1 − xᵢ + ε)(xᵢ + ε)) / N,

N the number of elements (1 without averaging); w a weight per column (the last dimension),
all 1 by default. ε keeps x = 0 or 1 finite, as in Lua.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from ._weights import WeightsCriterion

EPS = 1e-12  # Lua's, inside both logarithms and the gradient's denominator


class BCECriterion(WeightsCriterion):
    """Binary cross-entropy: L = −Σᵢ wᵢ (yᵢ log(xᵢ + ε) + (1 − yᵢ) log(1 − xᵢ + ε)) / N.

    Feed it probabilities (``nn.Sigmoid``'s output); x outside [0, 1] is a ValueError, as Lua
    asserts. ∂L/∂xᵢ = −wᵢ (yᵢ − xᵢ) / ((1 − xᵢ + ε)(xᵢ + ε)) / N with ε = 1e-12. The target y
    (usually 0 or 1) is a float array of the input's dtype and number of elements.

    Parameters
    ----------
    weights : array_like of shape (C,), optional
        A weight per element of the last dimension (Lua's 1-D ``weights``), broadcast over rows.
    size_average : bool, default True
        Divide by the number of elements N (True) or not (Lua's ``sizeAverage``).
    """

    per_call_attributes = ("_log_x", "_log_1mx")  # reused work buffers

    def update_output(self, input: np.ndarray, target: np.ndarray) -> float:
        target = self._checked(input, target)
        log_x = self._log_x = reuse(self.__dict__.get("_log_x"), input.shape, input.dtype)
        log_1mx = self._log_1mx = reuse(self.__dict__.get("_log_1mx"), input.shape, input.dtype)
        np.log(np.add(input, EPS, out=log_x), out=log_x)  # log(x + ε)
        np.log(np.add(np.subtract(1, input, out=log_1mx), EPS, out=log_1mx), out=log_1mx)
        log_x -= log_1mx  # y log(x + ε) + (1 − y) log(1 − x + ε) = y (log_x − log_1mx) + log_1mx
        log_x *= target
        log_x += log_1mx
        if self.weights is not None:
            log_x *= self.weights
        self.output = -float(log_x.sum())
        if self.size_average:
            self.output /= input.size
        return self.output

    def update_grad_input(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        target = self._checked(input, target)
        grad = self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        denominator = self._log_x = reuse(self.__dict__.get("_log_x"), input.shape, input.dtype)
        np.add(np.subtract(1, input, out=denominator), EPS, out=denominator)  # 1 − x + ε
        denominator *= np.add(input, EPS, out=grad)  # (1 − x + ε)(x + ε)
        np.subtract(input, target, out=grad)  # −(y − x)
        grad /= denominator
        if self.weights is not None:
            grad *= self.weights
        if self.size_average:
            grad *= 1 / input.size
        return grad

    def _checked(self, input: np.ndarray, target: object) -> np.ndarray:
        """The target in the input's shape, after the checks (x in [0, 1], one weight a column)."""
        target = super()._checked(input, target)
        if not (input.min() >= 0 and input.max() <= 1):  # NaN fails too
            bad = input[~((input >= 0) & (input <= 1))].flat[0]
            raise ValueError(
                f"{self._who()}: input must hold probabilities in [0, 1] (a Sigmoid's output), "
                f"got {bad!r}"
            )
        return target
