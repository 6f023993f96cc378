"""``nn.SpatialClassNLLCriterion``: ClassNLLCriterion at every pixel (semantic segmentation).

Input: log-probabilities x (N, C, H, W) (``nn.SpatialLogSoftMax``'s output); target t (N, H, W)
of 0-based classes (Lua's are 1-based). With class weights w (default 1):

    L = −Σ_{n,i,j} w[t] · x[n, t, i, j] / Z,    t = t[n, i, j],
    Z = Σ_{n,i,j} w[t] with size_average (Torch's default), else 1; L = 0 when Z = 0.

Gradient: ∂L/∂x[n, t, i, j] = −w[t] / Z, zero for the other classes. A single image (C, H, W)
with a target (H, W) is read as a batch of one (Lua wants the batch).
"""

from __future__ import annotations

import math

import numpy as np

from .._checks import reuse
from ._exact_mean import exact_shares, exact_total
from ._weights import WeightsCriterion


class SpatialClassNLLCriterion(WeightsCriterion):
    """Negative log-likelihood of a class per pixel: ``L = −Σ w[t] x[t] / Σ w[t]``.

    ∂L/∂x[n, t, i, j] = −w[t]/Z at each pixel's target class, 0 elsewhere.

    Parameters
    ----------
    weights : array_like of shape (C,), optional
        A weight per class (finite numbers).
    size_average : bool, default True
        Divide by the total weight of the targets (Torch's default) or not.
    """

    def _checked(self, input: np.ndarray, target: object) -> tuple[np.ndarray, np.ndarray]:
        """``input`` as (N, C, H, W) and ``target`` as (N, H, W) int, after every check."""
        if input.ndim not in (3, 4):
            raise ValueError(
                f"{self._who()}: expected log-probabilities of shape (N, C, H, W) or (C, H, W), "
                f"got {input.shape}"
            )
        x = input[None] if input.ndim == 3 else input
        expected = (x.shape[0],) + x.shape[2:] if input.ndim == 4 else x.shape[2:]
        if not isinstance(target, np.ndarray) or target.dtype.kind not in "iu":
            kind = target.dtype if isinstance(target, np.ndarray) else type(target).__name__
            raise TypeError(
                f"{self._who()}: expected integer class targets (an int64 numpy.ndarray of shape "
                f"{expected}), got {kind}"
            )
        if target.shape != expected:
            raise ValueError(
                f"{self._who()}: expected targets of shape {expected} for input of shape "
                f"{input.shape}, got {target.shape}"
            )
        if target.size and (target.min() < 0 or target.max() >= x.shape[1]):
            raise ValueError(
                f"{self._who()}: class targets must lie in [0, {x.shape[1] - 1}] (0-based), got "
                f"values in [{target.min()}, {target.max()}]"
            )
        if self.weights is not None and self.weights.size != x.shape[1]:
            raise ValueError(
                f"{self._who()}: has {self.weights.size} class weights but the input has "
                f"{x.shape[1]} classes (shape {input.shape})"
            )
        return x, target.reshape((x.shape[0], 1) + x.shape[2:])

    def _normaliser(self, target: np.ndarray) -> tuple[np.ndarray | None, float]:
        if self.weights is None:
            return None, (target.size if self.size_average else 1.0)
        weights = self.weights[target]
        return weights, (float(weights.sum()) if self.size_average else 1.0)

    def update_output(self, input: np.ndarray, target: np.ndarray) -> float:
        x, t = self._checked(input, target)
        picked = np.take_along_axis(x, t, axis=1)  # x[n, t[n, i, j], i, j]
        weights, total = self._normaliser(t)
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is redone below
            loss = -float(picked.sum() if weights is None else np.vdot(weights, picked))
        if not (math.isfinite(loss) and math.isfinite(total)):
            normaliser = weights if self.size_average and weights is not None else total
            self.output = exact_total(-picked, weights, divisor=normaliser)
            return self.output
        self.output = loss / total if total else 0.0
        return self.output

    def update_grad_input(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        x, t = self._checked(input, target)
        weights, total = self._normaliser(t)
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        self.grad_input.fill(0)
        if total:
            if weights is None:
                step = np.full(t.shape, -1.0 / total)
            elif math.isfinite(total):
                step = weights * (-1.0 / total)
            else:  # Z past the range: wᵢ / Z exactly scaled
                step = -exact_shares(weights, weights)
            np.put_along_axis(self.grad_input.reshape(x.shape), t, step, axis=1)
        return self.grad_input
