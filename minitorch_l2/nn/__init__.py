"""``minitorch_l2.nn``: layers, containers and criteria in the style of Lua Torch 7's ``nn``.

Every class is exported flat, as Lua's ``nn.X``; the files are grouped by family as Lua's
documentation groups them: ``containers/``, ``transfer/``, ``simple/``, ``table/``,
``convolution/``, ``criterion/``.
"""

from .container import Container
from .containers.sequential import Sequential
from .convolution.spatial_average_pooling import SpatialAveragePooling
from .convolution.spatial_convolution import SpatialConvolution
from .convolution.spatial_convolution_mm import SpatialConvolutionMM
from .convolution.spatial_max_pooling import SpatialMaxPooling
from .convolution.temporal_convolution import TemporalConvolution
from .convolution.temporal_max_pooling import TemporalMaxPooling
from .criterion.class_nll_criterion import ClassNLLCriterion
from .criterion.cosine_embedding_criterion import CosineEmbeddingCriterion
from .criterion.criterion import Criterion
from .criterion.cross_entropy_criterion import CrossEntropyCriterion
from .criterion.mse_criterion import MSECriterion
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
    "SpatialAveragePooling",
    "SpatialConvolution",
    "SpatialConvolutionMM",
    "SpatialMaxPooling",
    "Tanh",
    "TemporalConvolution",
    "TemporalMaxPooling",
]
