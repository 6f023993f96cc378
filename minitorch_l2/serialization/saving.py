"""``minitorch_l2.save(path, value)``: our plain ``.npz`` (no pickle) or Lua Torch's ``.t7``."""

from __future__ import annotations

import io
import os
from collections.abc import Callable

from ._archive import write_archive
from ._encoder import Encoder
from ._files import checked_path, is_file_object, write_atomically
from ._format import FORMAT_NAME, FORMAT_VERSION
from ._save_checks import SaveCheckError, check_before_save
from .t7 import WriteError, write_t7

WHO = "minitorch_l2.save"
FORMATS = ("npz", "t7")


def save(
    path: str | os.PathLike[str] | io.BufferedIOBase, value: object, format: str | None = None
) -> None:
    """Save a module, or any checkpoint of modules and data, to ``path``; atomically.

    ``format="npz"`` (the default, unless ``path`` ends in ``.t7``) writes a plain ``.npz``: an
    ``architecture`` entry of strict JSON describing the value — each module as its class
    (``minitorch_l2.nn:Linear``) and instance attributes, minus transient state (``output``,
    ``grad_input``, buffers, ``per_call_attributes``) — and one ``array_<k>`` per array, in its
    own dtype. No pickle, so :func:`load` runs no code. ``format="t7"`` writes Torch 7 binary as
    Lua's ``torch.save`` does, which Lua's ``torch.load`` reads: our modules under Lua's class
    names and fields (0-based fields 1-based again), arrays that view one base as tensors of one
    storage, lists as tables 1..n, dicts as tables.

    First every module and criterion in ``value`` gets the checks :func:`load` will make (its
    class's ``validate()``, the attribute names, the sharing of arrays between modules), so a
    module changed after its constructor into a state ``load`` refuses (a weight of the wrong
    shape or dtype, a bias deleted, Dropout ``p=2.5``, one module's weight another's gradient)
    is refused now, not when the checkpoint is needed. Then the file is written beside ``path``
    under a temporary name, flushed to disk and renamed over ``path``: a save that fails
    midway, or is refused, leaves the previous file as it was.

    Parameters
    ----------
    path : str, os.PathLike or binary file object
        Where to write, used as given (no suffix is appended); an open binary file is written
        directly (not atomically).
    value : object
        A module or criterion, or data holding them: None, bool, int, float, str, bytes,
        ndarrays, numpy scalars, lists, tuples and dicts (keys of those types), the
        ``TorchObject``/``LuaFunction``/``LuaKey`` values of a ``.t7`` load. User-defined
        classes must be defined at the top level of a module, so that ``load`` can find them.
    format : {'npz', 't7'}, optional
        The format; by default ``'t7'`` for a path ending in ``.t7``, else ``'npz'``.

    Raises
    ------
    TypeError
        ``path`` is not a str, os.PathLike or binary file object; or a module holds a setting
        or array of the wrong type, as its constructor and ``load`` refuse it.
    ValueError
        A module or criterion ``load`` would refuse (the message is ``load``'s, with ``save``,
        the path and the module's place: ``value['model'].modules[3] (module (3) of
        nn.Sequential)``). Something in ``value`` is not data (a function, an arbitrary
        object, an object array), or (``.t7``) has no Lua counterpart (a class without a Lua
        mapping, a 0-d array is fine but a bool array is not); named with its place. Nothing
        is written then.
    OSError
        The file cannot be written, naming ``save``; the previous file is kept.
    """
    format = _format(path, format)
    name = _name(path)
    try:  # load's checks, before anything is encoded or the file opened
        check_before_save(value)
    except SaveCheckError as failed:
        raise type(failed.error)(
            f"{WHO}: {name} not written, load would refuse it: {failed}"
        ) from None
    except RecursionError:  # a validate() walking a module tree deeper than Python's stack
        raise ValueError(f"{WHO}: {name} not written: its modules are nested too deeply") from None
    _write(path, value, format, name)


def _save_unchecked(
    path: str | os.PathLike[str] | io.BufferedIOBase, value: object, format: str | None = None
) -> None:
    """Test-only: ``save`` without load's checks, for tests/security's hostile files."""
    _write(path, value, _format(path, format), _name(path))


def _format(path: object, format: str | None) -> str:
    """The format asked for, or the one ``path``'s suffix chooses."""
    if format is None:
        named = isinstance(path, str | os.PathLike) and not is_file_object(path)
        format = "t7" if named and str(os.fspath(path)).endswith(".t7") else "npz"
    if format not in FORMATS:
        raise ValueError(f"{WHO}: format must be 'npz' or 't7', got {format!r}")
    return format


def _write(path: object, value: object, format: str, name: str) -> None:
    """Encode ``value`` (every refusal before the file is opened), then write it atomically."""
    try:
        if format == "t7":
            data = write_t7(value)
            write: Callable[[io.BufferedIOBase], object] = lambda file: file.write(data)  # noqa: E731
        else:
            encoder = Encoder()
            root = encoder.value(
                value, "model" if hasattr(value, "transient_attributes") else "value"
            )
            architecture = {"format": FORMAT_NAME, "format_version": FORMAT_VERSION, "value": root}
            write = lambda file: write_archive(file, architecture, encoder.arrays)  # noqa: E731
    except (WriteError, ValueError) as error:
        reason = str(error).removeprefix(f"{WHO}: ")
        raise ValueError(f"{WHO}: {name} not written: {reason}") from None
    write_atomically(path, WHO, write)


def _name(path: object) -> str:
    """The path for messages (a file object's name, when it has one)."""
    if is_file_object(path):
        return repr(getattr(path, "name", "<file object>"))
    if isinstance(path, str | os.PathLike):
        return repr(os.fspath(path))
    checked_path(path, WHO)  # raises the TypeError
    return repr(path)
