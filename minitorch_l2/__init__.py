"""minitorch_l2: a small, exact, fast neural-net framework in pure NumPy, in Lua Torch 7's style.

``from minitorch_l2 import nn`` is the main entry; the core classes are re-exported here.
"""

from . import gradcheck, nn
from ._random import generator, manual_seed
from .nn import Linear, Module, Sequential

__version__ = "0.1.0"

__all__ = [
    "Linear",
    "Module",
    "Sequential",
    "generator",
    "gradcheck",
    "manual_seed",
    "nn",
    "__version__",
]
