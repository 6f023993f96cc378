"""``minitorch_l2.nn``: layers, containers and criteria in the style of Lua Torch 7's ``nn``."""

from .criterion import Criterion
from .jacobian import Jacobian
from .linear import Linear
from .module import Module
from .sequential import Sequential
from .tanh import Tanh

__all__ = ["Criterion", "Jacobian", "Linear", "Module", "Sequential", "Tanh"]
