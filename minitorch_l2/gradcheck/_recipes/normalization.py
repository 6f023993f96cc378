"""Recipes of Normalize, BatchNormalization and SpatialBatchNormalization (issue 13 and 15).

Normalize is checked at each kind of p its backward treats apart (1, below 2, 2, odd, even,
∞); BatchNormalization with batch statistics (training), running ones (evaluate, also one
sample) and without affine parameters. LookupTable has none: the checker perturbs float input
only (see NO_RECIPE in ``__init__``).
"""

from __future__ import annotations

import math

import numpy as np

from ... import nn
from . import recipe, uniform


def _evaluated(module: nn.Module) -> nn.Module:
    # Running statistics away from the defaults (0, 1), so that they matter in the check.
    module.running_mean[...] = np.linspace(-0.5, 0.5, module.running_mean.size)
    module.running_var[...] = np.linspace(0.5, 2.0, module.running_var.size)
    return module.evaluate()


for p in (1, 1.5, 2, 3, 4, math.inf):
    recipe(f"Normalize({p})", lambda p=p: nn.Normalize(p), uniform(5, 4))
recipe("Normalize(2), vector input", lambda: nn.Normalize(2), uniform(4))
recipe(
    "Normalize(inf), float32",
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
recipe(
    "BatchNormalization, float32",
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
