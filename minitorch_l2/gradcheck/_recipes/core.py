"""Recipes of the core layers and criteria: Linear, the transfer functions, Dropout, L2Normalize."""

from __future__ import annotations

import numpy as np

from ... import nn
from .._reseeded import ReseededDropout
from . import float32_recipe, integers, recipe, uniform


def _mlp() -> nn.Sequential:
    return nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 2))


recipe("Linear", lambda: nn.Linear(4, 3), uniform(5, 4))
recipe("Linear, vector input, no bias", lambda: nn.Linear(4, 3).no_bias(), uniform(4))
float32_recipe(
    "Linear, float32 = float64 clone",
    lambda: nn.Linear(4, 3).float(),
    uniform(5, 4, dtype=np.float32),
)
recipe("Tanh", nn.Tanh, uniform(5, 4))
recipe("Sequential", _mlp, uniform(5, 4))
recipe("Identity", nn.Identity, uniform(5, 4))
recipe("ReLU", nn.ReLU, uniform(5, 4))
recipe("Sigmoid", nn.Sigmoid, uniform(5, 4))
recipe("SoftMax", nn.SoftMax, uniform(5, 4))
recipe("LogSoftMax", nn.LogSoftMax, uniform(5, 4))
recipe("SoftMax, 3-d (C, H, W), over C", nn.SoftMax, uniform(3, 2, 2))
recipe("LogSoftMax, 4-d (N, C, H, W), over C", nn.LogSoftMax, uniform(2, 3, 2, 2))
recipe("Dropout, evaluate", lambda: nn.Dropout(0.5).evaluate(), uniform(5, 4))
recipe("Dropout, training, fixed mask", lambda: ReseededDropout(0.5, seed=0), uniform(5, 4))
recipe("L2Normalize, Jacobian path", nn.L2Normalize, uniform(5, 4))
recipe("L2Normalize, direct path", lambda: nn.L2Normalize(jacobian=False), uniform(5, 4))
recipe("L2Normalize, vector input", nn.L2Normalize, uniform(4))
float32_recipe(
    "L2Normalize, float32 = float64 clone",
    lambda: nn.L2Normalize().float(),
    uniform(5, 4, dtype=np.float32),
)
recipe("MSECriterion", nn.MSECriterion, uniform(5, 4), uniform(5, 4))
recipe("ClassNLLCriterion", nn.ClassNLLCriterion, uniform(5, 4), integers(4, 5))
recipe(
    "ClassNLLCriterion, weights",
    lambda: nn.ClassNLLCriterion(weights=np.array([1.0, 2.0, 0.5, 1.5])),
    uniform(5, 4),
    integers(4, 5),
)
recipe("CrossEntropyCriterion", nn.CrossEntropyCriterion, uniform(5, 4), integers(4, 5))
recipe(
    "CosineEmbeddingCriterion",
    lambda: nn.CosineEmbeddingCriterion(margin=0.2),
    lambda rng: (rng.uniform(-2, 2, (5, 4)), rng.uniform(-2, 2, (5, 4))),
    lambda rng: rng.choice([-1, 1], 5),
)
