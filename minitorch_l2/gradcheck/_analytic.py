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

from ._inputs import Input, copy_input, copy_target, named_arrays, split_gradient
from ._state import grad_input_enabled, preserved_parameters, zero_gradients


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
    rows = RowCollector(output.size)
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
                rows.add(j, name, grad)
    return rows.result(output.shape)


def criterion_rows(criterion: object, input: Input, target: object) -> BackwardRows:
    """The single row of a criterion: ``backward(input, target)`` = ∂loss/∂input, after forward."""
    x = copy_input(input)
    criterion.forward(x, copy_target(target, None, None))
    grad_input = criterion.backward(x, copy_target(target, None, None))
    rows = RowCollector(1)
    for name, grad in split_gradient(grad_input, input):
        rows.add(0, name, grad)
    return rows.result(())


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
        shape differs from its tensor's, or None. ``compute_grad_input = False`` is switched on
        for the call and off again.
    """
    expected = {name: array.shape for name, array in named_arrays(input, "analytic_jacobian")}
    if params:
        expected.update({name: p.shape for name, p, _ in module.named_parameters()})
    with grad_input_enabled(module):  # a first layer's switched-off grad_input is wanted here
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


class RowCollector:
    """Copies each row's gradients into one preallocated ``(rows, *shape)`` float64 stack per name.

    Writing row j straight into its slot (rather than stacking a list of copies at the end)
    keeps one copy of every gradient in memory, not two. The first row that is not an array, or
    whose shape differs from row 0's, becomes the tensor's problem and ends its collection.
    """

    def __init__(self, rows: int) -> None:
        self.rows = rows
        self.stacks: dict[str, np.ndarray] = {}
        self.problems: dict[str, str] = {}

    def add(self, j: int, name: str, grad: object) -> None:
        """Record what backward gave for tensor ``name`` in row ``j`` (copied now: the module
        reuses its gradient buffers on the next call)."""
        if name in self.problems:
            return
        if grad is None:  # the commonest mistake gets its own message, not "NoneType"
            self.problems[name] = none_message(name)
            return
        if not isinstance(grad, np.ndarray):
            kind = type(grad).__name__
            self.problems[name] = f"backward gave {kind} for {_what(name)}, not an array"
            return
        stack = self.stacks.get(name)
        if stack is None:
            stack = self.stacks[name] = np.empty((self.rows, *grad.shape))
        elif stack.shape[1:] != grad.shape:
            del self.stacks[name]
            self.problems[name] = (
                f"backward gave {_what(name)} of varying shapes {stack.shape[1:]} and {grad.shape}"
            )
            return
        stack[j] = grad

    def result(self, output_shape: tuple[int, ...]) -> BackwardRows:
        """The stacks and problems collected, for an output of ``output_shape``."""
        return BackwardRows(tuple(output_shape), self.stacks, self.problems)


def none_message(name: str) -> str:
    """Why a gradient is None, with the likely cause: the layer never produced it."""
    if name.startswith("input"):
        return (
            f"backward returned None for {_what(name)} (does update_grad_input return or set "
            f"self.grad_input?)"
        )
    return (
        f"the gradient of {name} is None (the layer must keep an array of {name}'s shape for it "
        f"and add into it in acc_grad_parameters)"
    )


def _what(name: str) -> str:
    if name.startswith("input"):
        return "grad_input" + name[len("input") :]
    return f"the gradient of {name}"
