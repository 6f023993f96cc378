"""Recipes of the criteria of issue 13, and the new options of ClassNLLCriterion and MSECriterion.

Inputs are drawn where the losses are smooth enough for central differences: probabilities in
[0.05, 0.95] for BCE, distances and scores from U(−2, 2) (a kink of a hinge is met with
probability ~1e-6 per element), targets a fixed mix of both sides of every margin.
"""

from __future__ import annotations

import numpy as np

from ... import nn
from . import integers, recipe, uniform


def _signs(*shape: int):
    return lambda rng: rng.choice([-1.0, 1.0], shape)


def _bits(*shape: int):
    return lambda rng: rng.integers(0, 2, shape).astype(np.float64)


def _distribution(rows: int, classes: int):
    def draw(rng: np.random.Generator) -> np.ndarray:
        p = rng.uniform(0.1, 1.0, (rows, classes))
        return p / p.sum(axis=1, keepdims=True)

    return draw


def _label_rows(rows: int, classes: int):
    # 0-based labels ended by −1: row i lists i % (classes − 1) + 1 labels
    def draw(rng: np.random.Generator) -> np.ndarray:
        target = np.full((rows, classes), -1)
        for i in range(rows):
            labels = rng.permutation(classes)[: i % (classes - 1) + 1]
            target[i, : labels.size] = labels
        return target

    return draw


def _pair(*shape: int):
    return lambda rng: [rng.uniform(-2, 2, shape), rng.uniform(-2, 2, shape)]


W4 = np.array([0.5, 1.0, 2.0, 1.5])
recipe("AbsCriterion", nn.AbsCriterion, uniform(5, 4), uniform(5, 4))
recipe("SmoothL1Criterion", nn.SmoothL1Criterion, uniform(5, 4), uniform(5, 4))
recipe("SmoothL1Criterion, sum", lambda: nn.SmoothL1Criterion(False), uniform(5, 4), uniform(5, 4))
recipe("BCECriterion", nn.BCECriterion, uniform(5, 4, low=0.05, high=0.95), _bits(5, 4))
recipe(
    "BCECriterion, weights",
    lambda: nn.BCECriterion(W4),
    uniform(5, 4, low=0.05, high=0.95),
    _bits(5, 4),
)
recipe("MultiMarginCriterion", nn.MultiMarginCriterion, uniform(5, 4), integers(4, 5))
recipe(
    "MultiMarginCriterion, p=2, weights, margin",
    lambda: nn.MultiMarginCriterion(2, W4, 0.5),
    uniform(5, 4),
    integers(4, 5),
)
recipe("MarginCriterion", lambda: nn.MarginCriterion(0.5), uniform(5, 4), _signs(5, 4))
recipe("SoftMarginCriterion", nn.SoftMarginCriterion, uniform(5, 4), _signs(5, 4))
recipe(
    "HingeEmbeddingCriterion",
    lambda: nn.HingeEmbeddingCriterion(1.0),
    uniform(8, low=0.0, high=2.0),
    _signs(8),
)
recipe(
    "L1HingeEmbeddingCriterion, similar",
    lambda: nn.L1HingeEmbeddingCriterion(2.0),
    _pair(5),
    lambda rng: 1,
)
recipe(
    "L1HingeEmbeddingCriterion, batch",
    lambda: nn.L1HingeEmbeddingCriterion(6.0),
    _pair(4, 3),
    lambda rng: np.array([1.0, -1.0, 1.0, -1.0]),
)
recipe(
    "DistKLDivCriterion",
    nn.DistKLDivCriterion,
    lambda rng: np.log(_distribution(5, 4)(rng)),
    _distribution(5, 4),
)
recipe("MultiLabelMarginCriterion", nn.MultiLabelMarginCriterion, uniform(5, 4), _label_rows(5, 4))
recipe(
    "MultiLabelSoftMarginCriterion, weights",
    lambda: nn.MultiLabelSoftMarginCriterion(W4),
    uniform(5, 4),
    _bits(5, 4),
)
recipe(
    "WeightedMSECriterion",
    lambda: nn.WeightedMSECriterion(np.array([1.0, 2.0, 0.5, 3.0])),
    uniform(5, 4),
    uniform(5, 4),
)
recipe(
    "ClassNLLCriterion, ignore_index",
    lambda: nn.ClassNLLCriterion(ignore_index=2),
    uniform(6, 4),
    lambda rng: np.array([0, 2, 1, 3, 2, 1]),
)
recipe("MSECriterion, (n,) target for (n, 1)", nn.MSECriterion, uniform(5, 1), uniform(5))
