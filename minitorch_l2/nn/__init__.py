"""``minitorch_l2.nn``: layers, containers and criteria in the style of Lua Torch 7's ``nn``.

Every class is exported flat, as Lua's ``nn.X``; the files are grouped by family as Lua's
documentation groups them: ``containers/``, ``transfer/``, ``simple/``, ``table/``,
``convolution/``, ``criterion/``.
"""

from .container import Container
from .containers.concat import Concat
from .containers.parallel import Parallel
from .containers.sequential import Sequential
from .criterion.class_nll_criterion import ClassNLLCriterion
from .criterion.cosine_embedding_criterion import CosineEmbeddingCriterion
from .criterion.criterion import Criterion
from .criterion.cross_entropy_criterion import CrossEntropyCriterion
from .criterion.margin_ranking_criterion import MarginRankingCriterion
from .criterion.mse_criterion import MSECriterion
from .criterion.multi_criterion import MultiCriterion
from .criterion.parallel_criterion import ParallelCriterion
from .jacobian import Jacobian
from .module import Module
from .simple.cosine import Cosine
from .simple.dropout import Dropout
from .simple.euclidean import Euclidean
from .simple.identity import Identity
from .simple.l2normalize import L2Normalize
from .simple.linear import Linear
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
from .transfer.log_softmax import LogSoftMax
from .transfer.relu import ReLU
from .transfer.sigmoid import Sigmoid
from .transfer.softmax import SoftMax
from .transfer.tanh import Tanh

__all__ = [
    "Bilinear",
    "CAddTable",
    "CDivTable",
    "CMaxTable",
    "CMinTable",
    "CMulTable",
    "CSubTable",
    "ClassNLLCriterion",
    "Concat",
    "ConcatTable",
    "Container",
    "Cosine",
    "CosineDistance",
    "CosineEmbeddingCriterion",
    "Criterion",
    "CrossEntropyCriterion",
    "DotProduct",
    "Dropout",
    "Euclidean",
    "FlattenTable",
    "Identity",
    "Jacobian",
    "JoinTable",
    "L2Normalize",
    "Linear",
    "LogSoftMax",
    "MM",
    "MSECriterion",
    "MV",
    "MarginRankingCriterion",
    "Module",
    "MultiCriterion",
    "NarrowTable",
    "PairwiseDistance",
    "Parallel",
    "ParallelCriterion",
    "ParallelTable",
    "ReLU",
    "SelectTable",
    "Sequential",
    "Sigmoid",
    "SoftMax",
    "SplitTable",
    "Tanh",
]
