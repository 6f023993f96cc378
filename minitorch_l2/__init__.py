"""minitorch_l2: a small, exact, fast neural-net framework in pure NumPy, in Lua Torch 7's style.

``from minitorch_l2 import nn`` is the main entry; the core classes are re-exported here.
"""

from . import nn
from ._random import generator, manual_seed
from .nn import L2Normalize, Linear, Module, Sequential

__version__ = "0.1.0"

__all__ = [
    "L2Normalize",
    "Linear",
    "Module",
    "Sequential",
    "generator",
    "manual_seed",
    "nn",
    "__version__",
]
