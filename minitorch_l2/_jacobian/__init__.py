"""Jacobians of modules, numerical and analytic: the building blocks below ``nn`` and ``gradcheck``.

``nn.Jacobian`` (Lua's test helpers) and ``minitorch_l2.gradcheck`` (the checker with its
reports) both build on these; this package imports only NumPy, so neither depends on the other.
Tensors and tables (nested lists of tensors) are read through a :class:`Layout`.
"""

from .analytic import Rows, analytic_jacobian, none_message, one_hot_rows, shape_message, what
from .calls import Calls, CriterionCalls, ModuleCalls
from .layout import Layout, Mismatch, describe, split
from .numerical import RowBlock, numerical_jacobian, numerical_row_blocks, rows_of, split_columns
from .state import (
    grad_input_enabled,
    parameter_arrays,
    preserved_parameters,
    subject_name,
    tree,
    zero_gradients,
)

__all__ = [
    "Calls",
    "CriterionCalls",
    "Layout",
    "Mismatch",
    "ModuleCalls",
    "RowBlock",
    "Rows",
    "analytic_jacobian",
    "describe",
    "grad_input_enabled",
    "none_message",
    "numerical_jacobian",
    "numerical_row_blocks",
    "one_hot_rows",
    "parameter_arrays",
    "preserved_parameters",
    "rows_of",
    "shape_message",
    "split",
    "split_columns",
    "subject_name",
    "tree",
    "what",
    "zero_gradients",
]
