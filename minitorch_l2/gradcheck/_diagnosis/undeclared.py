"""Weight-like attributes a module never declared: a gradient nothing checks, nothing trains.

A layer that keeps ``self.gain`` and ``self.grad_gain`` (or Lua's ``self.gradGain``) but lists
neither in ``parameter_names`` nor returns them from ``parameters()`` has a parameter no
optimiser sees and no check differentiates. The checker cannot know it is one, so it says so
instead of passing in silence.
"""

from __future__ import annotations

import numpy as np

from ..._jacobian import parameter_arrays

#: Attributes that have a ``grad_`` partner by Torch's contract but are not parameters.
NOT_PARAMETERS = frozenset({"input", "output"})


def undeclared_parameters(module: object) -> list[str]:
    """One sentence per floating attribute with a gradient partner that is not a parameter.

    Parameters
    ----------
    module : nn.Module
        The module tree to look through (``modules`` children included, named ``1.gain``).

    Returns
    -------
    list of str
        ``weight-like attribute `gain` (with `grad_gain`) is not a declared parameter: ...``.
    """
    declared = {id(a) for a in parameter_arrays(module)}
    found = []
    for prefix, owner in _named_tree(module, ""):
        state = vars(owner)
        transient = getattr(type(owner), "transient_attributes", None)
        skip = set(transient()) if callable(transient) else set()
        for name, value in state.items():
            if name.startswith("_") or name in skip or name in NOT_PARAMETERS:
                continue
            if not _floating(value) or id(value) in declared:
                continue
            for partner in (f"grad_{name}", "grad" + name[:1].upper() + name[1:]):
                grad = state.get(partner)
                if partner not in skip and _floating(grad) and grad.shape == value.shape:
                    found.append(
                        f"weight-like attribute `{prefix}{name}` (with `{prefix}{partner}`) is "
                        f"not a declared parameter: its gradient is not checked, and "
                        f"get_parameters/optimisers do not see it (declare it in "
                        f"parameter_names, or return it from parameters())"
                    )
                    break
    return found


def _floating(value: object) -> bool:
    return isinstance(value, np.ndarray) and value.dtype.kind == "f"


def _named_tree(module: object, prefix: str) -> list[tuple[str, object]]:
    found = [(prefix, module)]
    children = vars(module).get("modules")
    if type(children) is list:
        for index, child in enumerate(children):
            found += _named_tree(child, f"{prefix}{index}.")
    return found
