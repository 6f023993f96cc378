"""``nn.MSECriterion``: L = Σᵢ (xᵢ − tᵢ)² / N, with N = number of elements (1 without averaging).

Gradient: ∂L/∂xᵢ = 2 (xᵢ − tᵢ) / N. Input and target may have any (equal) shape.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from ._target_checks import check_float_target
from .criterion import Criterion


class MSECriterion(Criterion):
    """Mean (``size_average=True``) or sum of squared errors between input and target.

    L = Σᵢ (xᵢ − tᵢ)² / N over every element, N = the number of elements (1 without averaging);
    ∂L/∂xᵢ = 2 (xᵢ − tᵢ) / N. Input and target are float arrays of one shape and dtype.

    Parameters
    ----------
    size_average : bool, default True
        Divide by the number of elements (True) or not.
    """

    per_call_attributes = ("_diff",)  # the reused x − t buffer

    def update_output(self, input: np.ndarray, target: np.ndarray) -> float:
        check_float_target(self._who(), input, target)
        diff = self._diff = reuse(self.__dict__.get("_diff"), input.shape, input.dtype)
        # inf − inf is NaN: forward then raises, naming the element, and reports an overflow of
        # finite input itself, so NumPy's warnings would only repeat that.
        with np.errstate(invalid="ignore", over="ignore"):
            np.subtract(input, target, out=diff)
            flat = diff.reshape(-1)
            self.output = float(np.dot(flat, flat))  # Σ (x − t)²
        if self.size_average:
            self.output /= input.size
        return self.output

    def update_grad_input(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        check_float_target(self._who(), input, target)
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        np.subtract(input, target, out=self.grad_input)
        self.grad_input *= 2 / input.size if self.size_average else 2
        return self.grad_input
