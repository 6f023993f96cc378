"""The Jacobians of Lua's ``nn.Jacobian``: numerical (``forward``), analytic (``backward``), and
the pair for the direct update (``forwardUpdate``, ``backwardUpdate``).

J[i, j] = ∂outputⱼ/∂xᵢ, one row per element of x (the input, or a parameter), one column per
output element; a table's elements are its leaves' elements, one leaf after the other.
"""

from __future__ import annotations

import numpy as np

from ..._jacobian import (
    Layout,
    ModuleCalls,
    grad_input_enabled,
    one_hot_rows,
    preserved_parameters,
    rows_of,
    zero_gradients,
)


def forward(
    module: object,
    input: np.ndarray | list,
    param: np.ndarray | None = None,
    perturbation: float = 1e-6,
) -> np.ndarray:
    """Numerical Jacobian of ``module.forward(input)`` w.r.t. ``input`` (or ``param``).

    ``J[i, j] = (f(xᵢ + h) − f(xᵢ − h))ⱼ / 2h``, shape (x.size, output.size); as in Lua,
    x is perturbed in place (``module.forward(input)`` is called on ``input`` itself) and
    restored exactly. The difference is divided by the steps xᵢ ± h really took in x's
    dtype, which is 2h up to rounding (see :func:`minitorch_l2.gradcheck.numerical_jacobian`).

    Parameters
    ----------
    module : nn.Module
        Its ``forward(input)`` is f.
    input : numpy.ndarray or list
        Where to differentiate: a tensor or a table. It is x unless ``param`` is given.
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
    leaves = float_leaves(input, "forward") if param is None else [param]

    def fn(_: object) -> object:  # reads the perturbed leaf through ``input``
        return module.forward(input)

    return np.vstack([rows_of(fn, leaf, perturbation) for leaf in leaves])


def backward(
    module: object,
    input: np.ndarray | list,
    param: np.ndarray | None = None,
    dparam: np.ndarray | None = None,
) -> np.ndarray:
    """Analytic Jacobian from one-hot ``backward`` passes, shape (x.size, output.size).

    Column j is what backward gives for ``grad_output`` = eⱼ (1 at output element j):
    (∂y/∂x)ᵀ eⱼ = ∂yⱼ/∂x. With ``param``/``dparam`` (a parameter array of the module and
    its gradient array, e.g. ``module.weight, module.grad_weight``) it is the gradient
    ``acc_grad_parameters`` accumulates, after zeroing. Forward is re-run at ``input``
    before every backward, the module only sees copies of ``input``, and its parameters
    and gradients are left exactly as they were.

    Parameters
    ----------
    module : nn.Module
        The module whose ``backward`` is tested.
    input : numpy.ndarray or list
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
        computes it. A ValueError is raised when backward returns None or a gradient of
        the wrong shape.
    """
    calls = ModuleCalls(module, input, params=param is not None)
    names = list(calls.inputs.paths) if param is None else [parameter_name(module, param, dparam)]
    with grad_input_enabled(module), preserved_parameters(module):
        output = Layout.of(calls.forward(), "output", "nn.Jacobian")
        tensors = dict(calls.tensors())
        wanted = {name: (tensors[name].shape, 0, tensors[name].size) for name in names}
        rows = one_hot_rows(calls, output, wanted)
    for name in names:
        if name in rows.problems:
            raise ValueError(f"nn.Jacobian: {rows.problems[name]}")
    return np.hstack([rows.stacks[name] for name in names]).T


def backwardUpdate(module: object, input: np.ndarray | list, param: np.ndarray) -> np.ndarray:
    """Column j: ``param`` after ``acc_update_grad_parameters(input, eⱼ, 1)`` from its start.

    That is θ − J[:, j] (θ ← θ − lr · ∂yⱼ/∂θ with lr = 1), shape (param.size,
    output.size). ``param`` and the gradients are restored afterwards.

    Parameters
    ----------
    module : nn.Module
        The module whose direct update is tested.
    input : numpy.ndarray or list
        Where to linearise; not modified.
    param : numpy.ndarray
        A parameter array of the module, its own.

    Returns
    -------
    numpy.ndarray
        float64, shape ``(param.size, output.size)``.
    """
    parameter_name(module, param, None)
    calls = ModuleCalls(module, input, params=False)
    with preserved_parameters(module):
        start = param.copy()
        output = Layout.of(calls.forward(), "output", "nn.Jacobian")
        columns = np.empty((param.size, output.size))
        for j in range(output.size):
            param[...] = start
            x = calls.inputs.copy(input)
            module.forward(x)
            grad_output = output.one_hot(j)
            module.update_grad_input(x, grad_output)
            acc_update(module, x, grad_output, 1.0)
            columns[:, j] = param.reshape(-1)
    return columns


def forwardUpdate(
    module: object, input: np.ndarray | list, param: np.ndarray, perturbation: float = 1e-6
) -> np.ndarray:
    """Row i: θᵢ − J[i, :] with J from :meth:`forward`: what :meth:`backwardUpdate` should be.

    Parameters
    ----------
    module : nn.Module
        The module.
    input : numpy.ndarray or list
        Where to differentiate.
    param : numpy.ndarray
        A parameter array of the module, its own; perturbed and restored exactly.
    perturbation : float
        h, the finite-difference step.

    Returns
    -------
    numpy.ndarray
        float64, shape ``(param.size, output.size)``.
    """
    jacobian = forward(module, input, param, perturbation)
    return param.reshape(-1, 1).astype(np.float64) - jacobian


def acc_update(
    module: object, input: np.ndarray | list, grad_output: np.ndarray | list, lr: float
) -> None:
    """θ ← θ − lr · ∂L/∂θ in place: the module's own method, else Lua's default for it."""
    # Lua's default points each gradient at its parameter and accumulates with scale −lr; here
    # the gradients are zeroed, accumulated at scale 1 and subtracted, then given back.
    own = getattr(type(module), "acc_update_grad_parameters", None) or getattr(
        type(module), "accUpdateGradParameters", None
    )
    if own is not None:
        own(module, input, grad_output, lr)
        return
    params, grads = module.parameters()
    saved = [g.copy() for g in grads]
    zero_gradients(module)
    module.acc_grad_parameters(input, grad_output, 1.0)
    for param, grad, old in zip(params, grads, saved):
        param -= lr * grad
        grad[...] = old


def float_leaves(input: object, who: str) -> list[np.ndarray]:
    """The input's leaves, refused (before anything is written) unless each is a writable
    float array."""
    layout = Layout.of(input, "input", f"nn.Jacobian.{who}")
    leaves = layout.leaves(input)
    for path, leaf in zip(layout.paths, leaves):
        if leaf.dtype.kind != "f":
            raise TypeError(
                f"nn.Jacobian.{who}: {path} has dtype {leaf.dtype}; finite differences need a "
                f"floating array: pass np.zeros(shape) or .astype(np.float64)"
            )
        if not leaf.flags.writeable:
            raise ValueError(f"nn.Jacobian.{who}: {path} is read-only; pass a writable array")
    return leaves


def parameter_name(module: object, param: object, dparam: object) -> str:
    """The name of ``param`` among the module's own parameters; dparam must be its gradient."""
    for name, p, g in module.named_parameters():
        if p is param:
            if dparam is not None and g is not dparam:
                raise ValueError(
                    f"nn.Jacobian: dparam is not the gradient array of {name}; pass the "
                    f"module's own gradient array (e.g. module.grad_weight)"
                )
            return name
    raise ValueError(
        "nn.Jacobian: param is not a parameter array of the module; pass the module's own "
        "array (e.g. module.weight), not a copy"
    )
