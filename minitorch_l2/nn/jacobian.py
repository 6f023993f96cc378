"""``nn.Jacobian``: Lua Torch's gradient test, under its Lua names, for teaching.

``testJacobian`` fills the input with U(minval, maxval) and returns
max |J_numeric − J_analytic| over all elements, with J[i, j] = ∂outputⱼ/∂xᵢ from central
differences (``forward``) and from one-hot backward passes (``backward``). It answers "how
wrong?" with one number; :func:`minitorch_l2.gradcheck.check_module` also says where and why.
"""

from __future__ import annotations

import numpy as np

from .._random import generator
from ..gradcheck._analytic import analytic_jacobian
from ..gradcheck._numerical import numerical_jacobian


class Jacobian:
    """Static helpers, called as in Lua: ``nn.Jacobian.testJacobian(module, input)``."""

    @staticmethod
    def forward(
        module: object,
        input: np.ndarray,
        param: np.ndarray | None = None,
        perturbation: float = 1e-6,
    ) -> np.ndarray:
        """Numerical Jacobian of ``module.forward(input)`` w.r.t. ``input`` (or ``param``).

        ``J[i, j] = (f(xᵢ + h) − f(xᵢ − h))ⱼ / 2h``, shape (x.size, output.size); ``x`` is
        perturbed in place and restored exactly.
        """
        tensor = input if param is None else param
        return numerical_jacobian(lambda _: module.forward(input), tensor, perturbation)

    @staticmethod
    def backward(
        module: object,
        input: np.ndarray,
        param: np.ndarray | None = None,
        dparam: np.ndarray | None = None,
    ) -> np.ndarray:
        """Analytic Jacobian from one-hot ``backward`` passes, shape (x.size, output.size).

        With ``param``/``dparam`` (a parameter array of the module and its gradient array, e.g.
        ``module.weight, module.grad_weight``) the Jacobian of that parameter is returned.
        """
        if param is None:
            return analytic_jacobian(module, input, params=False)["input"]
        for name, p, g in module.named_parameters():
            if p is param:
                if dparam is not None and g is not dparam:
                    raise ValueError(
                        f"nn.Jacobian: dparam is not the gradient array of {name}; pass the "
                        f"module's own gradient array (e.g. module.grad_weight)"
                    )
                return analytic_jacobian(module, input)[name]
        raise ValueError(
            "nn.Jacobian: param is not a parameter array of the module; pass the module's own "
            "array (e.g. module.weight), not a copy"
        )

    @staticmethod
    def testJacobian(
        module: object,
        input: np.ndarray,
        minval: float = -2.0,
        maxval: float = 2.0,
        perturbation: float = 1e-6,
    ) -> float:
        """Max |J_numeric − J_analytic| w.r.t. the input, at a random input.

        As in Lua, ``input`` only gives the shape: it is filled in place with U(minval, maxval)
        from the generator seeded by ``minitorch_l2.manual_seed``.
        """
        input[...] = generator().uniform(minval, maxval, input.shape)
        numeric = Jacobian.forward(module, input, perturbation=perturbation)
        return _max_abs(numeric - Jacobian.backward(module, input))

    @staticmethod
    def testJacobianParameters(
        module: object,
        input: np.ndarray,
        param: np.ndarray,
        dparam: np.ndarray,
        minval: float = -2.0,
        maxval: float = 2.0,
        perturbation: float = 1e-6,
    ) -> float:
        """Max |J_numeric − J_analytic| w.r.t. ``param``, at a random input and random ``param``.

        As in Lua, both ``input`` and ``param`` (the module's own array) are filled in place
        with U(minval, maxval); ``dparam`` is the matching gradient array.
        """
        input[...] = generator().uniform(minval, maxval, input.shape)
        param[...] = generator().uniform(minval, maxval, param.shape)
        numeric = Jacobian.forward(module, input, param, perturbation)
        return _max_abs(numeric - Jacobian.backward(module, input, param, dparam))


def _max_abs(difference: np.ndarray) -> float:
    return float(np.max(np.abs(difference))) if difference.size else 0.0
