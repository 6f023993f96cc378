"""The checks: settings, the one pass of a check, its cost, the full and fast comparisons."""

from .check import check_criterion, check_module
from .precision import check_float32
from .settings import Settings

__all__ = ["Settings", "check_criterion", "check_float32", "check_module"]
