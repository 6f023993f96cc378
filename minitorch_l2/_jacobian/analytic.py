"""The analytic Jacobian: one ``backward`` per output element, with a one-hot ``grad_output``.

For grad_output = eⱼ (1 at element j of the output's flat vector, 0 elsewhere; a table output is
a table of such zeros) the chain rule gives

    backward(x, eⱼ) = Σₖ (eⱼ)ₖ ∂outputₖ/∂x = ∂outputⱼ/∂x = column j of J,

and the gradient a parameter θ accumulates is column j of its Jacobian. Every backward is made
through :class:`~.calls.ModuleCalls`, so forward is re-run at the unperturbed input first and
the parameter gradients are zeroed first; the caller restores the module's parameters.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .calls import ModuleCalls
from .layout import Layout, Mismatch, Value
from .numerical import split_columns
from .state import grad_input_enabled, preserved_parameters


@dataclass
class Rows:
    """What backward gave for every one-hot ``grad_output``, per tensor name.

    ``stacks[name]`` is float64 ``(output.size, stop − start)``: elements ``start … stop − 1``
    of the tensor's flat gradient, one row per output element (the Jacobian's block, by
    output). ``problems`` explains a tensor whose gradients could not be read (None, not an
    array, a wrong or varying shape); ``returned[name]`` then holds the whole gradients of a
    wrong shape, ``(output.size, *returned shape)``, for a diagnosis.

    Parameters
    ----------
    stacks : dict of str to numpy.ndarray
        The collected rows.
    problems : dict of str to str
        Why a tensor has no stack.
    returned : dict of str to numpy.ndarray
        Gradients of a wrong shape, kept whole.
    """

    stacks: dict[str, np.ndarray] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)
    returned: dict[str, np.ndarray] = field(default_factory=dict)


def one_hot_rows(
    calls: ModuleCalls,
    output: Layout,
    wanted: dict[str, tuple[tuple[int, ...], int, int]],
) -> Rows:
    """Run one backward per output element; keep each wanted tensor's slice of every gradient.

    ``wanted[name] = (shape, start, stop)``: the tensor's expected shape and the flat range of
    its gradient to keep. The stacks are allocated before the first backward, so running out
    of memory is never mistaken for a failure of the module's backward.
    """
    rows = Rows()
    for name, (_, start, stop) in wanted.items():
        rows.stacks[name] = np.empty((output.size, stop - start))
    for j in range(output.size):
        grads = calls.gradients(output.one_hot(j))
        for name, grad in grads:
            if name in wanted and (name not in rows.problems or name in rows.returned):
                _keep(rows, j, name, grad, wanted[name], output.size)
    return rows


def _keep(rows: Rows, j: int, name: str, grad: object, want: tuple, size: int) -> None:
    # Copy row j now: the module reuses its gradient buffers on the next call.
    shape, start, stop = want
    if grad is None:  # the commonest mistake gets its own message, not "NoneType"
        _fail(rows, name, none_message(name))
    elif isinstance(grad, Mismatch):
        _fail(rows, name, grad.message("grad_input"))
    elif not isinstance(grad, np.ndarray):
        _fail(rows, name, f"backward gave {type(grad).__name__} for {what(name)}, not an array")
    elif grad.shape == shape:
        rows.stacks[name][j] = grad.reshape(-1)[start:stop]
    else:
        kept = rows.returned.get(name)
        if kept is None and j == 0 and grad.size <= 4 * max(math.prod(shape), 1):
            kept = rows.returned[name] = np.empty((size, *grad.shape))
        if kept is not None and kept.shape[1:] == grad.shape:
            kept[j] = grad
        elif kept is not None:
            del rows.returned[name]
            _fail(rows, name, f"backward gave {what(name)} of varying shapes")
            return
        rows.problems.setdefault(name, shape_message(name, shape, grad.shape))
        rows.stacks.pop(name, None)


def _fail(rows: Rows, name: str, problem: str) -> None:
    rows.problems[name] = problem
    rows.stacks.pop(name, None)
    rows.returned.pop(name, None)


def analytic_jacobian(module: object, input: Value, params: bool = True) -> dict[str, object]:
    """The module's Jacobians from its own backward: ``{name: J}``, ``J[i, j] = ∂outputⱼ/∂xᵢ``.

    Parameters
    ----------
    module : nn.Module
        Any module; its parameters and gradients are left exactly as they were.
    input : numpy.ndarray or list
        Where to linearise: a tensor or a (nested) table of tensors; never modified (the
        module sees copies).
    params : bool
        Also return the Jacobian of every parameter, named as in ``named_parameters()``.

    Returns
    -------
    dict
        ``"input"`` (or ``"input[0]"``, ``"input[1][0]"``, ...) then ``"weight"``, ``"bias"``,
        ``"3.weight"``, .... For a tensor output each value is float64 of shape
        ``(tensor.size, output.size)`` (the layout of :func:`numerical_jacobian`); for a table
        output it is a nested list in the output's structure of such blocks, one per output
        leaf. Raises ValueError when backward returns None or a gradient of another shape.
        ``compute_grad_input = False`` is switched on for the call and off again.
    """
    calls = ModuleCalls(module, input, params)
    with grad_input_enabled(module), preserved_parameters(module):
        output = Layout.of(calls.forward(), "output", "analytic_jacobian")
        wanted = {name: (t.shape, 0, t.size) for name, t in calls.tensors()}
        rows = one_hot_rows(calls, output, wanted)
    jacobians = {}
    for name in wanted:
        if name in rows.problems:
            raise ValueError(f"analytic_jacobian: {rows.problems[name]}")
        jacobians[name] = split_columns(rows.stacks[name].T, output)
    return jacobians


def shape_message(name: str, expected: tuple[int, ...], got: tuple[int, ...]) -> str:
    """``grad_input has shape (4, 1), but the input has shape (4,)`` (or the parameter's)."""
    if name.startswith("input"):
        return f"{what(name)} has shape {got}, but the {name} has shape {expected}"
    return f"the gradient of {name} has shape {got}, but {name} has shape {expected}"


def none_message(name: str) -> str:
    """Why a gradient is None, with the likely cause: the layer never produced it."""
    if name.startswith("input"):
        return (
            f"backward returned None for {what(name)} (does update_grad_input return or set "
            f"self.grad_input?)"
        )
    return (
        f"the gradient of {name} is None (the layer must keep an array of {name}'s shape for it "
        f"and add into it in acc_grad_parameters)"
    )


def what(name: str) -> str:
    """``grad_input[1]`` for ``input[1]``, ``the gradient of weight`` for a parameter."""
    if name.startswith("input"):
        return "grad_input" + name[len("input") :]
    return f"the gradient of {name}"
