"""The analytic Jacobian: one ``backward`` per output element, with a one-hot ``grad_output``.

For grad_output = eⱼ (1 at output element j, 0 elsewhere) the chain rule gives

    backward(x, eⱼ) = Σₖ (eⱼ)ₖ ∂outputₖ/∂x = ∂outputⱼ/∂x = column j of J,

and the gradient a parameter θ accumulates is column j of its Jacobian. Two Torch facts make the
naive loop wrong: ``update_grad_input`` reads ``self.output`` and other forward buffers, so
forward is re-run at the unperturbed input before *every* backward; and parameter gradients
accumulate, so they are zeroed before every row and the user's values restored afterwards.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .inputs import Input, copy_input, copy_target, named_arrays, split_gradient
from .state import preserved_parameters, zero_gradients


@dataclass
class BackwardRows:
    """What backward returned for each one-hot ``grad_output``, per tensor name.

    ``stacks[name]`` has shape ``(output.size, *shape of the returned gradient)``; ``problems``
    explains a tensor whose gradients could not be stacked (not an array, shape varying by row).
    """

    output_shape: tuple[int, ...]
    stacks: dict[str, np.ndarray]
    problems: dict[str, str]


def backward_rows(module: object, input: Input, params: bool = True) -> BackwardRows:
    """Run ``backward(x, eⱼ)`` for every output element j and keep copies of all gradients.

    Forward is re-run at ``input`` before each backward and every parameter gradient is zeroed
    first; the module's parameters and gradients are restored exactly on return.
    """
    output = np.asarray(module.forward(copy_input(input)))
    rows: dict[str, list[object]] = {}
    with preserved_parameters(module):
        for j in range(output.size):
            x = copy_input(input)  # a fresh copy: a layer may modify its input in place
            module.forward(x)
            zero_gradients(module)
            grad_output = np.zeros(output.shape, output.dtype)
            grad_output.flat[j] = 1
            pieces = split_gradient(module.backward(x, grad_output), input)
            if params:
                pieces += [(name, grad) for name, _, grad in module.named_parameters()]
            for name, grad in pieces:
                rows.setdefault(name, []).append(_snapshot(grad))
    return _stack(output.shape, rows)


def criterion_rows(criterion: object, input: Input, target: object) -> BackwardRows:
    """The single row of a criterion: ``backward(input, target)`` = ∂loss/∂input, after forward."""
    x = copy_input(input)
    criterion.forward(x, copy_target(target, None, None))
    grad_input = criterion.backward(x, copy_target(target, None, None))
    rows = {name: [_snapshot(grad)] for name, grad in split_gradient(grad_input, input)}
    return _stack((), rows)


def analytic_jacobian(module: object, input: Input, params: bool = True) -> dict[str, np.ndarray]:
    """The module's Jacobians from its own backward: ``{name: J}``, ``J[i, j] = ∂outputⱼ/∂xᵢ``.

    Parameters
    ----------
    module : nn.Module
        Any module; its parameters and gradients are left exactly as they were.
    input : numpy.ndarray or tuple of numpy.ndarray
        Where to linearise; never modified (the module sees copies).
    params : bool
        Also return the Jacobian of every parameter, named as in ``named_parameters()``.

    Returns
    -------
    dict[str, numpy.ndarray]
        ``"input"`` (or ``"input[0]"``, ...) then ``"weight"``, ``"bias"``, ``"3.weight"``, ...,
        each float64 of shape ``(tensor.size, output.size)`` (the layout of
        :func:`numerical_jacobian`). Raises ValueError when backward returns a gradient whose
        shape differs from its tensor's.
    """
    expected = {name: array.shape for name, array in named_arrays(input, "analytic_jacobian")}
    if params:
        expected.update({name: p.shape for name, p, _ in module.named_parameters()})
    rows = backward_rows(module, input, params)
    jacobians = {}
    for name, shape in expected.items():
        if name in rows.problems:
            raise ValueError(f"analytic_jacobian: {rows.problems[name]}")
        stack = rows.stacks.get(name)
        if stack is None:  # an empty output: no rows at all
            stack = np.zeros((0, *shape))
        if stack.shape[1:] != shape:
            raise ValueError(f"analytic_jacobian: {shape_message(name, shape, stack.shape[1:])}")
        jacobians[name] = stack.reshape(stack.shape[0], math.prod(shape)).T
    return jacobians


def shape_message(name: str, expected: tuple[int, ...], got: tuple[int, ...]) -> str:
    """``grad_input has shape (4, 1), but the input has shape (4,)`` (or the parameter's)."""
    if name.startswith("input"):
        what = "grad_input" + name[len("input") :]
        return f"{what} has shape {got}, but the {name} has shape {expected}"
    return f"the gradient of {name} has shape {got}, but {name} has shape {expected}"


def _snapshot(grad: object) -> object:
    # Copy now: the module reuses its gradient buffers on the next call.
    if isinstance(grad, np.ndarray):
        return np.array(grad, dtype=np.float64, copy=True)
    return grad


def _stack(output_shape: tuple[int, ...], rows: dict[str, list[object]]) -> BackwardRows:
    stacks, problems = {}, {}
    for name, grads in rows.items():
        wrong = next((g for g in grads if not isinstance(g, np.ndarray)), None)
        shapes = {g.shape for g in grads if isinstance(g, np.ndarray)}
        what = (
            "grad_input" + name[len("input") :]
            if name.startswith("input")
            else f"the gradient of {name}"
        )
        if wrong is not None or not grads:
            problems[name] = f"backward gave {type(wrong).__name__} for {what}, not an array"
        elif len(shapes) > 1:
            problems[name] = f"backward gave {what} of varying shapes {sorted(shapes)}"
        else:
            stacks[name] = np.stack(grads)
    return BackwardRows(tuple(output_shape), stacks, problems)
