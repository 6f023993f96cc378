"""Tables: a Python ``list`` (nested lists allowed) of arrays, as a Lua table of tensors is.

Every module takes and returns a *tensor* (an ndarray) or a *table*. These helpers walk such
structures: check every leaf with its path (``input[1][0]``) in the message, compare a
``grad_output`` with the output it belongs to, and reuse a table's list object from call to call.
A tuple given as input is treated as a list (:func:`as_table`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from ._checks import SUPPORTED_FLOAT_CHARS

#: A tensor or a (nested) table of tensors.
Table = np.ndarray | list


def is_table(value: object) -> bool:
    """True for a list or tuple (a Lua table)."""
    return isinstance(value, list | tuple)


def as_table(value: object) -> object:
    """``value`` with every tuple turned into a list, recursively; lists and arrays are kept.

    The same object comes back when there is no tuple inside, so the hot path allocates nothing.
    """
    if type(value) is tuple or (type(value) is list and any(is_table(item) for item in value)):
        items = [as_table(item) for item in value]
        if type(value) is list and all(a is b for a, b in zip(items, value)):
            return value
        return items
    return value


def leaves(value: object, path: str = "input") -> Iterator[tuple[str, object]]:
    """``(path, leaf)`` for every non-table item of ``value``, depth first: ``input[1][0]``.

    A nested empty table is a leaf itself (so that checks can name it).
    """
    if is_table(value) and value:
        for index, item in enumerate(value):
            yield from leaves(item, f"{path}[{index}]")
    else:
        yield path, value


def describe(value: object) -> str:
    """A short description for messages: ``ndarray (2, 3) float64`` or ``[ndarray (2,), ...]``."""
    if isinstance(value, np.ndarray):
        return f"ndarray {value.shape} {value.dtype}"
    if is_table(value):
        inner = ", ".join(describe(item) for item in value[:4])
        more = ", ..." if len(value) > 4 else ""
        return f"[{inner}{more}]"
    return type(value).__name__


def check_leaves(
    who: str,
    value: object,
    path: str,
    dtype: np.dtype | None = None,
    integer_ok: bool = False,
) -> None:
    """Raise a TypeError naming ``who`` and the leaf's path unless every leaf is a usable array.

    A leaf must be an ndarray of float32 or float64 (of ``dtype`` when one is given), or, with
    ``integer_ok``, of an integer dtype (indices). An empty table is refused too: Lua has no
    use for one and every table module would have to special-case it.
    """
    if is_table(value) and not value:
        raise TypeError(f"{who}: expected {path} to be a tensor or a non-empty table, got []")
    for where, leaf in leaves(value, path):
        if not isinstance(leaf, np.ndarray):
            if is_table(leaf):
                raise TypeError(f"{who}: {where} is an empty table; expected a tensor there")
            raise TypeError(
                f"{who}: expected {where} to be a numpy.ndarray (a tensor) or a list of them "
                f"(a table), got {type(leaf).__name__}"
            )
        char = leaf.dtype.char
        if char in SUPPORTED_FLOAT_CHARS:
            if dtype is not None and leaf.dtype != dtype:
                if not leaf.dtype.isnative:  # the module cannot be converted to it
                    raise TypeError(
                        f"{who}: {where} has the non-native byte order {leaf.dtype.str!r} (a "
                        f"big-endian file?), which modules do not compute in; convert the input "
                        f"with .astype(np.{dtype.name})"
                    )
                fix = ".float()" if leaf.dtype == np.float32 else ".double()"
                raise TypeError(
                    f"{who}: {where} has dtype {leaf.dtype} but the module's parameters are "
                    f"{dtype}; convert the module with {fix} (or the input with "
                    f".astype(np.{dtype.name}))"
                )
            continue
        if integer_ok and leaf.dtype.kind in "iu":
            continue
        if leaf.dtype.kind == "f" and not leaf.dtype.isnative:
            problem = (
                f"{where} has the non-native byte order {leaf.dtype.str!r} (a big-endian file?), "
                f"which modules do not compute in; convert it with .astype(np.float64)"
            )
        elif leaf.dtype.kind == "f":
            problem = (
                f"{where} has dtype {leaf.dtype}, which is not supported: modules compute in "
                f"float32 or float64 only (Torch 7's Float and Double); convert it with "
                f".astype(np.float64) or .astype(np.float32)"
            )
        else:
            kinds = "integer indices or float32/float64" if integer_ok else "float32 or float64"
            problem = (
                f"expected {where} of a floating dtype ({kinds}), got {leaf.dtype}; convert it "
                f"with .astype(np.float64)"
            )
        raise TypeError(f"{who}: {problem}")


def check_like(who: str, value: object, template: object, path: str, template_name: str) -> None:
    """Raise unless ``value`` has ``template``'s structure, shapes and dtypes, naming the leaf.

    Used for ``grad_output`` against ``output``: a ValueError for a structure or shape
    mismatch, a TypeError for a dtype mismatch (no broadcasting, no reshaping).
    """
    if is_table(template):
        if not is_table(value) or len(value) != len(template):
            raise ValueError(
                f"{who}: expected {path} to be a table of {len(template)} elements like "
                f"{template_name} ({describe(template)}), got {describe(value)}"
            )
        for index, (item, like) in enumerate(zip(value, template)):
            check_like(who, item, like, f"{path}[{index}]", f"{template_name}[{index}]")
        return
    if not isinstance(value, np.ndarray):
        raise TypeError(
            f"{who}: expected {path} to be a numpy.ndarray like {template_name} "
            f"({describe(template)}), got {type(value).__name__}"
        )
    if isinstance(template, np.ndarray):
        if value.shape != template.shape:
            raise ValueError(
                f"{who}: expected {path} of {template_name}'s shape {template.shape}, "
                f"got {value.shape}"
            )
        if value.dtype != template.dtype and template.dtype.kind == "f":
            raise TypeError(
                f"{who}: {path} has dtype {value.dtype} but {template_name} has "
                f"{template.dtype}; pass it in {template.dtype}"
            )


def same_layout(a: object, b: object) -> bool:
    """True when ``a`` and ``b`` have one structure with equal shapes and dtypes (no message)."""
    if is_table(a):
        return is_table(b) and len(a) == len(b) and all(map(same_layout, a, b))
    return (
        isinstance(a, np.ndarray)
        and isinstance(b, np.ndarray)
        and a.shape == b.shape
        and a.dtype == b.dtype
    )


def reuse_list(old: object, length: int) -> list:
    """The list ``old`` itself when it is a list of ``length`` items, else a new list of Nones.

    The table counterpart of ``reuse``: a table output is the same list object on the next call
    while its length holds, so a caller that kept ``module.output`` sees the new values.
    """
    if type(old) is list and len(old) == length:
        return old
    return [None] * length


def map_table(function: Callable[..., object], value: object, *others: object) -> object:
    """Apply ``function`` to each leaf of ``value`` (and the matching leaves of ``others``)."""
    if is_table(value):
        return [map_table(function, *items) for items in zip(value, *others)]
    return function(value, *others)


def zeros_like_table(value: object, old: object = None) -> object:
    """Zeros in ``value``'s layout (tensor or table), reusing ``old``'s arrays where they fit.

    Lua's table modules keep a ``gradInput`` table of buffers; this returns ``old`` itself,
    zeroed, when its layout matches ``value``'s.
    """
    if is_table(value):
        items = reuse_list(old, len(value))
        for index, item in enumerate(value):
            items[index] = zeros_like_table(item, items[index])
        return items
    if (
        isinstance(old, np.ndarray)
        and old.shape == value.shape
        and old.dtype == value.dtype
        and old is not value
    ):
        old.fill(0)
        return old
    return np.zeros_like(value)


def copy_table(value: object) -> object:
    """A deep copy of a tensor or table (new lists, new arrays)."""
    if is_table(value):
        return [copy_table(item) for item in value]
    return value.copy() if isinstance(value, np.ndarray) else value


def first_leaf(value: object) -> object:
    """The first tensor of a table (or the tensor itself); None for an empty table."""
    while is_table(value):
        if not value:
            return None
        value = value[0]
    return value
