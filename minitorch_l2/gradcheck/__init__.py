"""``minitorch_l2.gradcheck``: is my backward right, and if not, where and how is it wrong?

``check_module(module, input)`` compares every gradient a module's ``backward`` produces with
central finite differences of its ``forward`` and returns a :class:`GradcheckReport` whose
``str`` names the failing tensors, their worst elements, and a diagnosis (transposed, sign
flipped, off by a constant factor, zero, ignores grad_output, wrong shape).
``python -m minitorch_l2.gradcheck`` checks every built-in layer and criterion.
"""

from ._analytic import analytic_jacobian
from ._check import check_criterion, check_module
from ._numerical import numerical_jacobian
from ._report import GradcheckError, GradcheckReport, PropertyCheck, TensorCheck, WorstElement

__all__ = [
    "GradcheckError",
    "GradcheckReport",
    "PropertyCheck",
    "TensorCheck",
    "WorstElement",
    "analytic_jacobian",
    "check_criterion",
    "check_module",
    "numerical_jacobian",
]
