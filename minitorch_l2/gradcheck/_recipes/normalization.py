"""Recipes of LookupTable, Normalize, BatchNormalization and SpatialBatchNormalization.

LookupTable's input is integer indices, which the checker holds fixed while it checks the
weight: indices repeated within and across rows (their gradients add up), a vector input, and
a padding index (see :class:`PaddingHeldFixed`). Normalize is checked at each kind of p its
backward treats apart (1, below 2, 2, odd, even, ∞); BatchNormalization with batch statistics
(training), running ones (evaluate, also one sample) and without affine parameters.
"""

from __future__ import annotations

import math

import numpy as np

from ... import nn
from . import float32_recipe, recipe, uniform


def _evaluated(module: nn.Module) -> nn.Module:
    # Running statistics away from the defaults (0, 1), so that they matter in the check.
    module.running_mean[...] = np.linspace(-0.5, 0.5, module.running_mean.size)
    module.running_var[...] = np.linspace(0.5, 2.0, module.running_var.size)
    return module.evaluate()


class PaddingHeldFixed(nn.LookupTable):
    """``nn.LookupTable`` whose padding positions read a constant copy of the padding row.

    Lua's backward adds nothing to ``grad_weight`` at a padding position: it treats what those
    positions read as a constant. Its forward still reads ``weight[padding_value]``, so finite
    differences of that row see a derivative the backward (by design) does not give. Reading a
    copy made at construction there instead gives the same outputs and makes the forward what
    the backward differentiates; the backward is LookupTable's own, padding skip and all (one
    that added at padding positions would give analytic ≠ 0 where numeric = 0).
    """

    def __init__(self, n_index: int, n_output: int, padding_value: int) -> None:
        super().__init__(n_index, n_output, padding_value)
        self.held = self.weight[self.padding_value].copy()

    def update_output(self, input: np.ndarray) -> np.ndarray:
        output = super().update_output(input)
        output[input == self.padding_value] = self.held
        return output


def _indices(*rows: list[int]):
    """Fixed indices (0-based, repeats on purpose), the same at every draw."""
    return lambda rng: np.array(rows[0] if len(rows) == 1 else rows, dtype=np.int64)


recipe(
    "LookupTable, batch, repeated indices",
    lambda: nn.LookupTable(6, 3),
    _indices([0, 2, 2, 5], [5, 1, 0, 2]),
)
recipe("LookupTable, vector input", lambda: nn.LookupTable(5, 4), _indices([3, 0, 3]))
recipe(
    "LookupTable, padding",
    lambda: PaddingHeldFixed(6, 3, padding_value=1),
    _indices([0, 1, 2, 1], [1, 5, 2, 2]),
)

for p in (1, 1.5, 2, 3, 4, math.inf):
    recipe(f"Normalize({p})", lambda p=p: nn.Normalize(p), uniform(5, 4))
recipe("Normalize(2), vector input", lambda: nn.Normalize(2), uniform(4))
float32_recipe(
    "Normalize(inf), float32 = float64 clone",
    lambda: nn.Normalize(math.inf).float(),
    uniform(5, 4, dtype=np.float32),
)
recipe("BatchNormalization, training", lambda: nn.BatchNormalization(4), uniform(6, 4))
recipe("BatchNormalization, evaluate", lambda: _evaluated(nn.BatchNormalization(4)), uniform(6, 4))
recipe(
    "BatchNormalization, evaluate, one sample",
    lambda: _evaluated(nn.BatchNormalization(4)),
    uniform(4),
)
recipe(
    "BatchNormalization, no affine",
    lambda: nn.BatchNormalization(4, 1e-3, 0.2, False),
    uniform(6, 4),
)
float32_recipe(
    "BatchNormalization, float32 = float64 clone",
    lambda: nn.BatchNormalization(4).float(),
    uniform(6, 4, dtype=np.float32),
)
recipe(
    "SpatialBatchNormalization, training",
    lambda: nn.SpatialBatchNormalization(3),
    uniform(2, 3, 4, 5),
)
recipe(
    "SpatialBatchNormalization, evaluate",
    lambda: _evaluated(nn.SpatialBatchNormalization(3)),
    uniform(2, 3, 4, 5),
)
