"""Python stand-ins for the Lua values that have no Python counterpart.

``load`` gives a Lua table as a ``list`` or ``dict``, a number as ``int``/``float``, a string as
``str`` (``bytes`` when it is not UTF-8), a tensor as an ndarray. Three things remain, and are
these small classes: an object of a class minitorch_l2 does not implement (kept with
``unknown_classes="keep"``), a Lua function (kept as bytecode, never run), and a table key that
Python cannot hash (a table or a tensor used as a key). ``save(..., format="t7")`` writes each
back as it was read.
"""

from __future__ import annotations


class TorchObject:
    """An object of a Lua class ``load`` does not map to one of ours: its class and its fields.

    Parameters
    ----------
    torch_class : str
        The Lua class name, e.g. ``'nn.SpatialConvolution'``.
    fields : dict
        The object's fields by their Lua names, converted like any other data.
    version : int
        The class version recorded in the file (``V 1`` is 1).
    """

    def __init__(self, torch_class: str, fields: dict | None = None, version: int = 1) -> None:
        self.torch_class = torch_class
        self.fields = {} if fields is None else fields
        self.version = version

    def __getitem__(self, name: object) -> object:
        """``obj['weight']`` is ``obj.fields['weight']``.

        Parameters
        ----------
        name : object
            A field name (a Lua table key).
        """
        return self.fields[name]

    def __repr__(self) -> str:
        names = ", ".join(sorted(str(name) for name in self.fields))
        return f"TorchObject({self.torch_class!r}, fields: {names})"


class LuaFunction:
    """A Lua function from a file: LuaJIT bytecode that minitorch_l2 never runs.

    Parameters
    ----------
    bytecode : bytes
        What Lua's ``string.dump`` gave.
    upvalues : object
        The upvalues as Torch recorded them (a list of ``{'name', 'id', 'value'}`` tables).
    """

    def __init__(self, bytecode: bytes, upvalues: object = None) -> None:
        self.bytecode = bytes(bytecode)
        self.upvalues = [] if upvalues is None else upvalues

    def __repr__(self) -> str:
        return f"LuaFunction({len(self.bytecode)} bytes of bytecode, never run)"


class LuaKey:
    """A table key Python cannot hash (a table, a tensor): compared and hashed by identity.

    Parameters
    ----------
    value : object
        The key itself (``key.value``).
    """

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LuaKey) and other.value is self.value

    def __hash__(self) -> int:
        return id(self.value)

    def __repr__(self) -> str:
        return f"LuaKey({type(self.value).__name__} at {id(self.value):#x})"
