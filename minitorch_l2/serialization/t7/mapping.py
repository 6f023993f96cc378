"""How a Lua class maps onto one of ours: one declarative :class:`LuaClass` entry per class.

An entry lists the Lua fields that are state (renamed camelCase → snake_case unless ``rename``
says otherwise), which of them hold 1-based dimensions or indices, the Lua-only fields (what
values ``load`` accepts there and what ``save`` writes), the per-call buffers, and, where our
class keeps something Lua computes, a ``derive`` function. Loading and saving both read the
entry; nothing else knows about the class. The entries live in ``_lua_classes/<family>.py``.

Loading a Lua object (``build``) runs no constructor: the object is ``object.__new__(cls)`` filled
with the mapped fields, its transient state (``output``, ``grad_input``, buffers, per-call
attributes) set as a fresh one has it and never taken from the file, then checked as the
constructor checks: the class's ``validate()`` (its settings, its arrays' shapes, and
``nn.Module.validate``'s parameter arrays: floating, each gradient of its parameter's shape and
dtype, no two overlapping).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from ...nn._types import lua_type_name
from ...nn.module import Module
from .._validation import validated

_REQUIRED = object()


class MappingError(ValueError):
    """A Lua object that cannot become our class: the message names the class and the field."""


def snake_case(name: str) -> str:
    """``gradWeight`` → ``grad_weight`` (Lua's camelCase field to our attribute name).

    Parameters
    ----------
    name : str
        The Lua field name.
    """
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


@dataclass(frozen=True)
class LuaOnly:
    """A Lua field with no attribute of ours: the values ``load`` accepts, what ``save`` writes.

    Parameters
    ----------
    write : object or callable
        The value ``save`` writes; a callable is given our module and its dtype and returns
        it (``empty_tensor``: an empty tensor of the module's dtype).
    accept : callable, optional
        ``accept(value) -> bool`` for the file's value (``missing`` when the field is absent);
        None accepts anything. A refused value is an error naming the field and ``meaning``.
    missing : object
        What a file without the field means (Lua reads an absent field as nil).
    meaning : str
        What a refused value would ask of us, for the message.
    per_call : bool
        A buffer Lua's constructor makes (``noise``, a size storage): whatever the file holds
        there is per-call state, and ``save`` writes it empty.
    """

    write: object = None
    accept: Callable[[object], bool] | None = None
    missing: object = None
    meaning: str = ""
    per_call: bool = False


@dataclass(frozen=True)
class Convert:
    """A Lua field whose value has another form in our attribute (a storage ↔ a tuple, ...).

    Parameters
    ----------
    load : callable
        ``load(value, who, field) -> ours``; raises MappingError for a value it cannot take.
    save : callable
        ``save(ours) -> value`` as Lua holds it.
    """

    load: Callable[[object, str, str], object]
    save: Callable[[object], object]


@dataclass(frozen=True)
class Storage:
    """An array that ``save`` writes as a bare Torch storage (``torch.LongStorage``, ...).

    Lua keeps some settings in storages, not tensors (``nn.View``'s ``size``); ``load`` reads a
    storage as a 1-D array.

    Parameters
    ----------
    array : numpy.ndarray
        The elements, 1-D, of a dtype Torch has a storage for.
    """

    array: np.ndarray


@dataclass(frozen=True)
class LuaClass:
    """One Lua class ↔ one of ours.

    Parameters
    ----------
    lua_name : str
        The Lua class, ``'nn.Linear'``.
    cls : type
        Our class (an ``nn.Module`` or ``nn.Criterion`` subclass).
    fields : tuple of str
        Lua fields that are the object's state, each our attribute of the snake_case name
        (``gradWeight`` → ``grad_weight``) unless ``rename`` gives another.
    rename : mapping
        Lua field → our attribute, where the rule does not give it.
    zero_based : tuple of str
        Our attributes whose Lua values are 1-based (dimensions, indices): 1 is subtracted on
        load and added on save (ints, int arrays and lists of them).
    optional : mapping
        Lua field → the value taken when the file lacks it (``bias`` of a Linear without one);
        every other field of ``fields`` is required.
    lua_only : mapping of str to LuaOnly
        Lua fields without an attribute of ours (see :class:`LuaOnly`).
    buffers : tuple of str
        Lua's per-call buffers: dropped on load, not written on save.
    convert : mapping of str to Convert
        Lua field → how its value becomes ours and back (instead of the value as it is).
    derive : mapping of str to callable
        Our attributes that Lua does not store, each computed by ``function(attributes,
        lua_fields)`` from the mapped attributes (a Linear's sizes from its weight's shape);
        it raises MappingError when the fields do not fit. Not written on save.
    fixed : mapping of str to object
        Our attributes Lua's class lacks, with the one value Lua's behaviour has: set on load,
        and ``save`` refuses a module holding another value.
    version : int
        The class version Lua writes (``torch.version``), and the newest ``load`` upgrades to.
    upgrade : callable, optional
        ``upgrade(lua_fields, version) -> lua_fields``: what Lua's ``read`` (or its
        backward-compatibility code) does to an object of an older version or layout
        (``BatchNormalization`` < 2 stored ``running_std``); it looks at the version itself.
    to_lua : callable, optional
        ``to_lua(module, lua_fields) -> lua_fields``: last touches on save.
    shares : callable, optional
        ``shares(module) -> {lua_field: (other_module, its_lua_field)}``: fields that are, in
        Lua, another module's very object (a Sequential's ``output`` is its last module's);
        ``save`` writes them so. Bookkeeping only: ``load`` never reads them.
    sets_train : bool
        Lua's constructor sets ``train`` (Dropout does), so ``save`` writes it even when True;
        for other modules Lua has no ``train`` until ``training()``/``evaluate()``, and ``save``
        writes it only when False (nil reads as training, the default, everywhere else).
    """

    lua_name: str
    cls: type
    fields: tuple[str, ...] = ()
    rename: Mapping[str, str] = field(default_factory=dict)
    zero_based: tuple[str, ...] = ()
    optional: Mapping[str, object] = field(default_factory=dict)
    lua_only: Mapping[str, LuaOnly] = field(default_factory=dict)
    buffers: tuple[str, ...] = ()
    convert: Mapping[str, Convert] = field(default_factory=dict)
    derive: Mapping[str, Callable[[dict, dict], object]] = field(default_factory=dict)
    fixed: Mapping[str, object] = field(default_factory=dict)
    version: int = 1
    upgrade: Callable[[dict, int], dict] | None = None
    to_lua: Callable[[object, dict], dict] | None = None
    shares: Callable[[object], Mapping[str, tuple[object, str]]] | None = None
    sets_train: bool = False

    def attribute(self, lua_field: str) -> str:
        """Our attribute for one of the entry's Lua fields.

        Parameters
        ----------
        lua_field : str
            A name from ``fields``.
        """
        return self.rename.get(lua_field, snake_case(lua_field))

    @property
    def is_module(self) -> bool:
        """True for an ``nn.Module``, False for an ``nn.Criterion``."""
        return issubclass(self.cls, Module)


# ---------------------------------------------------------------------- shared by the entries

#: Fields every Lua module has that are transient or bookkeeping: never state of ours.
MODULE_BOOKKEEPING = ("output", "gradInput", "_type", "shared")
CRITERION_BOOKKEEPING = ("output", "gradInput")


def own_dtype(module: object) -> np.dtype | None:
    """The dtype of a module's (or criterion's) own floating arrays, or None when it has none.

    Parameters
    ----------
    module : object
        Our module or criterion.
    """
    transient = type(module).transient_attributes()
    for name, value in vars(module).items():
        if name not in transient and isinstance(value, np.ndarray) and value.dtype.kind == "f":
            return value.dtype
    return None


def empty_tensor(module: object, dtype: np.dtype) -> np.ndarray:
    """Lua's ``torch.Tensor()`` of the module's type: an empty array, written with no storage.

    Parameters
    ----------
    module : object
        Our module or criterion (unused: the signature of a ``LuaOnly.write``).
    dtype : numpy.dtype
        The module's type.
    """
    return np.empty(0, dtype)


def empty_table(module: object, dtype: np.dtype) -> list:
    """Lua's ``{}`` (an empty table: a table module's ``gradInput``), for a ``LuaOnly.write``.

    Parameters
    ----------
    module : object
        Our module or criterion (unused).
    dtype : numpy.dtype
        Its type (unused).
    """
    return []


def tensor_pair(module: object, dtype: np.dtype) -> list:
    """Lua's ``{torch.Tensor(), torch.Tensor()}`` (the ``gradInput`` of a pair's module).

    Parameters
    ----------
    module : object
        Our module or criterion (unused).
    dtype : numpy.dtype
        Its type.
    """
    return [np.empty(0, dtype), np.empty(0, dtype)]


def empty_long_storage(module: object, dtype: np.dtype) -> Storage:
    """Lua's ``torch.LongStorage()``, empty (a size buffer Lua's constructor makes).

    Parameters
    ----------
    module : object
        Our module or criterion (unused).
    dtype : numpy.dtype
        Its type (unused).
    """
    return Storage(np.empty(0, np.int64))


def _sizes_from_lua(value: object, who: str, name: str) -> tuple[int, ...]:
    if not isinstance(value, np.ndarray) or value.ndim != 1 or value.dtype.kind not in "iu":
        raise MappingError(
            f"{who}: field {name!r} must be a LongStorage of sizes, got {value!r:.60}"
        )
    return tuple(int(size) for size in value)


def _sizes_to_lua(value: object) -> Storage:
    return Storage(np.array(value, dtype=np.int64).reshape(-1))


#: A ``torch.LongStorage`` of sizes (``nn.View``'s ``size``) ↔ our tuple of ints.
SIZES = Convert(_sizes_from_lua, _sizes_to_lua)


def is_bool_or_nil(value: object) -> bool:
    """True for True, False and None (a Lua flag that is unset).

    Parameters
    ----------
    value : object
        The file's value.
    """
    return value is None or isinstance(value, bool)


def shift(value: object, by: int, who: str, name: str) -> object:
    """A 1-based value made 0-based (``by=-1``) or back (``by=1``): ints, int arrays, lists.

    Only the counts from the start move: Lua's 1 is our 0, and a negative value, which counts
    from the end in both, stays as it is (Lua's ``nn.Select(1, -1)`` is ``nn.Select(0, -1)``).
    A Lua 0, which indexes nothing, is refused.

    Parameters
    ----------
    value : object
        The index or dimension (None passes through).
    by : int
        -1 on load, +1 on save.
    who, name : str
        The class and field, for the message.
    """
    if value is None:
        return None
    if isinstance(value, bool | np.bool_):
        raise MappingError(f"{who}: field {name!r} must be an index, got {value!r}")
    if isinstance(value, int | np.integer):
        value = int(value)
        if by < 0 and value == 0:
            raise MappingError(f"{who}: field {name!r} is 0; Lua's indices start at 1")
        return value + by if (value > 0 if by < 0 else value >= 0) else value
    if isinstance(value, np.ndarray) and value.dtype.kind in "iu":
        return np.array([shift(int(item), by, who, name) for item in value.reshape(-1)], np.int64)
    if isinstance(value, list | tuple):
        return [shift(item, by, who, name) for item in value]
    raise MappingError(f"{who}: field {name!r} must be an integer index, got {value!r}")


# ---------------------------------------------------------------------- Lua → ours


def build(entry: LuaClass, shell: object, lua_fields: dict, version: int) -> None:
    """Fill ``shell`` (an ``object.__new__(entry.cls)``) from a Lua object's fields, then check it.

    Parameters
    ----------
    entry : LuaClass
        The mapping.
    shell : object
        The new, empty object of ``entry.cls``.
    lua_fields : dict
        The object's fields, converted to Python values.
    version : int
        The version recorded in the file.
    """
    who = entry.lua_name
    lua = dict(lua_fields)
    for key in lua:
        if not isinstance(key, str):
            raise MappingError(f"{who}: has a field named {key!r}, not a string")
    if entry.upgrade is not None:
        lua = entry.upgrade(lua, version)
    original = dict(lua)
    for name in (
        *(MODULE_BOOKKEEPING if entry.is_module else CRITERION_BOOKKEEPING),
        *entry.buffers,
    ):
        lua.pop(name, None)
    train = lua.pop("train", True) if entry.is_module else None
    for name, rule in entry.lua_only.items():
        value = lua.pop(name, rule.missing)
        if rule.accept is not None and not rule.accept(value):
            raise MappingError(
                f"{who}: field {name!r} is {value!r}; minitorch_l2's nn.{entry.cls.__name__} "
                f"has no {rule.meaning or 'such setting'}"
            )
    attributes = {}
    for name in entry.fields:
        value = lua.pop(name, entry.optional.get(name, _REQUIRED))
        if value is _REQUIRED:
            raise MappingError(f"{who}: the file has no field {name!r}")
        ours = entry.attribute(name)
        if name in entry.convert and value is not entry.optional.get(name, _REQUIRED):
            value = entry.convert[name].load(value, who, name)
        elif ours in entry.zero_based:
            value = shift(value, -1, who, name)
        attributes[ours] = value
    if lua:
        raise MappingError(
            f"{who}: field(s) {sorted(lua)} are not known to minitorch_l2's mapping of this class "
            f"(minitorch_l2/serialization/t7/_lua_classes/); refusing rather than ignoring them"
        )
    attributes.update(entry.fixed)
    for name, function in entry.derive.items():
        attributes[name] = function(attributes, original)
    _fill(shell, attributes, train, who)
    _check(entry, shell)


def _fill(shell: object, attributes: dict, train: object, who: str) -> None:
    """Set a fresh object's state (transient attributes as the class has them), then ours."""
    cls = type(shell)
    state: dict[str, object] = {}
    if isinstance(shell, Module):
        if not isinstance(train, bool):
            raise MappingError(f"{who}: field 'train' must be a boolean, got {train!r}")
        state["train"] = train
    state.update(cls.transient_defaults())
    state.update(attributes)
    shell.__dict__.update(state)


def _check(entry: LuaClass, module: object) -> None:
    """The class's ``validate()``, its message naming Lua's field beside ours where they differ."""
    try:
        validated(module)
    except (TypeError, ValueError) as error:
        message = str(error)
        hints = [
            f"our {ours} is Lua's {lua}"
            for lua in entry.fields
            if (ours := entry.attribute(lua)) != lua and re.search(rf"\b{ours}\b", message)
        ]
        raise type(error)(message + (f" ({'; '.join(hints)})" if hints else "")) from None


# ---------------------------------------------------------------------- ours → Lua


def lua_fields(entry: LuaClass, module: object, dtype: np.dtype) -> dict:
    """The Lua fields ``save`` writes for our ``module`` (entry's fields, Lua-only, bookkeeping).

    Parameters
    ----------
    entry : LuaClass
        The mapping of the module's class.
    module : object
        Our module or criterion.
    dtype : numpy.dtype
        Its type (Lua's ``_type``): its own arrays', or, for a module without any, that of the
        tree it is in, as Lua's ``model:float()`` converts every module.

    Returns
    -------
    dict
        Field name → Python value, in the order Lua's constructor would create them.
    """
    who = f"nn.{type(module).__name__}"
    lua: dict[str, object] = {}
    if entry.is_module:
        lua["_type"] = lua_type_name(dtype)
        lua["output"] = empty_tensor(module, dtype)
        lua["gradInput"] = empty_tensor(module, dtype)
        if not module.train or entry.sets_train:
            lua["train"] = bool(module.train)
    else:
        lua["output"] = 0
        lua["gradInput"] = empty_tensor(module, dtype)
    mapped = set()
    for name in entry.fields:
        ours = entry.attribute(name)
        mapped.add(ours)
        value = getattr(module, ours, None)
        if name in entry.optional and _same(entry.optional[name], value):
            continue  # Lua's constructor leaves the field nil
        if name in entry.convert:
            value = entry.convert[name].save(value)
        elif ours in entry.zero_based:
            value = shift(value, 1, who, ours)
        if value is not None:
            lua[name] = value
    for name, value in entry.fixed.items():
        if not _same(value, getattr(module, name, None)):
            raise ValueError(
                f"minitorch_l2.save: {who}'s {name} is {getattr(module, name, None)!r}; Lua's "
                f"{entry.lua_name} has no such setting (it behaves as {name}={value!r}), so a "
                f".t7 file cannot hold it; save as .npz instead"
            )
    for name, rule in entry.lua_only.items():
        value = rule.write(module, dtype) if callable(rule.write) else rule.write
        if value is not None:  # a nil field is an absent one
            lua[name] = value
    _refuse_unmapped(entry, module, mapped, who)
    if entry.to_lua is not None:
        lua = entry.to_lua(module, lua)
    return lua


def _refuse_unmapped(entry: LuaClass, module: object, mapped: set, who: str) -> None:
    """An attribute of ours without a Lua field must hold its class default (or be derived)."""
    cls = type(module)
    skip = set(mapped) | set(entry.derive) | set(entry.fixed) | {"train"}
    skip |= cls.transient_attributes()
    for name, value in vars(module).items():
        if name in skip:
            continue
        default = getattr(cls, name, _REQUIRED)
        if default is _REQUIRED or not _same(default, value):
            raise ValueError(
                f"minitorch_l2.save: {who}'s attribute {name!r} has no field in Lua's "
                f"{entry.lua_name}, so a .t7 file cannot hold it; save as .npz instead"
            )


def _same(a: object, b: object) -> bool:
    try:
        return bool(a == b) and type(a) is type(b)
    except Exception:
        return False
