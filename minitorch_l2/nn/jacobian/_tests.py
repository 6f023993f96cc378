"""Lua's tests of a module's gradients: each compares two of the Jacobians of ``_build.py``
and returns one number, max |J_forward − J_backward| (or Lua's dict of errors for
``testAllUpdate``), that answers "how wrong?".

Every test checks all its arguments before it draws a random value into any of them: an input
it would refuse is left as it was.
"""

from __future__ import annotations

import numpy as np

from ..._jacobian import Layout, preserved_parameters
from ..._random import generator
from ._build import (
    acc_update,
    backward,
    backwardUpdate,
    float_leaves,
    forward,
    forwardUpdate,
    parameter_name,
)


def testJacobian(
    module: object,
    input: np.ndarray | list,
    minval: float = -2.0,
    maxval: float = 2.0,
    perturbation: float = 1e-6,
) -> float:
    """Max |J_forward − J_backward| w.r.t. the input, at a random input.

    As in Lua, ``input`` only gives the shape: it is filled in place with U(minval, maxval)
    from the generator seeded by ``minitorch_l2.manual_seed`` — after the module has
    accepted those values (an input it refuses is left untouched).

    Parameters
    ----------
    module : nn.Module
        The module whose ``backward`` is tested against its ``forward``.
    input : numpy.ndarray or list
        A float array (or table of them) of the shape to test; overwritten with the draw.
    minval, maxval : float
        Bounds of the uniform distribution the input is drawn from.
    perturbation : float
        The finite-difference step h of :meth:`forward`.

    Returns
    -------
    float
        max over i, j of |J_forward[i, j] − J_backward[i, j]|; 0.0 for an empty Jacobian,
        NaN when either Jacobian holds a NaN. No pass/fail threshold is applied; for a
        correct smooth layer in float64 it is typically below 1e-8.
    """
    _fill(module, input, [], minval, maxval, "testJacobian")
    numeric = forward(module, input, perturbation=perturbation)
    return max_abs(numeric - backward(module, input))


def testJacobianParameters(
    module: object,
    input: np.ndarray | list,
    param: np.ndarray,
    dparam: np.ndarray,
    minval: float = -2.0,
    maxval: float = 2.0,
    perturbation: float = 1e-6,
) -> float:
    """Max |J_forward − J_backward| w.r.t. ``param``, at a random input and random ``param``.

    As in Lua, both ``input`` and ``param`` (the module's own array) are filled in place
    with U(minval, maxval); ``dparam`` is the matching gradient array.

    Parameters
    ----------
    module : nn.Module
        The module whose parameter gradient (``acc_grad_parameters``) is tested.
    input : numpy.ndarray or list
        A float array (or table) of the shape to test; overwritten with a random input.
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
        max over i, j of |J_forward[i, j] − J_backward[i, j]| for the Jacobian w.r.t.
        ``param``; 0.0 for an empty Jacobian, NaN when either holds a NaN.
    """
    parameter_name(module, param, dparam)
    _fill(module, input, [param], minval, maxval, "testJacobianParameters")
    analytic = backward(module, input, param, dparam)
    return max_abs(forward(module, input, param, perturbation) - analytic)


def testJacobianUpdateParameters(
    module: object,
    input: np.ndarray | list,
    param: np.ndarray,
    minval: float = -2.0,
    maxval: float = 2.0,
    perturbation: float = 1e-6,
) -> float:
    """Max |forwardUpdate − backwardUpdate| for ``param``, at a random input and ``param``.

    Tests the direct update θ ← θ − lr · ∂L/∂θ of ``acc_update_grad_parameters``; ``input``
    and ``param`` are filled in place with U(minval, maxval), as in Lua.

    Parameters
    ----------
    module : nn.Module
        The module.
    input : numpy.ndarray or list
        A float array (or table) of the shape to test; overwritten with a random input.
    param : numpy.ndarray
        A parameter array of the module, its own; keeps its random values afterwards.
    minval, maxval : float
        Bounds of the uniform distribution.
    perturbation : float
        The finite-difference step h.

    Returns
    -------
    float
        max over i, j of |forwardUpdate[i, j] − backwardUpdate[i, j]|.
    """
    parameter_name(module, param, None)
    _fill(module, input, [param], minval, maxval, "testJacobianUpdateParameters")
    direct = backwardUpdate(module, input, param)
    return max_abs(forwardUpdate(module, input, param, perturbation) - direct)


def testAllUpdate(
    module: object,
    input: np.ndarray | list,
    weight: str,
    gradWeight: str,  # noqa: N803
) -> dict[str, float]:
    """Lua's four ways of updating ``weight`` must agree, on clones of the module.

    With lr ~ U(0.1, 1) and a ``grad_output`` from U(0, 1) (Lua's draws): a backward then
    ``update_parameters(lr)`` must give w − lr·g ("accGradParameters");
    ``acc_update_grad_parameters`` the same w ("accUpdateGradParameters"); and two clones
    sharing ``weight`` (not its gradient), each updated, w − 2·lr·g in both ("[shared]"
    variants, whose errors add the two clones'). Each error is a 2-norm.

    Parameters
    ----------
    module : nn.Module
        The module; only its clones are run.
    input : numpy.ndarray or list
        Where to run them.
    weight : str
        The parameter's field name (``'weight'``).
    gradWeight : str
        Its gradient's field name (``'grad_weight'`` or Lua's ``'gradWeight'``).

    Returns
    -------
    dict of str to float
        Lua's keys: ``accGradParameters``, ``accUpdateGradParameters``,
        ``accGradParameters [shared]``, ``accUpdateGradParameters [shared]``.
    """
    for name in (weight, gradWeight):
        if not isinstance(name, str) or not isinstance(getattr(module, name, None), np.ndarray):
            raise ValueError(
                f"nn.Jacobian.testAllUpdate: {name!r} is not an array field of "
                f"{module!r} (pass field names, as Lua does: 'weight', 'gradWeight')"
            )
    inputs = Layout.of(input, "input", "nn.Jacobian.testAllUpdate")
    rng = generator()
    lr = float(rng.uniform(0.1, 1.0))
    start = getattr(module, weight).copy()
    errors = {}

    # Each way runs Lua's steps in Lua's order: every forward, then every backward, then
    # every update (a shared weight changes only after both clones have seen it).
    def run(modules: list, direct: bool) -> None:
        xs = [inputs.copy(input) for _ in modules]
        for m, x in zip(modules, xs):
            m.forward(x)
        for m, x in zip(modules, xs):
            m.zero_grad_parameters()
            m.update_grad_input(x, output.copy(grad_output))
        for m, x in zip(modules, xs):
            if direct:
                acc_update(m, x, output.copy(grad_output), lr)
            else:
                m.acc_grad_parameters(x, output.copy(grad_output), 1.0)
        for m in modules if not direct else ():
            m.update_parameters(lr)

    first = module.clone()
    output = Layout.of(first.forward(inputs.copy(input)), "output")
    grad_output = output.from_flat(rng.uniform(0.0, 1.0, output.size))
    run([first], direct=False)
    grad = getattr(first, gradWeight)
    errors["accGradParameters"] = _norm(start - lr * grad - getattr(first, weight))
    alone = module.clone()
    run([alone], direct=True)
    errors["accUpdateGradParameters"] = _norm(getattr(alone, weight) - getattr(first, weight))
    for key, direct in (
        ("accGradParameters [shared]", False),
        ("accUpdateGradParameters [shared]", True),
    ):
        one, two = module.clone(), module.clone()
        two.share(one, weight)
        run([one, two], direct)
        expected = start - 2 * lr * grad
        errors[key] = sum(_norm(expected - getattr(m, weight)) for m in (one, two))
    return errors


def _fill(
    module: object,
    input: object,
    params: list[np.ndarray],
    minval: float,
    maxval: float,
    who: str,
) -> None:
    # Draw every value first, let the module take them on copies, and only then write them in.
    check_range(minval, maxval, who)
    leaves = float_leaves(input, who)
    rng = generator()
    drawn = [rng.uniform(minval, maxval, leaf.shape).astype(leaf.dtype) for leaf in leaves]
    values = [rng.uniform(minval, maxval, p.shape).astype(p.dtype) for p in params]
    trial = Layout.of(input, "input").build(drawn)
    with preserved_parameters(module):
        for param, value in zip(params, values):
            param[...] = value
        module.forward(trial)  # raises (naming the module) for an input it refuses
    for leaf, value in zip(leaves, drawn):
        leaf[...] = value
    for param, value in zip(params, values):
        param[...] = value


def check_range(minval: float, maxval: float, who: str) -> None:
    """A ValueError naming ``who`` unless minval <= maxval, both finite."""
    if not (np.isfinite(minval) and np.isfinite(maxval) and minval <= maxval):
        raise ValueError(
            f"nn.Jacobian.{who}: need finite minval <= maxval, got {minval!r} and {maxval!r}"
        )


def max_abs(difference: np.ndarray) -> float:
    """max |difference|, 0.0 when empty (NaN when it holds one)."""
    return float(np.max(np.abs(difference))) if difference.size else 0.0


def _norm(difference: np.ndarray) -> float:
    return float(np.sqrt(np.sum(np.square(difference, dtype=np.float64))))
