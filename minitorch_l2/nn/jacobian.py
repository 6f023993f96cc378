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
        perturbed in place and restored exactly. (Precisely, the difference is divided by the
        steps xᵢ ± h really took in x's dtype, which is 2h up to rounding; see
        :func:`minitorch_l2.gradcheck.numerical_jacobian`.)

        Parameters
        ----------
        module : nn.Module
            Its ``forward(input)`` is f; it is called with ``input`` itself, not a copy.
        input : numpy.ndarray
            Where to differentiate. It is x, perturbed element by element, unless ``param``
            is given.
        param : numpy.ndarray or None
            A parameter array of the module (its own array, e.g. ``module.weight``, not a
            copy: a copy is never read by forward) to take as x instead of ``input``.
        perturbation : float
            h, the finite-difference step.

        Returns
        -------
        numpy.ndarray
            float64, shape ``(x.size, output.size)``, ``J[i, j] ≈ ∂outputⱼ/∂xᵢ``.
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
        Column j is what backward gives for ``grad_output`` = eⱼ (1 at output element j):
        (∂y/∂x)ᵀ eⱼ = ∂yⱼ/∂x. Forward is re-run at ``input`` before every backward, the
        module only sees copies of ``input``, and its parameters and gradients are left
        exactly as they were (see :func:`minitorch_l2.gradcheck.analytic_jacobian`).

        Parameters
        ----------
        module : nn.Module
            The module whose ``backward`` is tested.
        input : numpy.ndarray
            Where to linearise; not modified.
        param : numpy.ndarray or None
            None for the Jacobian w.r.t. ``input``; else a parameter array of the module, the
            module's own array (found by identity in ``named_parameters()``), or a ValueError.
        dparam : numpy.ndarray or None
            The gradient array belonging to ``param``. Only checked: if given and not that
            array, a ValueError. The Jacobian is read from the module's gradient either way.

        Returns
        -------
        numpy.ndarray
            float64, shape ``(x.size, output.size)``, ``J[i, j] = ∂outputⱼ/∂xᵢ`` as backward
            computes it, x being ``input`` or ``param``. A ValueError is raised when backward
            returns None or a gradient of the wrong shape.
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

        Parameters
        ----------
        module : nn.Module
            The module whose ``backward`` is tested against its ``forward``.
        input : numpy.ndarray
            A float array of the shape to test; overwritten with the random input.
        minval, maxval : float
            Bounds of the uniform distribution the input is drawn from.
        perturbation : float
            The finite-difference step h of :meth:`forward`.

        Returns
        -------
        float
            max over i, j of |J_numeric[i, j] − J_analytic[i, j]|, with J_numeric from
            :meth:`forward` and J_analytic from :meth:`backward`; 0.0 for an empty
            Jacobian, NaN when either Jacobian holds a NaN. No pass/fail threshold is
            applied; for a correct smooth layer in float64 it is typically below 1e-8.
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

        Parameters
        ----------
        module : nn.Module
            The module whose parameter gradient (``acc_grad_parameters``) is tested.
        input : numpy.ndarray
            A float array of the shape to test; overwritten with a random input.
        param : numpy.ndarray
            A parameter array of the module, its own (e.g. ``module.weight``); overwritten with
            random values, which it keeps afterwards.
        dparam : numpy.ndarray
            The gradient array of ``param`` (e.g. ``module.grad_weight``); a ValueError if it
            is another array. Its values are restored after the check.
        minval, maxval : float
            Bounds of the uniform distribution ``input`` and ``param`` are drawn from.
        perturbation : float
            The finite-difference step h of :meth:`forward`.

        Returns
        -------
        float
            max over i, j of |J_numeric[i, j] − J_analytic[i, j]| for the Jacobian w.r.t.
            ``param``; 0.0 for an empty Jacobian, NaN when either holds a NaN.
        """
        input[...] = generator().uniform(minval, maxval, input.shape)
        param[...] = generator().uniform(minval, maxval, param.shape)
        numeric = Jacobian.forward(module, input, param, perturbation)
        return _max_abs(numeric - Jacobian.backward(module, input, param, dparam))


def _max_abs(difference: np.ndarray) -> float:
    return float(np.max(np.abs(difference))) if difference.size else 0.0
