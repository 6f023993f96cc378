"""What ``save`` checks before writing: every module and criterion as ``load`` will check it.

A module changed after its constructor (an int weight, a bias deleted, Dropout's ``p`` set to
2.5, two modules' weight and gradient made one array) would be written, and then refused by
``load``: a checkpoint found broken only when it is needed. So ``save`` first runs ``load``'s
own checks (``_validation.py``) on the value as the file will hold it: each attribute name
(``check_attribute``), each module's ``validate()`` with its transient state as a loaded one
has it, and the sharing between modules (``check_sharing``). The module's ``__dict__`` is put
back as it was, so the checks' normalising (``p = 1`` → ``1.0``) never changes what is saved.

The walk follows what the ``.npz`` encoder writes (a module's attributes minus transient state,
lists, tuples, dicts, the Lua stand-ins), without recursion, each module checked after those it
holds, so an error names the innermost module at fault, with its place: the Python path from the
saved value (``value['model'].modules[3]``) and, inside containers, Lua's wording
(``module (3) of nn.Sequential``).
"""

from __future__ import annotations

import numpy as np

from ..nn.container import Container
from ..nn.criterion.criterion import Criterion
from ..nn.module import Module
from ._validation import check_attribute, check_sharing, validated
from .t7.values import LuaFunction, LuaKey, TorchObject

#: Values holding nothing to check (by exact type: a subclass could hold a module).
_LEAVES = frozenset({type(None), bool, int, float, str, bytes, np.ndarray})


class SaveCheckError(Exception):
    """A check failed: ``error`` is load's TypeError or ValueError, ``place`` where it was."""

    def __init__(self, error: TypeError | ValueError, place: str) -> None:
        super().__init__(f"{place}: {error}" if place else str(error))
        self.error, self.place = error, place


def check_before_save(value: object) -> None:
    """Run ``load``'s checks on every module and criterion in ``value``; a SaveCheckError if one
    fails (load's exception and the module's place).

    Parameters
    ----------
    value : object
        What ``save`` is about to write.
    """
    owners: list[object] = []
    places: dict[int, str] = {}
    seen: set[int] = set()
    checked_names: set[tuple[type, str]] = set()  # check_attribute's answer is the class's
    # (item, path, container chain, done): a module is pushed again, done, below its contents.
    stack: list[tuple[object, str, str, bool]] = [(value, "value", "", False)]
    while stack:
        item, path, chain, done = stack.pop()
        if done:
            place = f"{path} ({chain})" if chain else path
            _check_owner(item, place, checked_names)
            owners.append(item)
            places[id(item)] = f"at {path}, {chain}" if chain else f"at {path}"  # for sharing
            continue
        if id(item) in seen:
            continue
        kind = type(item)
        if kind in (list, tuple):
            seen.add(id(item))
            stack += [
                (x, f"{path}[{i}]", chain, False)
                for i, x in reversed(list(enumerate(item)))
                if type(x) not in _LEAVES  # most items of a graph's node lists: none pushed
            ]
        elif kind is dict:
            seen.add(id(item))
            for key, x in reversed(item.items()):
                if type(x) not in _LEAVES:
                    stack.append((x, f"{path}[{key!r}]", chain, False))
                if type(key) not in _LEAVES:
                    stack.append((key, f"{path} key", chain, False))
        elif isinstance(item, Module | Criterion):
            seen.add(id(item))
            stack.append((item, path, chain, True))
            stack += reversed(_contents(item, path, chain))
        elif kind is TorchObject:
            seen.add(id(item))
            stack.append((item.fields, f"{path}.fields", chain, False))
        elif kind is LuaFunction:
            stack.append((item.upvalues, f"{path}.upvalues", chain, False))
        elif kind is LuaKey:
            stack.append((item.value, f"{path}.value", chain, False))
    try:
        check_sharing(owners, places)
    except ValueError as error:  # its message names both modules and their places
        raise SaveCheckError(error, "") from None


def _contents(owner: object, path: str, chain: str) -> list[tuple[object, str, str, bool]]:
    """The saved attributes of a module or criterion, each with its place."""
    transient = type(owner).transient_attributes()
    found = []
    for name, item in vars(owner).items():
        if name in transient or not isinstance(name, str) or type(item) in _LEAVES:
            continue
        if name == "modules" and isinstance(owner, Container) and type(item) is list:
            who = f"nn.{type(owner).__name__}"
            for index, module in enumerate(item):
                inner = f"module ({index}) of {who}" + (f", in {chain}" if chain else "")
                found.append((module, f"{path}.modules[{index}]", inner, False))
        else:
            found.append((item, f"{path}.{name}", chain, False))
    return found


def _check_owner(owner: object, place: str, checked_names: set[tuple[type, str]]) -> None:
    """``check_attribute`` on each saved name, then ``validate()`` on the state a load builds."""
    cls = type(owner)
    transient = cls.transient_attributes()
    kept = dict(vars(owner))
    state = {name: item for name, item in kept.items() if name not in transient}
    try:
        for name in state:
            if isinstance(name, str) and (cls, name) not in checked_names:
                check_attribute(cls, name)
                checked_names.add((cls, name))
        owner.__dict__.clear()
        owner.__dict__.update(cls.transient_defaults())
        owner.__dict__.update(state)
        validated(owner)
    except (TypeError, ValueError) as error:
        raise SaveCheckError(error, place) from None
    finally:
        owner.__dict__.clear()
        owner.__dict__.update(kept)
