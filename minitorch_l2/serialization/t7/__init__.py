"""Lua Torch 7's ``.t7`` format: read (binary, either byte order, 4- or 8-byte longs, ASCII) and
write (binary), with Lua classes mapped onto ours by the entries in ``_lua_classes/``.

``read_t7`` is the three passes of ``load``: bytes → raw graph (``_parser``), raw graph → Python
values and modules (``_convert``); ``write_t7`` is ``save(format="t7")``'s (``_writer``).
"""

from __future__ import annotations

from .. import _format
from . import _convert, _parser, _sinks, _streams, _writer
from ._registry import mapped_lua_classes
from ._writer import WriteError
from .values import LuaFunction, LuaKey, TorchObject

__all__ = [
    "LuaFunction",
    "LuaKey",
    "TorchObject",
    "WriteError",
    "looks_like_t7",
    "mapped_lua_classes",
    "read_t7",
    "write_t7",
]


def looks_like_t7(start: bytes) -> bool:
    """True when a file's first bytes can begin a ``.t7``: a type tag, binary or ASCII.

    Parameters
    ----------
    start : bytes
        The first four bytes (or fewer) of the file.
    """
    if start[:1].isdigit():
        return True
    if len(start) < 4:
        return False
    little, big = int.from_bytes(start[:4], "little"), int.from_bytes(start[:4], "big")
    return 0 <= little <= 8 or 0 <= big <= 8


def read_t7(
    data: bytes, keep_unknown: bool, max_bytes: int, max_depth: int = _parser.MAX_DEPTH
) -> object:
    """The value of a ``.t7`` file's bytes; a FormatError (with the byte offset) when refused.

    Parameters
    ----------
    data : bytes
        The whole file.
    keep_unknown : bool
        Unmapped classes become TorchObjects (True) or one error naming them all (False).
    max_bytes : int
        The most bytes of storages, and of any one tensor's view, to accept.
    max_depth : int
        The deepest nesting of tables and objects to accept.
    """
    errors: list[_format.FormatError] = []
    for stream in _streams.detect(data):
        try:
            raw = _parser.Parser(stream, max_bytes, max_depth).read()
        except _format.FormatError as error:
            errors.append(error)
            continue
        return _convert.Converter(keep_unknown, max_depth).convert(raw)
    # Neither reading works: the first (8-byte longs, what 64-bit Lua writes) says why.
    raise errors[0]


def write_t7(value: object, byteorder: str = "<", long_size: int = 8, ascii: bool = False) -> bytes:
    """The bytes of a ``.t7`` file holding ``value`` (a WriteError for what Lua cannot hold).

    The encoder only: load's checks of each module are ``save``'s, run before it calls this.

    Parameters
    ----------
    value : object
        Data, modules, or both.
    byteorder : str
        ``'<'`` (little-endian, what x86 and ARM Lua write) or ``'>'``.
    long_size : int
        8 (64-bit Linux and macOS) or 4 (Windows, 32-bit).
    ascii : bool
        Write Torch's ASCII mode instead of binary.
    """
    sink = _sinks.AsciiSink() if ascii else _sinks.BinarySink(byteorder, long_size)
    return _writer.Writer(sink).write(value)
