"""``minitorch_l2.gradcheck``: is my backward right, and if not, where and how is it wrong?

``check_module(module, input)`` compares every gradient a module's ``backward`` produces with
central finite differences of its ``forward`` — for tensors and tables (nested lists) of them,
block by block (``input[1] → output[0]``) — and returns a :class:`GradcheckReport` whose ``str``
names the failing blocks, their worst elements with the input values there, and a diagnosis
(transposed, sign flipped, off by a constant factor, zero, ignores grad_output, a missing mask,
wrong shape). Inputs on a kink are found and set apart, not failed — and a tensor whose every
element sits on one makes the check inconclusive, not ok; ``mode="fast"`` projects first.
Integer input leaves (indices) are held fixed.
``check_float32(module, input)`` compares a float32 module's forward and backward with its
float64 clone's. ``python -m minitorch_l2.gradcheck`` checks every built-in layer, or your own
(``mypkg.layers:PReLU --args 3 --input-shape 4,3``).

The package by role: the Jacobians themselves live below it, in ``minitorch_l2._jacobian``
(``nn.Jacobian`` uses them too); ``_run/`` holds the checks (settings, the pass, cost, full and
fast comparisons, the properties beyond the Jacobian); ``_diagnosis/`` the element comparison
and what it concludes; ``_report.py`` what is returned; ``__main__``/``_cli.py`` and
``_recipes/`` the command line; ``_text.py`` lays the report out.
"""

from .._jacobian import analytic_jacobian, numerical_jacobian
from ._report import (
    GradcheckCostError,
    GradcheckError,
    GradcheckReport,
    KinkElement,
    PropertyCheck,
    TensorCheck,
    WorstElement,
)
from ._run import check_criterion, check_float32, check_module

__all__ = [
    "GradcheckCostError",
    "GradcheckError",
    "GradcheckReport",
    "KinkElement",
    "PropertyCheck",
    "TensorCheck",
    "WorstElement",
    "analytic_jacobian",
    "check_criterion",
    "check_float32",
    "check_module",
    "numerical_jacobian",
]
