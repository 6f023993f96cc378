"""What ``load`` and ``save`` accept as a file, and how they open it.

A path is a ``str`` or an ``os.PathLike``; a binary file object (``open(p, 'rb')``,
``io.BytesIO``) is accepted too, explicitly. Anything else — an int, which ``open`` would take as
a file descriptor, None, ``bytes`` (file content passed by mistake) — is a TypeError naming the
function. Only regular files are read or replaced: a FIFO is opened without blocking and
refused, as are devices and sockets, so ``load`` never waits forever.

``save`` is atomic: the file is written to a temporary file beside the target, flushed to disk
(``fsync``) and renamed over it, so a save that fails midway (a full disk, an exception, a
killed process) leaves the previous file as it was.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import secrets
import stat
from collections.abc import Callable, Iterator
from typing import BinaryIO

#: The most bytes ``load`` materialises by default: the decompressed ``.npz`` members, or the
#: ``.t7`` file and any one tensor's view. Pass ``max_bytes`` to ``load`` for a larger model.
DEFAULT_MAX_BYTES = 2**30

_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def is_file_object(target: object) -> bool:
    """True for a binary file object (``read`` or ``write``, not text).

    Parameters
    ----------
    target : object
        What ``load``/``save`` was given.
    """
    return isinstance(target, io.IOBase) and not isinstance(target, io.TextIOBase)


def checked_path(target: object, who: str) -> str:
    """``os.fspath(target)`` for a str or PathLike; a TypeError naming ``who`` otherwise.

    Parameters
    ----------
    target : object
        The path given.
    who : str
        ``'minitorch_l2.load'`` or ``'minitorch_l2.save'``.
    """
    if isinstance(target, str | os.PathLike):
        path = os.fspath(target)
        if isinstance(path, str) and path and "\0" not in path:
            return path
        raise TypeError(f"{who}: the path must be a non-empty str without NUL, got {path!r}")
    if isinstance(target, io.TextIOBase):
        raise TypeError(f"{who}: a text-mode file was given; open it in binary mode ('rb'/'wb')")
    hint = ""
    if isinstance(target, bytes):  # file content by mistake, or a bytes path
        hint = "; for a bytes path pass os.fsdecode(path)" + (
            ", to read bytes in memory io.BytesIO(data)" if who.endswith("load") else ""
        )
    raise TypeError(
        f"{who}: expected a path (str or os.PathLike) or a binary file object, got "
        f"{type(target).__name__} {target!r:.60}{hint}"
    )


def _renamed(error: OSError, who: str, path: str) -> OSError:
    """The same OSError subclass, its message naming the function and the path."""
    new = type(error)(error.errno, f"{who}: {error.strerror}")
    new.filename = path  # str() ends with ": 'path'"
    return new


@contextlib.contextmanager
def opened_for_reading(target: object, who: str) -> Iterator[BinaryIO]:
    """A binary file to read: a regular file at a path, or the given binary file object.

    Parameters
    ----------
    target : object
        A path or a binary file object (left open afterwards).
    who : str
        The function, for messages.
    """
    if is_file_object(target):
        yield target
        return
    path = checked_path(target, who)
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        raise _renamed(error, who, path) from None
    try:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, f"{who}: {path!r} is a directory, not a file")
        if not stat.S_ISREG(mode):
            raise ValueError(f"{who}: {path!r} is {_kind(mode)}; only regular files are read")
        if hasattr(os, "set_blocking"):
            os.set_blocking(descriptor, True)
        file = os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise
    with file:
        yield file


def read_bounded(file: BinaryIO, max_bytes: int, who: str, name: str) -> bytes:
    """The whole file, refused (ValueError) when it is longer than ``max_bytes``.

    Parameters
    ----------
    file : BinaryIO
        Positioned at the start.
    max_bytes : int
        The limit.
    who, name : str
        The function and the file, for the message.
    """
    data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(
            f"{who}: cannot load {name}: it is larger than max_bytes={max_bytes}; pass a larger "
            f"max_bytes if you trust the file"
        )
    return data


def write_atomically(target: object, who: str, write: Callable[[BinaryIO], None]) -> None:
    """Call ``write(file)`` on a temporary file beside ``target``, then rename it over ``target``.

    A binary file object is written directly (not atomic: it is the caller's). An existing target
    that is not a regular file is refused; its permission bits carry over to the new file.

    Parameters
    ----------
    target : object
        A path or a binary file object.
    who : str
        The function, for messages.
    write : callable
        Writes the content to the file it is given.
    """
    if is_file_object(target):
        write(target)
        return
    path = os.path.realpath(checked_path(target, who))  # through a symlink, to the file itself
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise _renamed(error, who, path) from None
    if mode is not None and not stat.S_ISREG(mode):
        what = "a directory" if stat.S_ISDIR(mode) else _kind(mode)
        raise ValueError(f"{who}: {path!r} is {what}; save writes only regular files")
    folder, name = os.path.split(path)
    temporary = os.path.join(folder, f".{name}.{secrets.token_hex(6)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(temporary, flags, 0o666)
    except OSError as error:
        raise _renamed(error, who, path) from None
    try:
        with os.fdopen(descriptor, "wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        if mode is not None:
            os.chmod(temporary, stat.S_IMODE(mode))
        os.replace(temporary, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise _renamed(error, who, path) from None
        raise
    _sync_folder(folder)


def _sync_folder(folder: str) -> None:
    """Flush the rename itself to disk where the system allows it (POSIX)."""
    try:
        descriptor = os.open(folder or ".", os.O_RDONLY)
    except OSError:
        return
    with contextlib.suppress(OSError):
        os.fsync(descriptor)
    os.close(descriptor)
