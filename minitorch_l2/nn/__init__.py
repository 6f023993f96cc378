"""``minitorch_l2.nn``: layers, containers and criteria in the style of Lua Torch 7's ``nn``.

Every class is exported flat, as Lua's ``nn.X``; the files are grouped by family as Lua's
documentation groups them: ``containers/``, ``transfer/``, ``simple/``, ``table/``,
``convolution/``, ``criterion/``.
"""

from .container import Container
from .containers.sequential import Sequential
from .convolution.spatial_batch_normalization import SpatialBatchNormalization
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
from .criterion.mse_criterion import MSECriterion
from .criterion.multi_label_margin_criterion import MultiLabelMarginCriterion
from .criterion.multi_label_soft_margin_criterion import MultiLabelSoftMarginCriterion
from .criterion.multi_margin_criterion import MultiMarginCriterion
from .criterion.smooth_l1_criterion import SmoothL1Criterion
from .criterion.soft_margin_criterion import SoftMarginCriterion
from .criterion.weighted_mse_criterion import WeightedMSECriterion
from .jacobian import Jacobian
from .module import Module
from .simple.batch_normalization import BatchNormalization
from .simple.dropout import Dropout
from .simple.identity import Identity
from .simple.l2normalize import L2Normalize
from .simple.linear import Linear
from .simple.lookup_table import LookupTable
from .simple.normalize import Normalize
from .transfer.log_softmax import LogSoftMax
from .transfer.relu import ReLU
from .transfer.sigmoid import Sigmoid
from .transfer.softmax import SoftMax
from .transfer.tanh import Tanh

__all__ = [
    "AbsCriterion",
    "BCECriterion",
    "BatchNormalization",
    "ClassNLLCriterion",
    "Container",
    "CosineEmbeddingCriterion",
    "Criterion",
    "CrossEntropyCriterion",
    "DistKLDivCriterion",
    "Dropout",
    "HingeEmbeddingCriterion",
    "Identity",
    "Jacobian",
    "L1HingeEmbeddingCriterion",
    "L2Normalize",
    "Linear",
    "LogSoftMax",
    "LookupTable",
    "MSECriterion",
    "MarginCriterion",
    "Module",
    "MultiLabelMarginCriterion",
    "MultiLabelSoftMarginCriterion",
    "MultiMarginCriterion",
    "Normalize",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "SmoothL1Criterion",
    "SoftMarginCriterion",
    "SoftMax",
    "SpatialBatchNormalization",
    "Tanh",
    "WeightedMSECriterion",
]
