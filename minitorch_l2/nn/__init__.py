"""``minitorch_l2.nn``: layers, containers and criteria in the style of Lua Torch 7's ``nn``.

Every class is exported flat, as Lua's ``nn.X``; the files are grouped by family as Lua's
documentation groups them: ``containers/``, ``transfer/``, ``simple/``, ``table/``,
``convolution/``, ``criterion/``.
"""

from . import utils  # noqa: F401 (nn.utils: Lua's model_utils)
from .container import Container
from .containers.concat import Concat
from .containers.parallel import Parallel
from .containers.sequential import Sequential
from .convolution import tables as tables
from .convolution.spatial_adaptive_average_pooling import SpatialAdaptiveAveragePooling
from .convolution.spatial_adaptive_max_pooling import SpatialAdaptiveMaxPooling
from .convolution.spatial_average_pooling import SpatialAveragePooling
from .convolution.spatial_batch_normalization import SpatialBatchNormalization
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
from .criterion.abs_criterion import AbsCriterion
from .criterion.bce_criterion import BCECriterion
from .criterion.class_nll_criterion import ClassNLLCriterion
from .criterion.cosine_embedding_criterion import CosineEmbeddingCriterion
from .criterion.criterion import Criterion
from .criterion.cross_entropy_criterion import CrossEntropyCriterion
from .criterion.dist_kl_div_criterion import DistKLDivCriterion
from .criterion.hinge_embedding_criterion import HingeEmbeddingCriterion
from .criterion.l1_hinge_embedding_criterion import L1HingeEmbeddingCriterion
from .criterion.margin_criterion import MarginCriterion
from .criterion.margin_ranking_criterion import MarginRankingCriterion
from .criterion.mse_criterion import MSECriterion
from .criterion.multi_criterion import MultiCriterion
from .criterion.multi_label_margin_criterion import MultiLabelMarginCriterion
from .criterion.multi_label_soft_margin_criterion import MultiLabelSoftMarginCriterion
from .criterion.multi_margin_criterion import MultiMarginCriterion
from .criterion.parallel_criterion import ParallelCriterion
from .criterion.smooth_l1_criterion import SmoothL1Criterion
from .criterion.soft_margin_criterion import SoftMarginCriterion
from .criterion.spatial_class_nll_criterion import SpatialClassNLLCriterion
from .criterion.weighted_mse_criterion import WeightedMSECriterion
from .graph.gmodule import gModule
from .jacobian import Jacobian
from .module import Module
from .simple.abs import Abs
from .simple.add import Add
from .simple.add_constant import AddConstant
from .simple.batch_normalization import BatchNormalization
from .simple.cadd import CAdd
from .simple.clamp import Clamp
from .simple.cmul import CMul
from .simple.contiguous import Contiguous
from .simple.copy import Copy
from .simple.cosine import Cosine
from .simple.dropout import Dropout
from .simple.euclidean import Euclidean
from .simple.exp import Exp
from .simple.identity import Identity
from .simple.index import Index
from .simple.l2normalize import L2Normalize
from .simple.linear import Linear
from .simple.log import Log
from .simple.lookup_table import LookupTable
from .simple.max import Max
from .simple.mean import Mean
from .simple.min import Min
from .simple.mul import Mul
from .simple.mul_constant import MulConstant
from .simple.narrow import Narrow
from .simple.normalize import Normalize
from .simple.padding import Padding
from .simple.power import Power
from .simple.replicate import Replicate
from .simple.reshape import Reshape
from .simple.select import Select
from .simple.sqrt import Sqrt
from .simple.square import Square
from .simple.squeeze import Squeeze
from .simple.sum import Sum
from .simple.transpose import Transpose
from .simple.unsqueeze import Unsqueeze
from .simple.view import View
from .stochastic_gradient import StochasticGradient
from .table.bilinear import Bilinear
from .table.cadd_table import CAddTable
from .table.cdiv_table import CDivTable
from .table.cmax_table import CMaxTable
from .table.cmin_table import CMinTable
from .table.cmul_table import CMulTable
from .table.concat_table import ConcatTable
from .table.cosine_distance import CosineDistance
from .table.csub_table import CSubTable
from .table.dot_product import DotProduct
from .table.flatten_table import FlattenTable
from .table.join_table import JoinTable
from .table.mm import MM
from .table.mv import MV
from .table.narrow_table import NarrowTable
from .table.pairwise_distance import PairwiseDistance
from .table.parallel_table import ParallelTable
from .table.select_table import SelectTable
from .table.split_table import SplitTable
from .transfer.elu import ELU
from .transfer.hard_shrink import HardShrink
from .transfer.hard_tanh import HardTanh
from .transfer.leaky_relu import LeakyReLU
from .transfer.log_sigmoid import LogSigmoid
from .transfer.log_softmax import LogSoftMax
from .transfer.prelu import PReLU
from .transfer.relu import ReLU
from .transfer.sigmoid import Sigmoid
from .transfer.soft_min import SoftMin
from .transfer.soft_plus import SoftPlus
from .transfer.soft_shrink import SoftShrink
from .transfer.soft_sign import SoftSign
from .transfer.softmax import SoftMax
from .transfer.tanh import Tanh
from .transfer.tanh_shrink import TanhShrink
from .transfer.threshold import Threshold

__all__ = [
    "Abs",
    "AbsCriterion",
    "Add",
    "AddConstant",
    "BCECriterion",
    "BatchNormalization",
    "Bilinear",
    "CAdd",
    "CAddTable",
    "CDivTable",
    "CMaxTable",
    "CMinTable",
    "CMul",
    "CMulTable",
    "CSubTable",
    "Clamp",
    "ClassNLLCriterion",
    "Concat",
    "ConcatTable",
    "Container",
    "Contiguous",
    "Copy",
    "Cosine",
    "CosineDistance",
    "CosineEmbeddingCriterion",
    "Criterion",
    "CrossEntropyCriterion",
    "DistKLDivCriterion",
    "DotProduct",
    "Dropout",
    "ELU",
    "Euclidean",
    "Exp",
    "FlattenTable",
    "HardShrink",
    "HardTanh",
    "HingeEmbeddingCriterion",
    "Identity",
    "Index",
    "Jacobian",
    "JoinTable",
    "L1HingeEmbeddingCriterion",
    "L2Normalize",
    "LeakyReLU",
    "Linear",
    "Log",
    "LogSigmoid",
    "LogSoftMax",
    "LookupTable",
    "MM",
    "MSECriterion",
    "MV",
    "MarginCriterion",
    "MarginRankingCriterion",
    "Max",
    "Mean",
    "Min",
    "Module",
    "Mul",
    "MulConstant",
    "MultiCriterion",
    "MultiLabelMarginCriterion",
    "MultiLabelSoftMarginCriterion",
    "MultiMarginCriterion",
    "Narrow",
    "NarrowTable",
    "Normalize",
    "PReLU",
    "Padding",
    "PairwiseDistance",
    "Parallel",
    "ParallelCriterion",
    "ParallelTable",
    "Power",
    "ReLU",
    "Replicate",
    "Reshape",
    "Select",
    "SelectTable",
    "Sequential",
    "Sigmoid",
    "SmoothL1Criterion",
    "SoftMarginCriterion",
    "SoftMax",
    "SoftMin",
    "SoftPlus",
    "SoftShrink",
    "SoftSign",
    "SpatialAdaptiveAveragePooling",
    "SpatialAdaptiveMaxPooling",
    "SpatialAveragePooling",
    "SpatialBatchNormalization",
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
    "SplitTable",
    "Sqrt",
    "Square",
    "Squeeze",
    "StochasticGradient",
    "Sum",
    "Tanh",
    "TanhShrink",
    "TemporalConvolution",
    "TemporalMaxPooling",
    "Threshold",
    "Transpose",
    "Unsqueeze",
    "View",
    "VolumetricConvolution",
    "VolumetricMaxPooling",
    "WeightedMSECriterion",
    "gModule",
    "tables",
]
