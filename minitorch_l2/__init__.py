"""minitorch_l2: a small, exact, fast neural-net framework in pure NumPy, in Lua Torch 7's style.

``from minitorch_l2 import nn`` is the main entry; the core classes are re-exported here.
"""

from . import data, gradcheck, nn, optim
from ._random import generator, manual_seed
from .nn import L2Normalize, Linear, Module, Sequential
from .serialization import load, save

__version__ = "0.1.0"

__all__ = [
    "L2Normalize",
    "Linear",
    "Module",
    "Sequential",
    "data",
    "generator",
    "gradcheck",
    "load",
    "manual_seed",
    "nn",
    "optim",
    "save",
    "__version__",
]
