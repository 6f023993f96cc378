"""The parameter machinery: pairing, flattening and converting parameter arrays of a module tree.

NumPy cannot re-point an array at new memory the way Torch's ``tensor:set(storage)`` does, so
``get_parameters`` and ``type`` replace *references*: every attribute (or list item) of every
module that holds an old array, found by identity, is given the new one. That is what lets a
layer declare its parameters the Lua way — by overriding ``parameters()`` — and still be
flattened and converted, wherever it keeps the arrays.

Two arrays are *the same parameter* when they view the same memory in the same way (address,
shape, strides, dtype): one object used by two modules (``share``), or two view objects over one
flat vector (``clone_many_times``, a loaded ``.t7`` whose weights share a storage). Nothing here
imports the module classes; callers pass the modules to visit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import numpy as np


class Parameter(NamedTuple):
    """One parameter of a module tree: its dotted name, the array and its gradient array."""

    name: str
    param: np.ndarray
    grad: np.ndarray


def array_key(array: np.ndarray) -> tuple:
    """What makes two arrays the same parameter: the memory they view, and how."""
    return (array.__array_interface__["data"][0], array.shape, array.strides, array.dtype.str)


def unique_pairs(
    who: str, pairs: Iterable[tuple[np.ndarray, np.ndarray]]
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """``(params, grads)`` with each parameter once, first use first, paired one to one.

    A parameter met with two different gradients (or a gradient with two parameters) is a
    ValueError quoting Lua's rule: weights shared without their gradients cannot be flattened,
    and listing the pair once would silently drop a gradient.
    """
    params: list[np.ndarray] = []
    grads: list[np.ndarray] = []
    grad_of: dict[tuple, tuple] = {}
    param_of: dict[tuple, tuple] = {}
    for param, grad in pairs:
        if not isinstance(param, np.ndarray) or not isinstance(grad, np.ndarray | None):
            bad = param if not isinstance(param, np.ndarray) else grad
            raise TypeError(
                f"{who}: parameters() must return two lists of numpy arrays, found a "
                f"{type(bad).__name__} among them"
            )
        # A missing gradient (None) pairs with nothing; get_parameters refuses it.
        p_key, g_key = array_key(param), (id(param),) if grad is None else array_key(grad)
        new = p_key not in grad_of
        if grad_of.setdefault(p_key, g_key) != g_key or param_of.setdefault(g_key, p_key) != p_key:
            raise ValueError(
                f"{who}: a parameter array of shape {param.shape} and its gradient are not "
                f"shared together: one of them is shared with another parameter's. Lua's rule "
                f"(getParameters): share weights together with their gradients, "
                f"clone('weight', 'bias', 'grad_weight', 'grad_bias'), or share neither"
            )
        if new:
            params.append(param)
            grads.append(grad)
    return params, grads


def consecutive_base(arrays: list[np.ndarray]) -> np.ndarray | None:
    """The 1-D array the ``arrays`` tile exactly, in order and without gaps, or None.

    True after ``get_parameters`` (the arrays are views of its flat vector) and for a loaded file
    whose parameters shared one storage: then flattening again must not copy.
    """
    if not arrays:
        return None
    base = arrays[0]
    while isinstance(base.base, np.ndarray):
        base = base.base
    if base.ndim != 1 or not base.flags.c_contiguous or base.dtype != arrays[0].dtype:
        return None
    address = base.__array_interface__["data"][0]
    offset = 0
    for array in arrays:
        root = array
        while isinstance(root.base, np.ndarray):
            root = root.base
        if (
            root is not base
            or array.dtype != base.dtype
            or not array.flags.c_contiguous
            or array.__array_interface__["data"][0] != address + offset * base.itemsize
        ):
            return None
        offset += array.size
    return base if offset == base.size else None


def _replace_in(value: object, mapping: dict[int, object]) -> object:
    """``value`` with every array of ``mapping`` (by id) replaced; lists and dicts in place."""
    if isinstance(value, np.ndarray):
        return mapping.get(id(value), value)
    if type(value) is list:
        for index, item in enumerate(value):
            new = _replace_in(item, mapping)
            if new is not item:
                value[index] = new
        return value
    if type(value) is dict:
        for key, item in value.items():
            new = _replace_in(item, mapping)
            if new is not item:
                value[key] = new
        return value
    if type(value) is tuple:
        items = tuple(_replace_in(item, mapping) for item in value)
        return value if all(a is b for a, b in zip(items, value)) else items
    return value


def replace_references(
    modules: Iterable[object], mapping: dict[int, object], skip: frozenset[str]
) -> None:
    """Give every attribute (and list/dict/tuple item) holding an array of ``mapping`` the new one.

    ``mapping`` maps ``id(old array)`` to its replacement; the attributes named in ``skip``
    (transient state) are left alone.
    """
    for module in modules:
        state = vars(module)
        for name, value in list(state.items()):
            if name in skip:
                continue
            new = _replace_in(value, mapping)
            if new is not value:
                state[name] = new


def held_items(value: object) -> list[object]:
    """The non-container items of ``value``: itself, or what its lists/tuples/dict values hold."""
    if type(value) in (list, tuple):
        return [item for inner in value for item in held_items(inner)]
    if type(value) is dict:
        return [item for inner in value.values() for item in held_items(inner)]
    return [value]


def floating_arrays(modules: Iterable[object], skip: frozenset[str]) -> list[np.ndarray]:
    """Every floating ndarray held by an attribute (or list/dict/tuple item) of ``modules``."""
    found: dict[int, np.ndarray] = {}
    for module in modules:
        for name, value in vars(module).items():
            if name not in skip:
                for item in held_items(value):
                    if isinstance(item, np.ndarray) and item.dtype.kind == "f":
                        found.setdefault(id(item), item)
    return list(found.values())


def converted(arrays: list[np.ndarray], dtype: np.dtype) -> dict[int, np.ndarray]:
    """``{id(old): new}``: each array in ``dtype``, views of one base kept views of one new base.

    Lua's ``Module:type`` keeps tensors that shared a storage sharing one after conversion; here
    an array that views a contiguous base becomes the same view of the converted base, so the
    flat vectors of ``get_parameters`` survive ``.float()`` as views of one vector.
    """
    mapping: dict[int, np.ndarray] = {}
    bases: dict[int, np.ndarray] = {}
    for array in arrays:
        if array.dtype == dtype:
            continue
        root = array
        while isinstance(root.base, np.ndarray):
            root = root.base
        if root is array or not root.flags.c_contiguous or root.dtype != array.dtype:
            mapping[id(array)] = array.astype(dtype)
            continue
        new_root = bases.get(id(root))
        if new_root is None:
            new_root = bases[id(root)] = root.astype(dtype)
        item = array.itemsize
        offset = array.__array_interface__["data"][0] - root.__array_interface__["data"][0]
        if offset % item or any(stride % item for stride in array.strides):
            mapping[id(array)] = array.astype(dtype)
            continue
        flat = new_root.reshape(-1)
        strides = tuple(stride // item * flat.itemsize for stride in array.strides)
        mapping[id(array)] = np.lib.stride_tricks.as_strided(
            flat[offset // item :], array.shape, strides, writeable=True
        )
    return mapping


def attribute_path(module: object, array: np.ndarray) -> str | None:
    """The attribute of ``module`` holding ``array`` (``weight``, ``weights[1]``), or None."""
    key = array_key(array)
    for name, value in vars(module).items():
        if name.startswith("_") or name in ("output", "grad_input"):
            continue
        if isinstance(value, np.ndarray) and (value is array or array_key(value) == key):
            return name
        if type(value) in (list, tuple):
            for index, item in enumerate(value):
                if isinstance(item, np.ndarray) and (item is array or array_key(item) == key):
                    return f"{name}[{index}]"
    return None
