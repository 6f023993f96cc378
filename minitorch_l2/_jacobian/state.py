"""Save and restore a module's state exactly around a Jacobian.

A Jacobian perturbs parameters in place and zeroes gradients before every analytic row; the
user's module must come back as it was: the *same array objects* (views made by
``get_parameters`` stay valid) holding the *same bits* (accumulated gradients included). The
parameters are what ``parameters()`` returns — the Lua way of declaring them (overriding
``parameters()``) counts as much as ``parameter_names``. ``compute_grad_input`` is switched on
for the duration (a first layer may have it off to save work, but whoever checks gradients wants
∂L/∂input too) and back off afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np


def tree(module: object) -> list[object]:
    """The module and every module below it (``list_modules``), or just the module."""
    list_modules = getattr(module, "list_modules", None)
    return list_modules() if callable(list_modules) else [module]


def parameter_arrays(module: object) -> list[np.ndarray]:
    """Every parameter and gradient array ``named_parameters()`` gives (Nones left out)."""
    named = getattr(module, "named_parameters", None)
    if not callable(named):
        return []
    return [a for _, p, g in named() for a in (p, g) if isinstance(a, np.ndarray)]


@contextmanager
def preserved_parameters(module: object) -> Iterator[None]:
    """On exit, rebind every attribute that held a parameter or gradient, and restore its data.

    Rebinding undoes a layer that replaced ``self.grad_weight`` (or ``self.grads[1]``) by a
    new array; copying the saved data back undoes in-place perturbation and zeroing.
    """
    arrays = {id(a): a for a in parameter_arrays(module)}
    for owner in tree(module):
        for pair in getattr(type(owner), "parameter_names", ()):
            for attr in pair:
                value = vars(owner).get(attr)
                if isinstance(value, np.ndarray):
                    arrays.setdefault(id(value), value)
    bindings = []  # (owner, attribute, list index or None, array)
    for owner in tree(module):
        for attr, value in vars(owner).items():
            if isinstance(value, np.ndarray) and id(value) in arrays:
                bindings.append((owner, attr, None, value))
            elif type(value) is list:
                for index, item in enumerate(value):
                    if isinstance(item, np.ndarray) and id(item) in arrays:
                        bindings.append((owner, attr, index, item))
    saved = [(array, array.copy()) for array in arrays.values()]
    try:
        yield
    finally:
        for owner, attr, index, array in bindings:
            if index is None:
                setattr(owner, attr, array)
            else:
                holder = getattr(owner, attr, None)
                if type(holder) is list and index < len(holder):
                    holder[index] = array
        for array, data in saved:
            np.copyto(array, data)


@contextmanager
def grad_input_enabled(module: object) -> Iterator[list[str]]:
    """Set ``compute_grad_input = True`` on every module of the tree that has it False.

    Yields the descriptions of the modules switched on (empty when none was off), for a report;
    on exit each flag gets its old value back, and a flag that was the class default (no
    instance attribute) is deleted again rather than left behind as an instance attribute.
    """
    switched = []
    for m in tree(module):
        # A container whose flag is a property (Sequential: its first module's flag) follows
        # the module it delegates to, which is in the list itself.
        if isinstance(getattr(type(m), "compute_grad_input", None), property):
            continue
        value = getattr(m, "compute_grad_input", True)
        if not value:
            switched.append((m, "compute_grad_input" in vars(m), value))
            m.compute_grad_input = True
    try:
        yield [subject_name(m) for m, _, _ in switched]
    finally:
        for m, had_own, value in reversed(switched):
            if had_own:
                m.compute_grad_input = value
            else:
                del m.compute_grad_input


def zero_gradients(module: object) -> None:
    """Fill every parameter gradient with zeros, in place (without trusting the module's own
    ``zero_grad_parameters``, which is code under test too)."""
    named = getattr(module, "named_parameters", None)
    if callable(named):
        for _, _, grad in named():
            if isinstance(grad, np.ndarray):
                grad.fill(0)


def subject_name(subject: object) -> str:
    """How a report names what it checked: ``nn.Linear(4 -> 3)``, ``mypkg.layers:PReLU``.

    A class of this package is named by the first line of its ``repr`` (Lua's
    ``__tostring__``). A class defined elsewhere is named ``module:qualname``, since the
    default ``repr`` would call the user's ``mypkg.layers.PReLU`` ``nn.PReLU``, the name of
    another class: its ``repr`` follows when it says more (``mypkg.layers:PReLU(3)`` for a
    ``__tostring__`` of ``nn.PReLU(3)``, ``mypkg.layers:Wide [nn.Linear(4 -> 3)]`` for an
    inherited one).
    """
    shown = repr(subject).splitlines()[0].removesuffix(" {")
    kind = type(subject)
    package = __name__.split(".")[0]
    if kind.__module__ == package or kind.__module__.startswith(package + "."):
        return shown
    qualified = f"{kind.__module__}:{kind.__qualname__}"
    default = f"nn.{kind.__name__}"
    if shown.startswith(default):
        return qualified + shown[len(default) :]
    return f"{qualified} [{shown}]" if shown else qualified
