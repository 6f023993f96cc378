"""Convolution layers (``nn/convolution/``): SpatialBatchNormalization is Lua's batch
normalization of feature maps, mapped as BatchNormalization is."""

from __future__ import annotations

from .... import nn
from .simple import batch_normalization

ENTRIES = (batch_normalization("nn.SpatialBatchNormalization", nn.SpatialBatchNormalization),)
