"""Parameter slots: where each parameter array of a module tree lives, for re-pointing it.

A slot is ``(dotted name, owning module, parameter attribute, gradient attribute)``. NumPy arrays
cannot be re-pointed in place as Torch tensors can (``tensor:set(storage, offset, size)``), so
``get_parameters`` and ``type`` replace the *attribute* of every slot: they need the names.

Shared parameters — one module used twice (``Sequential(s, s)``) or two modules holding the
same array (tied weights) — give several slots over one array. Torch's ``getParameters`` gives
shared storage one place in the flat vector; :func:`group_slots` groups such slots so that the
array is flattened once and every slot is re-pointed to the same view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .module import Module

Slot = tuple[str, "Module", str, str]


class Pairing:
    """Parameter and gradient arrays paired one to one, by identity, as they are met.

    :meth:`meet` answers whether a (parameter, gradient) pair is new, or None when either
    array was already met with another partner: one parameter needs one gradient, else the
    flat vectors (and the lists of ``parameters()``) cannot line up.
    """

    def __init__(self) -> None:
        self._grad_of: dict[int, int] = {}
        self._param_of: dict[int, int] = {}

    def meet(self, param: np.ndarray, grad: np.ndarray) -> bool | None:
        """True for a new pair, False for one met before, None for a broken pairing."""
        new = id(param) not in self._grad_of
        if self._grad_of.setdefault(id(param), id(grad)) != id(grad) or self._param_of.setdefault(
            id(grad), id(param)
        ) != id(param):
            return None
        return new


def group_slots(who: str, slots: list[Slot]) -> list[list[Slot]]:
    """Group ``slots`` by parameter array (by identity), in order of first use.

    Raises a ValueError when two slots share a parameter array but not its gradient array (or
    the reverse): one parameter needs one gradient, else the flat vectors cannot line up.
    """
    groups: dict[int, list[Slot]] = {}
    pairing = Pairing()
    for slot in slots:
        _, module, param_name, grad_name = slot
        param, grad = getattr(module, param_name), getattr(module, grad_name)
        if pairing.meet(param, grad) is None:
            raise ValueError(
                f"{who}: {slot[0]} shares its parameter or gradient array with another "
                f"parameter but not both; share weight and grad_weight together (Torch's "
                f"clone('weight', 'bias', 'gradWeight', 'gradBias')), or neither"
            )
        groups.setdefault(id(param), []).append(slot)
    return list(groups.values())


def all_views_of(flats: tuple[np.ndarray, np.ndarray], groups: list[list[Slot]]) -> bool:
    """True when each group's arrays still sit, in order, inside the cached flat vectors."""
    for flat, which in ((flats[0], 2), (flats[1], 3)):
        address = flat.__array_interface__["data"][0]
        offset = 0
        for group in groups:
            # Every slot of a group holds the same array (group_slots checked it).
            array = getattr(group[0][1], group[0][which])
            if (
                array.dtype != flat.dtype
                or not array.flags.c_contiguous
                or array.__array_interface__["data"][0] != address + offset * flat.itemsize
            ):
                return False
            offset += array.size
        if offset != flat.size:
            return False
    return True


def check_declared(root: Module, action: str) -> None:
    """Raise a TypeError when a module's overridden ``parameters()`` returns undeclared arrays.

    ``parameters()`` returns arrays, not attribute names, so ``action`` (``get_parameters``,
    ``type``) can only re-point what ``parameter_names`` declares; anything else would be
    silently left out of the flat vector or the dtype conversion.
    """
    from .module import Module

    for module in root.list_modules():
        if type(module).parameters is Module.parameters:
            continue
        declared = {
            id(getattr(m, name)) for _, m, p, g in module._parameter_slots() for name in (p, g)
        }
        params, grads = module.parameters()
        if all(id(array) in declared for array in [*params, *grads]):
            continue
        raise TypeError(
            f"{module._who()}: parameters() returns arrays that parameter_names does not "
            f"declare, and {action} needs their attribute names to re-point them; declare them "
            f"on the class: parameter_names = {_suggestion(module, params, grads)} "
            f"(pairs of parameter and gradient attribute names)"
        )


def _suggestion(module: Module, params: list, grads: list) -> str:
    # The attribute names holding the returned arrays, when the module keeps them as attributes.
    names = {id(value): name for name, value in vars(module).items()}
    pairs = tuple(
        (names.get(id(p), "a"), names.get(id(g), "grad_a")) for p, g in zip(params, grads)
    )
    return repr(pairs) if pairs else '(("a", "grad_a"), ...)'
