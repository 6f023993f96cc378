"""BatchNormalization's settings and input checks: everything of the layer but its formula.

The checks of Lua's constructor arguments and of the running statistics and parameters
(``validate``), and the input seen as (n, C, L) with its shape checked, for
``nn.BatchNormalization`` and ``nn.SpatialBatchNormalization`` alike.
"""

from __future__ import annotations

import numpy as np

from .._settings import array, boolean, integer, real
from .._state_checks import check_no_overlap, parameter_arrays
from ..module import Module


class BatchNormSettings(Module):
    """The settings and input checks of ``nn.BatchNormalization`` (internal; ``n_dim`` its)."""

    def _check_settings(self) -> None:
        who = self._who()
        self.n_output = integer(who, "n_output", self.n_output, 1)
        self.eps = real(who, "eps", self.eps, 0.0)
        self.momentum = real(who, "momentum", self.momentum, 0.0, 1.0)
        self.affine = boolean(who, "affine", self.affine)

    def validate(self) -> None:
        """Check the settings, the running statistics (n_output,) and, with affine, w and b."""
        self._check_settings()
        who, shape = self._who(), (self.n_output,)
        mean = array(who, "running_mean", self.running_mean, shape, shape_is="(n_output,)")
        var = array(who, "running_var", self.running_var, shape, mean.dtype, shape_is="(n_output,)")
        if not (var >= 0).all():  # a variance: σ² + eps must have a square root
            raise ValueError(f"{who}: running_var must be >= 0 everywhere, got {var}")
        if self.affine:
            array(who, "weight", self.weight, shape, mean.dtype, shape_is="(n_output,)")
            array(who, "bias", self.bias, shape, mean.dtype, shape_is="(n_output,)")
        elif self.weight is not None or self.bias is not None:
            raise ValueError(f"{who}: with affine=False, weight and bias must be None")
        check_no_overlap(
            who, [("running_mean", mean), ("running_var", var), *parameter_arrays(self)]
        )
        super().validate()

    def _features(self, input: np.ndarray) -> np.ndarray:
        """``input`` as (n, C, L), L = 1 or the pixels; checks the shape, naming the module."""
        single = not self.train and input.ndim == self.n_dim - 1  # evaluate() takes one sample
        if (input.ndim != self.n_dim and not single) or input.shape[0 if single else 1] != (
            self.n_output
        ):
            self._refuse(input)
        batch = input[None] if single else input
        return batch.reshape(batch.shape[0], self.n_output, -1)

    def _refuse(self, input: np.ndarray) -> None:
        expected = "(n, C)" if self.n_dim == 2 else "(n, C, H, W)"
        single = "(C,)" if self.n_dim == 2 else "(C, H, W)"
        raise ValueError(
            f"{self._who()}: expected input of shape {expected} with C = {self.n_output} "
            f"(or one sample {single} after evaluate()), got {input.shape}"
        )
