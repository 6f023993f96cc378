"""``nn.WeightedMSECriterion(weight)``: the squared error against a *weighted target*, as in Lua.

    L = Σᵢ (xᵢ − wᵢ tᵢ)² / N,      ∂L/∂xᵢ = 2 (xᵢ − wᵢ tᵢ) / N,

N the number of elements (1 without averaging). Lua's definition weights the target, not the
error — (x − w t)², not w (x − t)² — and a port needs exactly that, so it is kept. w has either
the shape of one sample (the input's shape without its first dimension), applied to every row,
or the input's number of elements (Lua tells the two apart by the number of dimensions).
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._settings import array
from ._target_checks import check_float_target
from .mse_criterion import MSECriterion


class WeightedMSECriterion(MSECriterion):
    """Squared error against the weighted target, L = Σᵢ (xᵢ − wᵢ tᵢ)² / N (Lua's definition).

    ∂L/∂xᵢ = 2 (xᵢ − wᵢ tᵢ) / N. ``weight`` has the shape of one sample (broadcast over the
    rows of a batch) or the input's number of elements.

    Parameters
    ----------
    weight : array_like
        w, copied (as Lua's ``w:clone()``), float64 unless given as float32.
    size_average : bool, default True
        Divide by the number of elements N (True) or not (Lua's ``sizeAverage``, which Lua's
        constructor does not take).
    """

    per_call_attributes = ("_diff", "_weighted_target")  # reused work buffers

    def __init__(self, weight: np.ndarray, size_average: bool = True) -> None:
        given = np.asarray(weight)
        self.weight = np.array(given, dtype=np.float32 if given.dtype == np.float32 else float)
        super().__init__(size_average)

    def validate(self) -> None:
        """Check ``weight`` (a float array) and ``size_average`` (a bool)."""
        self.weight = array(self._who(), "weight", self.weight)
        super().validate()

    def update_output(self, input: np.ndarray, target: np.ndarray) -> float:
        return super().update_output(input, self._weighted(input, target))

    def update_grad_input(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        return super().update_grad_input(input, self._weighted(input, target))

    def _weighted(self, input: np.ndarray, target: object) -> np.ndarray:
        """w ⊙ t in a reused buffer of the input's shape, after the shape checks."""
        target = check_float_target(self._who(), input, target)
        weight, per_sample = self.weight, self.weight.ndim == input.ndim - 1  # Lua's test
        shape = input.shape[1:] if per_sample else input.shape
        if weight.size != int(np.prod(shape)):
            what = f"one sample {shape}" if per_sample else f"the input's {input.size} elements"
            raise ValueError(
                f"{self._who()}: weight of shape {weight.shape} does not fit {what} "
                f"(input {input.shape})"
            )
        weight = weight.reshape(shape)
        weighted = self._weighted_target = reuse(
            self.__dict__.get("_weighted_target"), input.shape, input.dtype
        )
        return np.multiply(target, weight, out=weighted)
