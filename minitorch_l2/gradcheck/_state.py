"""Save and restore a module's state exactly around a check.

The checker perturbs parameters in place and zeroes gradients before every analytic row; the
user's module must come back as it was: the *same array objects* (views made by
``get_parameters`` stay valid) holding the *same bits* (accumulated gradients included). It also
switches ``compute_grad_input`` on for the check (a first layer may have it off to save work, but
whoever checks gradients wants ∂L/∂input checked too) and back off afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np


@contextmanager
def preserved_parameters(module: object) -> Iterator[None]:
    """On exit, rebind each parameter/gradient attribute to its original array, restore its data.

    Rebinding undoes a layer that replaced ``self.grad_weight`` by a new array; copying the
    saved data back undoes in-place perturbation and zeroing.
    """
    saved = [(owner, attr, array, array.copy()) for owner, attr, array in _slots(module)]
    try:
        yield
    finally:
        for owner, attr, array, data in saved:
            if owner is not None:
                setattr(owner, attr, array)
            np.copyto(array, data)


@contextmanager
def grad_input_enabled(module: object) -> Iterator[list[str]]:
    """Set ``compute_grad_input = True`` on every module of the tree that has it False.

    Yields the descriptions of the modules switched on (empty when none was off), for the
    report; on exit each flag gets its old value back, and a flag that was the class default (no
    instance attribute) is deleted again rather than left behind as an instance attribute.
    """
    switched = []
    list_modules = getattr(module, "list_modules", None)
    for m in list_modules() if callable(list_modules) else [module]:
        # A container whose flag is a property (Sequential: its first module's flag) follows
        # the module it delegates to, which is in the list itself.
        if isinstance(getattr(type(m), "compute_grad_input", None), property):
            continue
        value = getattr(m, "compute_grad_input", True)
        if not value:
            switched.append((m, "compute_grad_input" in vars(m), value))
            m.compute_grad_input = True
    try:
        yield [repr(m).splitlines()[0].removesuffix(" {") for m, _, _ in switched]
    finally:
        for m, had_own, value in reversed(switched):
            if had_own:
                m.compute_grad_input = value
            else:
                del m.compute_grad_input


def zero_gradients(module: object) -> None:
    """Fill every parameter gradient with zeros, in place (without trusting the module's own
    ``zero_grad_parameters``, which is user code too)."""
    for _, _, grad in module.named_parameters():
        if isinstance(grad, np.ndarray):
            grad.fill(0)


def _slots(module: object) -> list[tuple[object | None, str, np.ndarray]]:
    # (owning module, attribute, array) for every declared parameter and gradient of the tree;
    # arrays found only through parameters() get their data restored (owner None).
    found = []
    list_modules = getattr(module, "list_modules", None)
    for owner in list_modules() if callable(list_modules) else [module]:
        for pair in getattr(type(owner), "parameter_names", ()):
            for attr in pair:
                if isinstance(vars(owner).get(attr), np.ndarray):
                    found.append((owner, attr, getattr(owner, attr)))
    known = {id(array) for _, _, array in found}
    for _, p, g in module.named_parameters():
        for array in (p, g):
            if isinstance(array, np.ndarray) and id(array) not in known:
                found.append((None, "", array))
    return found
