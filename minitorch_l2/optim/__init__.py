"""``minitorch_l2.optim``: Torch 7's optim package — its optimisers, line search and tools.

``x, fs = optim.method(feval, x, config=None, state=None)`` where ``feval(x) -> (loss, grad)``
and ``x`` (usually the flat vector from ``module.get_parameters()``) is updated in place; as in
Lua, ``asgd`` also returns the averaged x, and ``lbfgs``, ``cg`` and ``lbfgsb`` the number of
evaluations. Options take Lua's names (``learningRate``) or snake_case (``learning_rate``). As
in Torch, ``state`` defaults to ``config``: reuse one dict across calls to keep momentum and
moments. ``ConfusionMatrix`` and ``Logger`` are Torch's training tools.
"""

from .adadelta import adadelta
from .adagrad import adagrad
from .adam import adam
from .adamax import adamax
from .asgd import asgd
from .cg import cg
from .confusion_matrix import ConfusionMatrix
from .lbfgs import lbfgs
from .lbfgsb import lbfgsb
from .logger import Logger
from .lswolfe import lswolfe
from .nag import nag
from .rmsprop import rmsprop
from .rprop import rprop
from .sgd import sgd

__all__ = [
    "ConfusionMatrix",
    "Logger",
    "adadelta",
    "adagrad",
    "adam",
    "adamax",
    "asgd",
    "cg",
    "lbfgs",
    "lbfgsb",
    "lswolfe",
    "nag",
    "rmsprop",
    "rprop",
    "sgd",
]
