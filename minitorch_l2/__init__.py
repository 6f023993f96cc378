"""minitorch_l2: a small, exact, fast neural-net framework in pure NumPy, in Lua Torch 7's style.

``from minitorch_l2 import nn`` is the main entry; the core classes are re-exported here.
"""

from . import _threads
from ._threads import get_num_threads, set_num_threads

_threads.apply_default_policy()  # one BLAS thread unless the user chose (see _threads.py)

from . import data, gradcheck, nn, optim  # noqa: E402
from ._random import generator, manual_seed  # noqa: E402
from .nn import L2Normalize, Linear, Module, Sequential  # noqa: E402
from .serialization import load, save  # noqa: E402

__version__ = "0.1.0"

__all__ = [
    "L2Normalize",
    "Linear",
    "Module",
    "Sequential",
    "data",
    "generator",
    "get_num_threads",
    "gradcheck",
    "load",
    "manual_seed",
    "nn",
    "optim",
    "save",
    "set_num_threads",
    "__version__",
]
