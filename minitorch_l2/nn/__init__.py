"""``minitorch_l2.nn``: layers, containers and criteria in the style of Lua Torch 7's ``nn``."""

from .criterion import Criterion
from .l2normalize import L2Normalize
from .linear import Linear
from .module import Module
from .sequential import Sequential
from .tanh import Tanh

__all__ = ["Criterion", "L2Normalize", "Linear", "Module", "Sequential", "Tanh"]
