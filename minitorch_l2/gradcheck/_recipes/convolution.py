"""Recipes of the convolution family: strides, padding, ceil mode, non-square kernels.

Each input is small (a few hundred elements at most) so that the finite differences over every
input element and weight run in a fraction of a second.
"""

from __future__ import annotations

import numpy as np

from ... import nn
from .._reseeded import ReseededSpatialDropout
from . import float32_recipe, integers, recipe, uniform

recipe("SpatialConvolution, valid", lambda: nn.SpatialConvolution(2, 3, 2, 2), uniform(2, 2, 4, 4))
recipe(
    "SpatialConvolution, stride and padding, non-square",
    lambda: nn.SpatialConvolution(2, 3, 3, 2, 2, 1, 1, 0),
    uniform(2, 2, 5, 6),
)
recipe(
    "SpatialConvolution, single image, no bias",
    lambda: nn.SpatialConvolution(2, 2, 3, 3, 1, 1, 1).no_bias(),
    uniform(2, 4, 4),
)
float32_recipe(
    "SpatialConvolution, float32 = float64 clone",
    lambda: nn.SpatialConvolution(1, 2, 3, 3).float(),
    uniform(2, 1, 5, 5, dtype=np.float32),
)
recipe(
    "SpatialConvolutionMM",
    lambda: nn.SpatialConvolutionMM(2, 3, 3, 3, 1, 1, 1, 1),
    uniform(2, 2, 4, 4),
)
recipe("SpatialMaxPooling", lambda: nn.SpatialMaxPooling(2, 2), uniform(2, 2, 4, 4))
recipe(
    "SpatialMaxPooling, padding, ceil mode, non-square",
    lambda: nn.SpatialMaxPooling(3, 2, 2, 2, 1, 1).ceil(),
    uniform(2, 2, 5, 6),
)
recipe(
    "SpatialMaxPooling, overlapping", lambda: nn.SpatialMaxPooling(3, 3, 1, 1), uniform(1, 2, 5, 5)
)
recipe(
    "SpatialAveragePooling, padding, ceil mode",
    lambda: nn.SpatialAveragePooling(3, 3, 2, 2, 1, 1).ceil(),
    uniform(2, 2, 6, 6),
)
recipe(
    "SpatialAveragePooling, count_exclude_pad, non-square",
    lambda: nn.SpatialAveragePooling(3, 2, 1, 2, 1, 1).set_count_exclude_pad(),
    uniform(2, 5, 5),
)
recipe("TemporalConvolution", lambda: nn.TemporalConvolution(3, 4, 2), uniform(2, 5, 3))
recipe(
    "TemporalConvolution, stride, single sequence",
    lambda: nn.TemporalConvolution(2, 3, 3, 2),
    uniform(7, 2),
)
recipe("TemporalMaxPooling", lambda: nn.TemporalMaxPooling(2), uniform(2, 6, 3))
recipe("TemporalMaxPooling, overlapping", lambda: nn.TemporalMaxPooling(3, 1), uniform(6, 2))


def _positive(*shape: int):
    """Inputs in [0.5, 2]: the normalisations' and LP pooling's roots stay away from 0."""
    return uniform(*shape, low=0.5, high=2.0)


recipe(
    "SpatialDilatedConvolution",
    lambda: nn.SpatialDilatedConvolution(2, 2, 3, 2, 1, 2, 1, 1, 2, 1),
    uniform(2, 2, 7, 6),
)
recipe(
    "SpatialFullConvolution, stride, padding, adj",
    lambda: nn.SpatialFullConvolution(2, 3, 3, 2, 2, 2, 1, 0, 1, 1),
    uniform(2, 2, 3, 3),
)
recipe(
    "SpatialFullConvolution, single image, no bias",
    lambda: nn.SpatialFullConvolution(2, 2, 3, 3).no_bias(),
    uniform(2, 3, 3),
)
recipe(
    "SpatialConvolutionMap, random table",
    lambda: nn.SpatialConvolutionMap(np.array([[0, 0], [2, 0], [1, 1], [2, 1]]), 3, 2, 1, 2),
    uniform(2, 3, 5, 5),
)
recipe(
    "SpatialFullConvolutionMap",
    lambda: nn.SpatialFullConvolutionMap(nn.tables.one_to_one(2), 2, 3, 2, 1),
    uniform(2, 2, 3, 3),
)
recipe(
    "VolumetricConvolution",
    lambda: nn.VolumetricConvolution(2, 2, 2, 3, 2, 1, 1, 2, 1, 0, 1),
    uniform(2, 2, 3, 4, 4),
)
recipe(
    "VolumetricMaxPooling, padding, ceil mode",
    lambda: nn.VolumetricMaxPooling(2, 3, 2, 2, 2, 1, 1, 1, 0).ceil(),
    uniform(2, 2, 3, 4, 4),
)
recipe("SpatialAdaptiveMaxPooling", lambda: nn.SpatialAdaptiveMaxPooling(3, 2), uniform(2, 2, 5, 7))
recipe(
    "SpatialAdaptiveAveragePooling",
    lambda: nn.SpatialAdaptiveAveragePooling(3, 4),
    uniform(2, 2, 5, 7),
)
recipe(
    "SpatialFractionalMaxPooling, fixed regions",
    lambda: nn.SpatialFractionalMaxPooling(2, 2, 3, 4).fix_pooling_regions(),
    uniform(2, 2, 7, 6),
)
recipe("SpatialLPPooling, p = 2", lambda: nn.SpatialLPPooling(2, 2, 2, 2), _positive(2, 2, 4, 4))
recipe(
    "SpatialLPPooling, p = 3, overlapping",
    lambda: nn.SpatialLPPooling(2, 3, 3, 2, 1, 2),
    _positive(2, 2, 5, 4),
)
recipe("SpatialDropout, evaluate", lambda: nn.SpatialDropout(0.3).evaluate(), uniform(2, 3, 2, 2))
recipe(
    "SpatialDropout, training, fixed mask",
    lambda: ReseededSpatialDropout(0.5, seed=1),
    uniform(2, 4, 2, 2),
)
recipe("SpatialZeroPadding, crop", lambda: nn.SpatialZeroPadding(1, -1, 2, 0), uniform(2, 3, 3))
recipe(
    "SpatialReflectionPadding", lambda: nn.SpatialReflectionPadding(2, 1, 1, 2), uniform(2, 3, 4)
)
recipe(
    "SpatialReplicationPadding", lambda: nn.SpatialReplicationPadding(1, 2, 2, 1), uniform(2, 3, 3)
)
recipe("SpatialUpSamplingNearest", lambda: nn.SpatialUpSamplingNearest(3), uniform(2, 2, 2, 3))
recipe("SpatialCrossMapLRN", lambda: nn.SpatialCrossMapLRN(3, 0.5, 0.75, 1), uniform(2, 4, 2, 2))
recipe("SpatialSoftMax", nn.SpatialSoftMax, uniform(2, 3, 2, 2))
recipe("SpatialLogSoftMax", nn.SpatialLogSoftMax, uniform(3, 2, 3))
recipe(
    "SpatialSubtractiveNormalization, 2-D kernel",
    lambda: nn.SpatialSubtractiveNormalization(2, np.ones((3, 3))),
    uniform(2, 2, 4, 4),
)
recipe(
    "SpatialDivisiveNormalization, 1-D kernel",
    lambda: nn.SpatialDivisiveNormalization(2, np.array([1.0, 2.0, 1.0])),
    _positive(2, 4, 4),
)
recipe(
    "SpatialContrastiveNormalization",
    lambda: nn.SpatialContrastiveNormalization(2, np.ones((3, 3)), 0.05),
    _positive(1, 2, 4, 4),
)
recipe(
    "SpatialClassNLLCriterion, weights",
    lambda: nn.SpatialClassNLLCriterion(np.array([1.0, 2.0, 0.5])),
    uniform(2, 3, 2, 2),
    integers(3, 2, 2, 2),
)
