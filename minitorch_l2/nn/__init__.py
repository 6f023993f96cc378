"""``minitorch_l2.nn``: layers, containers and criteria in the style of Lua Torch 7's ``nn``.

Every class is exported flat, as Lua's ``nn.X``; the files are grouped by family as Lua's
documentation groups them: ``containers/``, ``transfer/``, ``simple/``, ``table/``,
``convolution/``, ``criterion/``.
"""

from .container import Container
from .containers.sequential import Sequential
from .convolution import tables as tables  # nn.tables.full(...), a module as in Lua
from .convolution.spatial_adaptive_average_pooling import SpatialAdaptiveAveragePooling
from .convolution.spatial_adaptive_max_pooling import SpatialAdaptiveMaxPooling
from .convolution.spatial_average_pooling import SpatialAveragePooling
from .convolution.spatial_contrastive_normalization import SpatialContrastiveNormalization
from .convolution.spatial_convolution import SpatialConvolution
from .convolution.spatial_convolution_map import SpatialConvolutionMap
from .convolution.spatial_convolution_mm import SpatialConvolutionMM
from .convolution.spatial_cross_map_lrn import SpatialCrossMapLRN
from .convolution.spatial_dilated_convolution import SpatialDilatedConvolution
from .convolution.spatial_divisive_normalization import SpatialDivisiveNormalization
from .convolution.spatial_dropout import SpatialDropout
from .convolution.spatial_fractional_max_pooling import SpatialFractionalMaxPooling
from .convolution.spatial_full_convolution import SpatialFullConvolution
from .convolution.spatial_full_convolution_map import SpatialFullConvolutionMap
from .convolution.spatial_log_softmax import SpatialLogSoftMax
from .convolution.spatial_lp_pooling import SpatialLPPooling
from .convolution.spatial_max_pooling import SpatialMaxPooling
from .convolution.spatial_reflection_padding import SpatialReflectionPadding
from .convolution.spatial_replication_padding import SpatialReplicationPadding
from .convolution.spatial_softmax import SpatialSoftMax
from .convolution.spatial_subtractive_normalization import SpatialSubtractiveNormalization
from .convolution.spatial_up_sampling_nearest import SpatialUpSamplingNearest
from .convolution.spatial_zero_padding import SpatialZeroPadding
from .convolution.temporal_convolution import TemporalConvolution
from .convolution.temporal_max_pooling import TemporalMaxPooling
from .convolution.volumetric_convolution import VolumetricConvolution
from .convolution.volumetric_max_pooling import VolumetricMaxPooling
from .criterion.class_nll_criterion import ClassNLLCriterion
from .criterion.cosine_embedding_criterion import CosineEmbeddingCriterion
from .criterion.criterion import Criterion
from .criterion.cross_entropy_criterion import CrossEntropyCriterion
from .criterion.mse_criterion import MSECriterion
from .criterion.spatial_class_nll_criterion import SpatialClassNLLCriterion
from .jacobian import Jacobian
from .module import Module
from .simple.dropout import Dropout
from .simple.identity import Identity
from .simple.l2normalize import L2Normalize
from .simple.linear import Linear
from .transfer.log_softmax import LogSoftMax
from .transfer.relu import ReLU
from .transfer.sigmoid import Sigmoid
from .transfer.softmax import SoftMax
from .transfer.tanh import Tanh

__all__ = [
    "ClassNLLCriterion",
    "Container",
    "CosineEmbeddingCriterion",
    "Criterion",
    "CrossEntropyCriterion",
    "Dropout",
    "Identity",
    "Jacobian",
    "L2Normalize",
    "Linear",
    "LogSoftMax",
    "MSECriterion",
    "Module",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "SoftMax",
    "SpatialAdaptiveAveragePooling",
    "SpatialAdaptiveMaxPooling",
    "SpatialAveragePooling",
    "SpatialClassNLLCriterion",
    "SpatialContrastiveNormalization",
    "SpatialConvolution",
    "SpatialConvolutionMM",
    "SpatialConvolutionMap",
    "SpatialCrossMapLRN",
    "SpatialDilatedConvolution",
    "SpatialDivisiveNormalization",
    "SpatialDropout",
    "SpatialFractionalMaxPooling",
    "SpatialFullConvolution",
    "SpatialFullConvolutionMap",
    "SpatialLPPooling",
    "SpatialLogSoftMax",
    "SpatialMaxPooling",
    "SpatialReflectionPadding",
    "SpatialReplicationPadding",
    "SpatialSoftMax",
    "SpatialSubtractiveNormalization",
    "SpatialUpSamplingNearest",
    "SpatialZeroPadding",
    "Tanh",
    "TemporalConvolution",
    "TemporalMaxPooling",
    "VolumetricConvolution",
    "VolumetricMaxPooling",
]
