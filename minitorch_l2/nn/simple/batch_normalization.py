"""``nn.BatchNormalization``: each feature (channel) normalised over the batch, then scaled.

For feature c, over the m values x of that feature in the batch (m = n; the spatial version
``SpatialBatchNormalization`` also takes every pixel, m = n·H·W), in training:

    μ = mean x,  σ² = mean (x − μ)²  (biased),  x̂ = (x − μ) / √(σ² + eps),  y = w x̂ + b,
    running_mean ← (1 − momentum) running_mean + momentum μ,
    running_var  ← (1 − momentum) running_var  + momentum σ² m / (m − 1)  (unbiased);
    ∂L/∂x = w (g − mean g − x̂ mean(x̂ g)) / √(σ² + eps),   ∂L/∂w += s Σ x̂ g,   ∂L/∂b += s Σ g.

In evaluation μ, σ² are the running statistics and ∂L/∂x = w g / √(running_var + eps). As in Lua
a training batch of one sample (n = 1) neither uses nor updates batch statistics: it is
normalised with the running ones, as in evaluation.
"""

from __future__ import annotations

import numpy as np

from ..._random import generator
from .._checks import reuse
from ._batch_norm_settings import BatchNormSettings


class BatchNormalization(BatchNormSettings):
    """Batch normalization of (n, C) features: y = w (x − μ) / √(σ² + eps) + b, per feature.

    Training uses the batch's mean and biased variance and updates ``running_mean`` and
    ``running_var`` (unbiased) with ``momentum``; ``evaluate()`` uses the running statistics,
    and then also accepts a single sample (C,).

    Parameters
    ----------
    n_output : int
        C, the number of features (Lua's ``nOutput``).
    eps : float, default 1e-5
        Added to the variance before the square root.
    momentum : float, default 0.1
        Weight of the new batch in the running averages.
    affine : bool, default True
        Learn a scale ``weight`` (w, drawn from U(0, 1) as in Lua) and a shift ``bias`` (b, 0).
        False: y = x̂, no parameters.
    """

    #: The input's number of dimensions in training (Lua's ``nDim``): (n, C).
    n_dim = 2
    per_call_attributes = ("_batch_statistics",)

    def __init__(
        self, n_output: int, eps: float = 1e-5, momentum: float = 0.1, affine: bool = True
    ) -> None:
        super().__init__()
        self.n_output = n_output
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self._check_settings()
        self.running_mean = np.zeros(self.n_output)
        self.running_var = np.ones(self.n_output)
        self.weight = np.empty(self.n_output) if self.affine else None
        self.bias = np.empty(self.n_output) if self.affine else None
        self.grad_weight = np.zeros(self.n_output) if self.affine else None
        self.grad_bias = np.zeros(self.n_output) if self.affine else None
        self._batch_statistics = None
        self.validate()
        self.reset()

    def reset(self) -> BatchNormalization:
        """w ~ U(0, 1), b = 0, running_mean = 0, running_var = 1 (Lua's ``reset``), in place."""
        if self.weight is not None:
            self.weight[...] = generator().uniform(0, 1, self.weight.shape)
            self.bias.fill(0)
        self.running_mean.fill(0)
        self.running_var.fill(1)
        return self

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x = self._features(input)
        dtype = input.dtype
        self.output = reuse(self.output, input.shape, dtype)
        centred = self._buffer("centred", x.shape, dtype)
        invstd = self._buffer("invstd", (self.n_output,), dtype)
        if self._uses_batch(x):
            m = x.shape[0] * x.shape[2]
            mean = np.sum(x, axis=(0, 2), out=self._buffer("mean", (self.n_output,), dtype))
            mean /= m  # μ
            np.subtract(x, mean[:, None], out=centred)  # x − μ
            variance_sum = np.einsum("ncl,ncl->c", centred, centred)  # m σ²
            np.reciprocal(np.sqrt(variance_sum / m + self.eps), out=invstd)  # 1/√(σ² + eps)
            self.running_mean *= 1 - self.momentum
            self.running_mean += self.momentum * mean
            self.running_var *= 1 - self.momentum
            self.running_var += self.momentum * (variance_sum / (m - 1))  # unbiased σ²
            self._batch_statistics = True
        else:
            np.subtract(x, self.running_mean[:, None], out=centred)
            np.reciprocal(np.sqrt(self.running_var + self.eps), out=invstd)
            self._batch_statistics = False
        scale = invstd if self.weight is None else invstd * self.weight  # w / √(σ² + eps)
        out = self.output.reshape(x.shape)
        np.multiply(centred, scale[:, None], out=out)
        if self.bias is not None:
            out += self.bias[:, None]
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, g = self._features(input), self._features(grad_output)
        centred, invstd = self._existing_buffer("centred"), self._existing_buffer("invstd")
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        grad = self.grad_input.reshape(x.shape)
        scale = invstd if self.weight is None else invstd * self.weight
        if self._batch_statistics:
            m = x.shape[0] * x.shape[2]
            g_sum, dot = self._sums(centred, g)
            k = dot * invstd * invstd / m  # mean(x̂ g) / √(σ² + eps), per feature
            np.multiply(centred, k[:, None], out=grad)  # (x − μ) k
            np.subtract(g, grad, out=grad)
            grad -= (g_sum / m)[:, None]  # g − mean g − (x − μ) k
            grad *= scale[:, None]
        else:
            np.multiply(g, scale[:, None], out=grad)  # w g / √(running_var + eps)
        return self.grad_input

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        if self.weight is None:
            return
        g_sum, dot = self._sums(self._existing_buffer("centred"), self._features(grad_output))
        self.grad_weight += scale * dot * self._existing_buffer("invstd")  # s Σ x̂ g
        self.grad_bias += scale * g_sum  # s Σ g

    def _sums(self, centred: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Σ g and Σ (x − μ) g per feature."""
        return g.sum(axis=(0, 2)), np.einsum("ncl,ncl->c", centred, g)

    def _uses_batch(self, x: np.ndarray) -> bool:
        # Lua: train and input:size(1) > 1 — a single sample is normalised as in evaluation.
        return self.train and x.shape[0] > 1

    def __tostring__(self) -> str:
        return f"nn.{type(self).__name__} ({self.n_dim}D) ({self.n_output})"
