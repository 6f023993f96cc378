"""Reading and writing the ``.npz`` archive, with pickle off in both directions.

Reading is eager: every member is read with ``allow_pickle=False`` before anything is decoded,
so a file carrying a pickled object array anywhere is refused as a whole.
"""

from __future__ import annotations

import json
import os
import zipfile

import numpy as np

from .format import ARCHITECTURE_KEY, FormatError

# What numpy raises on a file that is not a readable .npy/.npz (a pickle refused, a truncated
# zip, a bad header...). A missing file is an OSError raised by open(), before this applies.
UNREADABLE = (ValueError, OSError, EOFError, zipfile.BadZipFile, KeyError)


def write_archive(path: str | os.PathLike[str], architecture: dict, arrays: dict) -> None:
    """Write ``architecture`` as strict JSON (a 0-d str array) beside ``arrays`` to ``path``.

    The file is opened by us so it lands exactly at ``path`` (``np.savez`` given a name would
    append ``.npz``).
    """
    text = json.dumps(architecture, allow_nan=False, separators=(",", ":"))
    with open(path, "wb") as file:
        np.savez(file, allow_pickle=False, **{ARCHITECTURE_KEY: np.array(text)}, **arrays)


def _refuse_constant(name: str) -> None:
    raise FormatError(f"its architecture JSON contains the non-standard constant {name}")


def read_archive(path: str | os.PathLike[str]) -> tuple[object, dict[str, np.ndarray]]:
    """The parsed architecture JSON and the other arrays of the archive at ``path``.

    Returns
    -------
    tuple
        ``(architecture, arrays)``; a FormatError when the file is not an ``.npz`` of plain
        arrays with a JSON ``architecture`` entry.
    """
    with open(path, "rb") as file:
        try:
            contents = np.load(file, allow_pickle=False)
        except UNREADABLE as error:
            raise FormatError(
                f"not an .npz archive numpy can read without pickle ({error})"
            ) from None
        if not isinstance(contents, np.lib.npyio.NpzFile):
            raise FormatError("it holds a single .npy array, not an .npz archive")
        arrays = {}
        with contents:
            for name in contents.files:
                try:
                    arrays[name] = contents[name]
                except UNREADABLE as error:
                    reason = "a pickled object array" if "pickle" in str(error) else str(error)
                    raise FormatError(f"entry {name!r} is {reason}; refused") from None
                if not isinstance(arrays[name], np.ndarray):
                    raise FormatError(f"entry {name!r} is not a NumPy array")
    entry = arrays.pop(ARCHITECTURE_KEY, None)
    if entry is None:
        raise FormatError(
            f"it has no {ARCHITECTURE_KEY!r} entry, so it is not a minitorch_l2 model "
            f"(a plain .npz of arrays?)"
        )
    if entry.dtype.kind != "U" or entry.shape != ():
        raise FormatError(f"its {ARCHITECTURE_KEY!r} entry is not a JSON string")
    try:
        architecture = json.loads(str(entry[()]), parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise FormatError(f"its {ARCHITECTURE_KEY!r} entry is not valid JSON ({error})") from None
    return architecture, arrays
