"""The checks ``load`` runs on what it rebuilt, for both formats.

Each module or criterion is checked by its class's ``validate()`` (the checks its constructor
makes, ``nn.Module.validate`` for what every module has), as soon as its attributes are set.
Once the whole value is built, the parameters and gradients shared *between* modules are
checked: a file may share one only as Lua's ``share``/``clone`` do, the same field of two modules
viewing the same memory the same way (a Siamese pair's weights). Anything else — a weight that is
another module's gradient, two views overlapping by half — is refused.

Before any of that, each attribute name is checked against the class (``check_attribute``): a
file holds data, so it may not put an instance attribute over a method, a property or an alias
(a Linear whose ``update_output`` is a Tanh would print as a Linear and compute a tanh), nor
over a constant of a built-in class (SpatialReflectionPadding's ``rule``, BatchNormalization's
``n_dim``, Module's ``takes_table``); only the class defaults an instance overrides
(``INSTANCE_DEFAULTS``) may be set, and a user's class may hold defaults of its own.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ..nn._parameters import array_key
from ..nn._state_checks import overlaps, parameter_arrays

#: The class attributes of built-in classes that an instance overrides with its own value.
INSTANCE_DEFAULTS = frozenset({"train", "compute_grad_input", "inplace"})

#: What a malformed value can make a ``validate()`` raise besides TypeError and ValueError.
_MALFORMED = (AttributeError, LookupError, ArithmeticError)


def validated(owner: object) -> None:
    """Run ``owner.validate()``; any refusal is a TypeError or ValueError naming the class.

    Parameters
    ----------
    owner : object
        A module or criterion whose attributes were just set from a file.
    """
    try:
        owner.validate()
    except _MALFORMED as error:
        raise ValueError(
            f"nn.{type(owner).__name__}: an attribute is missing or of the wrong kind "
            f"({type(error).__name__}: {error})"
        ) from None


def check_attribute(cls: type, name: str) -> None:
    """Refuse (ValueError) an attribute a file sets over what the class itself defines.

    Parameters
    ----------
    cls : type
        The module's or criterion's class.
    name : str
        The attribute the file sets.
    """
    owner = next((base for base in cls.__mro__ if name in vars(base)), None)
    if owner is None:
        return
    value = vars(owner)[name]
    who = f"nn.{cls.__name__}"
    if callable(value) or hasattr(type(value), "__get__"):
        raise ValueError(
            f"{who}: the file sets {name!r}, which is a method or property of the class; a file "
            f"sets data only"
        )
    built_in = owner.__module__.split(".")[0] == "minitorch_l2"
    if built_in and name not in INSTANCE_DEFAULTS:
        raise ValueError(
            f"{who}: the file sets {name!r}, a constant of the class ({value!r:.40}), which no "
            f"instance overrides"
        )


def check_sharing(owners: Iterable[object], places: dict[int, str] | None = None) -> None:
    """Refuse parameters shared between loaded modules other than by the same field (ValueError).

    Parameters
    ----------
    owners : iterable of object
        Every module and criterion the load built.
    places : dict, optional
        Where each owner is in the file, by ``id`` (``"at byte 57"``), for the message.
    """
    by_key: dict[tuple, tuple[str, str, np.ndarray]] = {}
    for owner in owners:
        place = (places or {}).get(id(owner))
        who = f"nn.{type(owner).__name__}" + (f" ({place})" if place else "")
        for name, array in parameter_arrays(owner):
            if array.size == 0:
                continue
            key = array_key(array)
            first = by_key.setdefault(key, (who, name, array))
            if first[1] != name:
                raise _shared(first, (who, name))
    # Distinct views, ordered by their first byte: each is compared with those still open.
    spans = sorted(
        ((np.lib.array_utils.byte_bounds(entry[2]), entry) for entry in by_key.values()),
        key=lambda s: s[0],
    )
    open_spans: list[tuple[int, tuple[str, str, np.ndarray]]] = []
    for (start, end), entry in spans:
        open_spans = [(stop, other) for stop, other in open_spans if stop > start]
        for _, other in open_spans:
            if overlaps(other[2], entry[2]):
                raise _shared(other, entry)
        open_spans.append((end, entry))


def _shared(first: tuple, second: tuple) -> ValueError:
    return ValueError(
        f"{first[0]}'s {first[1]} and {second[0]}'s {second[1]} share memory; a file may share "
        f"an array only between the same field of two modules (as Lua's share and clone do)"
    )
