"""``minitorch_l2.nn``: layers, containers and criteria in the style of Lua Torch 7's ``nn``."""

from .class_nll_criterion import ClassNLLCriterion
from .cosine_embedding_criterion import CosineEmbeddingCriterion
from .criterion import Criterion
from .cross_entropy_criterion import CrossEntropyCriterion
from .dropout import Dropout
from .identity import Identity
from .jacobian import Jacobian
from .l2normalize import L2Normalize
from .linear import Linear
from .log_softmax import LogSoftMax
from .module import Module
from .mse_criterion import MSECriterion
from .relu import ReLU
from .sequential import Sequential
from .sigmoid import Sigmoid
from .softmax import SoftMax
from .tanh import Tanh

__all__ = [
    "ClassNLLCriterion",
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
    "Tanh",
]
