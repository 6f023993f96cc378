"""``nn.Jacobian``: Lua Torch's gradient tests, under their Lua names and argument order.

J[i, j] = ∂outputⱼ/∂xᵢ, one row per element of x (the input, or a parameter), one column per
output element; a table's elements are its leaves' elements, one leaf after the other.
``forward`` computes J by central differences, ``backward`` from one-hot backward passes;
``testJacobian`` and its siblings return max |J_forward − J_backward|, one number that answers
"how wrong?" (:func:`minitorch_l2.gradcheck.check_module` also says where and why). The
``*Update`` pair checks ``acc_update_grad_parameters`` (Lua's ``accUpdateGradParameters``,
θ ← θ − lr · ∂L/∂θ): a module without one is given Lua's default, an ``acc_grad_parameters``
applied to θ itself.

By job: ``_build.py`` makes the Jacobians, ``_tests.py`` holds Lua's ``test*`` functions that
compare them, ``_io.py`` the save/load round trip ``testIO`` with the registry through which
``minitorch_l2.serialization`` lends it its files (serialization imports nn, never the reverse).
"""

from __future__ import annotations

from . import _build, _io, _tests
from ._io import register_files


class Jacobian:
    """Static helpers, called as in Lua: ``nn.Jacobian.testJacobian(module, input)``."""

    forward = staticmethod(_build.forward)
    backward = staticmethod(_build.backward)
    forwardUpdate = staticmethod(_build.forwardUpdate)
    backwardUpdate = staticmethod(_build.backwardUpdate)
    testJacobian = staticmethod(_tests.testJacobian)
    testJacobianParameters = staticmethod(_tests.testJacobianParameters)
    testJacobianUpdateParameters = staticmethod(_tests.testJacobianUpdateParameters)
    testAllUpdate = staticmethod(_tests.testAllUpdate)
    testIO = staticmethod(_io.testIO)


__all__ = ["Jacobian", "register_files"]
