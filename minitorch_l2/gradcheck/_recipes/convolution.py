"""Recipes of the convolution family: strides, padding, ceil mode, non-square kernels.

Each input is small (a few hundred elements at most) so that the finite differences over every
input element and weight run in a fraction of a second.
"""

from __future__ import annotations

import numpy as np

from ... import nn
from . import recipe, uniform

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
recipe(
    "SpatialConvolution, float32",
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
