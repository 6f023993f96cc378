"""Reading and writing the ``.npz`` archive, with pickle off in both directions.

Reading is eager: every member is read in full and checked before anything is decoded, so a
file carrying a pickled object array anywhere, or a damaged member, is refused as a whole.

Reading is bounded: a member is read in chunks of ``CHUNK`` bytes, after its ``.npy`` header; the
reading stops as soon as the member holds more than its header declares, and the declared sizes
of all members together may not pass ``max_bytes``. A decompression bomb — a small deflated member
that inflates to gigabytes — therefore costs at most ``max_bytes`` of memory, never more than
the arrays its headers admit to, and is refused the moment it inflates past its declaration.

The boundary of what a file may do to ``read_archive``: *any* exception raised while the zip
container and its ``.npy`` members are parsed (zipfile, zlib, numpy's header parser — which can
raise BadZipFile, NotImplementedError, zlib.error, tokenize.TokenError, EOFError, struct.error,
...) means the bytes are not a readable archive, and becomes one FormatError. Listing the types
one by one missed some; the set depends on the Python and NumPy versions. Only MemoryError is
let through (an honest resource failure, not a property of the file: the sizes declared by every
member are checked against its bytes before an array is allocated), and KeyboardInterrupt and
SystemExit are not Exceptions, so they are never caught.

Integrity: ``ZipFile.read`` reads each member to its end, where zipfile compares the CRC-32
recorded in the archive with that of the bytes read (a mismatch is a BadZipFile). A changed byte
in any member therefore refuses the file, stored or deflated; a changed byte outside the members'
data and names (a timestamp, a comment, a padding field) is not read at all, and the model loads
exactly as saved. CRC-32 detects accidents, not forgeries.
"""

from __future__ import annotations

import io
import json
import math
import zipfile

import numpy as np

from ._format import ARCHITECTURE_KEY, FormatError

# The first bytes of a zip archive: a local file header, or the end record of an empty archive.
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
NPY_SIGNATURE = b"\x93NUMPY"
MEMBER_SUFFIX = ".npy"
CHUNK = 2**20


def write_archive(file: io.BufferedIOBase, architecture: dict, arrays: dict) -> None:
    """Write ``architecture`` as strict JSON (a 0-d str array) beside ``arrays`` to ``file``.

    Parameters
    ----------
    file : binary file
        Where the archive goes (``save`` gives a temporary file beside the target).
    architecture : dict
        The JSON-able description of the saved value.
    arrays : dict of str to numpy.ndarray
        The archive entries referenced by ``architecture``.
    """
    text = json.dumps(architecture, allow_nan=False, separators=(",", ":"))
    np.savez(file, allow_pickle=False, **{ARCHITECTURE_KEY: np.array(text)}, **arrays)


def _refuse_constant(name: str) -> None:
    raise FormatError(f"its architecture JSON contains the non-standard constant {name}")


def _check_signature(file: io.BufferedIOBase) -> None:
    """Refuse, by its first bytes, a file that is not a zip archive (never asking numpy)."""
    start = file.read(len(NPY_SIGNATURE))
    file.seek(0)
    if start.startswith(NPY_SIGNATURE):
        raise FormatError("it holds a single .npy array, not an .npz archive")
    if not start.startswith(ZIP_SIGNATURES):
        what = "it is empty" if not start else f"it starts with {start[:4]!r}"
        raise FormatError(f"not an .npz archive ({what}; an .npz is a zip file, starting b'PK')")


def _member_header(member: io.BufferedIOBase, key: str) -> tuple[tuple, bool, np.dtype, int]:
    """(shape, fortran_order, dtype, declared bytes) from a member's ``.npy`` header."""
    version = np.lib.format.read_magic(member)
    # Version 3 differs from 2 only by a UTF-8 (not latin-1) header; decoding it as latin-1 can
    # only garble structured field names, never the shape or item size checked below.
    read_header = (
        np.lib.format.read_array_header_1_0
        if version == (1, 0)
        else np.lib.format.read_array_header_2_0
    )
    shape, fortran_order, dtype = read_header(member)
    if dtype.hasobject:
        raise FormatError(f"entry {key!r} is a pickled object array; refused")
    if any(size < 0 for size in shape):  # numpy's parser takes them; they would lower the total
        raise FormatError(f"entry {key!r} declares the negative shape {shape}")
    return shape, fortran_order, dtype, math.prod(shape) * dtype.itemsize


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, key: str) -> np.ndarray:
    """The array stored in one ``.npy`` member, read in bounded chunks and checked."""
    with archive.open(info) as member:
        shape, fortran_order, dtype, declared = _member_header(member, key)
        data = bytearray()
        while len(data) < declared:
            chunk = member.read(min(CHUNK, declared - len(data)))
            if not chunk:
                break
            data += chunk
        # One more byte: past the declared size is refused at once, and reading to the end
        # makes zipfile compare the member's CRC-32.
        if len(data) < declared or member.read(1):
            stored = "fewer" if len(data) < declared else "more"
            raise FormatError(
                f"entry {key!r} declares shape {shape} of {dtype} ({declared} bytes) but holds "
                f"{stored} bytes of data"
            )
    array = np.frombuffer(data, dtype=dtype) if declared else np.empty(0, dtype)
    return array.reshape(shape, order="F" if fortran_order else "C")


def _read_members(file: io.BufferedIOBase, max_bytes: int) -> dict[str, np.ndarray]:
    arrays: dict[str, np.ndarray] = {}
    with zipfile.ZipFile(file) as archive:
        members = []
        for info in archive.infolist():
            name = info.filename
            if not name.endswith(MEMBER_SUFFIX):
                raise FormatError(f"member {name!r} is not an .npy array")
            key = name[: -len(MEMBER_SUFFIX)]
            if key in (k for k, _ in members):
                raise FormatError(f"entry {key!r} appears twice")
            members.append((key, info))
        # Every header first: what the members declare together is refused before any is read.
        left = max_bytes
        for key, info in members:
            with archive.open(info) as member:
                shape, _, dtype, declared = _member_header(member, key)
            if declared > left:
                raise FormatError(
                    f"entry {key!r} declares shape {shape} of {dtype} ({declared} bytes), more "
                    f"than the {left} bytes left of max_bytes={max_bytes}; pass a larger "
                    f"max_bytes to load if you trust the file"
                )
            left -= declared
        for key, info in members:
            arrays[key] = _read_member(archive, info, key)
    return arrays


def _reason(error: Exception) -> str:
    """A parser's message for the user; never numpy's advice to load with pickle allowed."""
    text = str(error)
    if "pickle" in text:
        return "it needs pickle"
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def read_archive(file: io.BufferedIOBase, max_bytes: int) -> tuple[object, dict[str, np.ndarray]]:
    """The parsed architecture JSON and the other arrays of the archive in ``file``.

    Parameters
    ----------
    file : binary file
        Seekable, at the archive's start.
    max_bytes : int
        The most bytes the members' arrays may hold together.

    Returns
    -------
    tuple
        ``(architecture, arrays)``; a FormatError when the file is not an intact ``.npz`` of
        plain arrays with a JSON ``architecture`` entry.
    """
    _check_signature(file)
    try:
        arrays = _read_members(file, max_bytes)
    except (FormatError, MemoryError):
        raise
    except Exception as error:  # the file boundary: see the module docstring
        raise FormatError(f"it is damaged or not an .npz archive ({_reason(error)})") from None
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
    except ValueError as error:  # a JSONDecodeError, or an int past Python's 4300 digits
        raise FormatError(f"its {ARCHITECTURE_KEY!r} entry is not valid JSON ({error})") from None
    return architecture, arrays
