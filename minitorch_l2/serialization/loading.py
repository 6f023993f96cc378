"""``minitorch_l2.load(path)``: our ``.npz`` or Lua Torch's ``.t7``, told apart by content."""

from __future__ import annotations

import io
import os

from ._archive import NPY_SIGNATURE, ZIP_SIGNATURES, read_archive
from ._decoder import Decoder
from ._files import DEFAULT_MAX_BYTES, is_file_object, opened_for_reading, read_bounded
from ._format import FormatError
from .t7 import looks_like_t7, read_t7

WHO = "minitorch_l2.load"
UNKNOWN_CLASSES = ("error", "keep")


def load(
    path: str | os.PathLike[str] | io.BufferedIOBase,
    *,
    unknown_classes: str = "error",
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> object:
    """Read what :func:`save` wrote (``.npz``), or a file Lua Torch 7 saved (``.t7``).

    The format is told by the file's first bytes, not its name. From our ``.npz``: the saved
    value (a module, or any checkpoint ``{"model": net, "optim_state": ..., ...}``),
    bit-identical. From a ``.t7``: Lua's ``nn`` objects become our modules (Lua's 1-based
    dimension and index fields 0-based), tensors NumPy arrays (tensors sharing a storage are
    views of one array), tables lists (keys 1..n) or dicts, numbers ``int`` when whole, strings
    ``str`` (``bytes`` when not UTF-8). No code from the file is run: no pickle, no Lua; classes
    are only looked up among those already imported (``.npz``) or mapped (``.t7``), and created
    without calling ``__init__``, then checked by their ``validate()``.

    Parameters
    ----------
    path : str, os.PathLike or binary file object
        A regular file (a FIFO, a device, a directory are refused), or an open binary file.
    unknown_classes : {'error', 'keep'}
        For a ``.t7`` holding Lua classes minitorch_l2 does not implement: one ValueError naming
        every such class (``'error'``), or each object as a ``TorchObject`` holding its fields
        (``'keep'``).
    max_bytes : int
        The most bytes ``load`` will materialise: the decompressed ``.npz`` members together,
        or the ``.t7`` file and any one tensor in it (default 1 GiB). A file past it is refused
        before the memory is used; raise it for a larger model you trust.

    Returns
    -------
    object
        The saved value: a module, a criterion, or data holding them.

    Raises
    ------
    TypeError
        ``path`` is not a str, an os.PathLike or a binary file object.
    ValueError
        The file is not one ``load`` reads: not an ``.npz`` or ``.t7``, damaged (truncated, a
        member failing its CRC-32, a count or size past the bytes left, a tensor reaching outside
        its storage), hostile (pickled arrays, a decompression bomb, nesting past 10,000), a
        class it will not use, or a setting its class refuses. The message names ``load``, the
        file, and for a ``.t7`` the byte offset.
    OSError
        The file cannot be opened (missing, a directory, no permission), naming ``load``.
    """
    if unknown_classes not in UNKNOWN_CLASSES:
        raise ValueError(
            f"{WHO}: unknown_classes must be 'error' or 'keep', got {unknown_classes!r}"
        )
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
        raise TypeError(f"{WHO}: max_bytes must be a positive int, got {max_bytes!r}")
    name = repr(getattr(path, "name", "<file object>")) if is_file_object(path) else None
    with opened_for_reading(path, WHO) as file:
        name = name or repr(os.fspath(path))
        try:
            return _read(file, name, unknown_classes == "keep", max_bytes)
        except FormatError as error:
            raise ValueError(f"{WHO}: cannot load {name}: {error}") from None
        except RecursionError:
            raise ValueError(f"{WHO}: cannot load {name}: it is nested too deeply") from None


def _read(file: io.BufferedIOBase, name: str, keep_unknown: bool, max_bytes: int) -> object:
    if not file.seekable():
        file = io.BytesIO(read_bounded(file, max_bytes, WHO, name))
    start = file.read(8)
    file.seek(-len(start), io.SEEK_CUR)
    if start.startswith(ZIP_SIGNATURES) or start.startswith(NPY_SIGNATURE):
        architecture, arrays = read_archive(file, max_bytes)
        return Decoder(arrays).root(architecture)
    if looks_like_t7(start):
        return read_t7(read_bounded(file, max_bytes, WHO, name), keep_unknown, max_bytes)
    what = "it is empty" if not start else f"it starts with {start[:4]!r}"
    raise FormatError(
        f"not an .npz archive nor a .t7 file ({what}; an .npz is a zip file, starting b'PK', and "
        f"a .t7 starts with a Torch type tag)"
    )
