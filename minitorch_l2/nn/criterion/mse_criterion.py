"""``nn.MSECriterion``: L = Σᵢ (xᵢ − tᵢ)² / N, with N = number of elements (1 without averaging).

Gradient: ∂L/∂xᵢ = 2 (xᵢ − tᵢ) / N. Input and target may have any shape with the same number of
elements, as in Lua (a (128,) target for a (128, 1) output); the gradient has the input's shape.
Where x − t, a square or the sum overflows, the loss is redone from d = x/2 − t/2 as Σ d·d·2² with
exact scaling (``_exact_mean.py``): ±inf only where the exact loss is past the range.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from .._checks import reuse
from ._exact_mean import exact_total
from ._target_checks import check_float_target
from .criterion import Criterion


class MSECriterion(Criterion):
    """Mean (``size_average=True``) or sum of squared errors between input and target.

    L = Σᵢ (xᵢ − tᵢ)² / N over every element, N = the number of elements (1 without averaging);
    ∂L/∂xᵢ = 2 (xᵢ − tᵢ) / N. Input and target are float arrays of one dtype and of one shape —
    or, as Lua accepts, of the same number of elements: a (128,) target for a (128, 1) output
    is read in the output's shape, element by element (no broadcasting).

    Parameters
    ----------
    size_average : bool, default True
        Divide by the number of elements (True) or not.
    """

    per_call_attributes = ("_diff",)  # the reused x − t buffer

    def __init__(self, size_average: bool = True) -> None:
        super().__init__()
        self.size_average = size_average
        self.validate()

    def update_output(self, input: np.ndarray, target: np.ndarray) -> float:
        target = check_float_target(self._who(), input, target)
        diff = self._diff = reuse(self.__dict__.get("_diff"), input.shape, input.dtype)
        # inf − inf is NaN: forward then raises, naming the element, and reports an overflow of
        # finite input itself, so NumPy's warnings would only repeat that.
        with np.errstate(invalid="ignore", over="ignore"):
            np.subtract(input, target, out=diff)
            flat = diff.reshape(-1)
            self.output = float(np.dot(flat, flat))  # Σ (x − t)²
        if not math.isfinite(self.output):
            with np.errstate(all="ignore"):
                half = input.astype(np.float64) * 0.5 - target.reshape(input.shape) * 0.5
            divisor = input.size if self.size_average else 1
            self.output = exact_total(half, half, exponent=2, divisor=divisor)
        elif self.size_average:
            self.output /= input.size
        return self.output

    def update_grad_input(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        target = check_float_target(self._who(), input, target)
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        factor = 2 / input.size if self.size_average else 2
        try:
            with np.errstate(over="raise"):
                np.subtract(input, target, out=self.grad_input)
                self.grad_input *= factor
        except FloatingPointError:  # x − t past the float range: see _overflowing_gradient
            self._overflowing_gradient(input, target, factor)
        return self.grad_input

    def _overflowing_gradient(self, input: np.ndarray, target: np.ndarray, factor: float) -> None:
        # (x/2 − t/2)·2f: the same roundings as (x − t)·f with no overflow in between; inf only
        # where the gradient itself is past the range, and then our warning, not NumPy's.
        with np.errstate(over="ignore"):
            np.subtract(input * 0.5, target * 0.5, out=self.grad_input)
            self.grad_input *= 2 * factor
        if not np.isfinite(self.grad_input).all():
            warnings.warn(
                f"{self._who()}: the gradient 2(x - t)/N is past the float range for finite "
                f"input; it holds inf there",
                RuntimeWarning,
                stacklevel=4,
            )
