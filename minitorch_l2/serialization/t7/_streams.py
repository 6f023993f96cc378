"""Reading the primitive values of a ``.t7`` file, binary or ASCII, never past its end.

Every read checks the bytes it needs against the bytes left *before* it reads or allocates, so a
declared count cannot make ``load`` read out of bounds or allocate more than the file holds. A
problem is a FormatError giving the byte offset where the value starts.

Binary mode (torch7's ``THDiskFile``): ints are 4 bytes, doubles 8, longs 4 or 8 (the writer's C
``long``), all in the writer's byte order. ASCII mode: every number is a decimal token followed by
a space or, after the last of one write, a newline; characters (strings, Char and Byte storages)
are written raw, followed by a newline.
"""

from __future__ import annotations

import re
import struct

import numpy as np

from .._format import FormatError

_INT32 = (-(2**31), 2**31 - 1)
_INT64 = (-(2**63), 2**63 - 1)
_WHITESPACE = b" \t\n\r\v\f"
_INTEGER = re.compile(rb"[-+]?[0-9]+")
_REAL = re.compile(
    rb"[-+]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|inf(?:inity)?|nan)", re.IGNORECASE
)


class Stream:
    """What both modes share: the bytes, the position, and the checks."""

    ascii = False

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.position = 0

    def left(self) -> int:
        """Bytes not read yet."""
        return len(self.data) - self.position

    def fail(self, reason: str, at: int | None = None) -> FormatError:
        """The error for a problem at byte ``at`` (default: the current position)."""
        at = self.position if at is None else at
        error = FormatError(f"at byte {at}: {reason}")
        error.offset = at
        return error

    def need(self, count: int, what: str) -> None:
        """Refuse unless ``count`` more bytes are there (``what`` says what they would hold)."""
        if count > self.left():
            raise self.fail(f"{what} needs {count} bytes but only {self.left()} are left")

    def raw(self, count: int, what: str) -> bytes:
        """``count`` bytes as they are."""
        self.need(count, what)
        start = self.position
        self.position += count
        return self.data[start : self.position]

    def count(self, value: int, item_bytes: int, what: str, slack: int = 0) -> int:
        """A declared count, refused when negative or when its items cannot fit in the bytes left.

        ``item_bytes`` is the least any one item takes in the file; ``slack`` bytes of the last
        one may be missing (the separator after an ASCII file's last number).
        """
        if value < 0:
            raise self.fail(f"{what} is negative ({value})")
        if value * item_bytes - slack > self.left():
            raise self.fail(
                f"{what} is {value}, which needs at least {value * item_bytes} bytes, but only "
                f"{self.left()} are left"
            )
        return value


class BinaryStream(Stream):
    """Binary mode, with the writer's byte order (``'<'`` or ``'>'``) and long size (4 or 8)."""

    def __init__(self, data: bytes, byteorder: str = "<", long_size: int = 8) -> None:
        super().__init__(data)
        self.byteorder = byteorder
        self.long_size = long_size
        self._int = struct.Struct(byteorder + "i")
        self._double = struct.Struct(byteorder + "d")
        self._long = np.dtype(f"{byteorder}i{long_size}")

    def int(self, what: str = "an int") -> int:
        """One 4-byte int."""
        return self._int.unpack(self.raw(4, what))[0]

    def double(self, what: str = "a number") -> float:
        """One 8-byte IEEE double."""
        return self._double.unpack(self.raw(8, what))[0]

    def longs(self, count: int, what: str) -> list[int]:
        """``count`` longs (tensor sizes, strides), as Python ints."""
        data = self.raw(count * self.long_size, what)
        return [int(v) for v in np.frombuffer(data, self._long)]

    def long(self, what: str) -> int:
        """One long."""
        return self.longs(1, what)[0]

    def chars(self, count: int, what: str) -> bytes:
        """``count`` raw bytes (a string's characters)."""
        return self.raw(count, what)

    def elements(self, count: int, dtype: np.dtype, what: str) -> np.ndarray:
        """A storage's ``count`` elements as a new, native, writable array of ``dtype``."""
        size = self.long_size if dtype == np.int64 else dtype.itemsize
        stored = np.dtype(f"{self.byteorder}{dtype.kind}{size}") if size > 1 else dtype
        data = self.raw(count * size, what)
        return np.frombuffer(data, stored).astype(dtype)  # astype copies: aligned and writable


class AsciiStream(Stream):
    """ASCII mode (``torch.save(path, x, 'ascii')``)."""

    ascii = True
    long_size = 8

    def _skip_whitespace(self) -> None:
        data, position = self.data, self.position
        while position < len(data) and data[position] in _WHITESPACE:
            position += 1
        self.position = position

    def _token(self, pattern: re.Pattern, what: str) -> bytes:
        self._skip_whitespace()
        match = pattern.match(self.data, self.position)
        end = match.end() if match else self.position
        if match is None or (end < len(self.data) and self.data[end] not in _WHITESPACE):
            shown = self.data[self.position : self.position + 20]
            raise self.fail(f"{what}: expected a number, found {shown!r}")
        self.position = end
        return match.group()

    def _end_of_write(self) -> None:
        # The newline after the last item of one write (Torch's auto-spacing).
        if self.position < len(self.data) and self.data[self.position] == 0x0A:
            self.position += 1

    def _integers(self, count: int, bounds: tuple[int, int], what: str) -> list[int]:
        values = []
        for _ in range(count):
            start = self.position
            token = self._token(_INTEGER, what)
            # A long token is out of range anyway, and int() refuses past 4300 digits.
            value = int(token) if len(token) <= 24 else None
            if value is None or not bounds[0] <= value <= bounds[1]:
                shown = token.decode() if value is not None else f"a number of {len(token)} digits"
                raise self.fail(f"{what}: {shown} is out of range", at=start)
            values.append(value)
        if count:
            self._end_of_write()
        return values

    def int(self, what: str = "an int") -> int:
        """One int token."""
        return self._integers(1, _INT32, what)[0]

    def double(self, what: str = "a number") -> float:
        """One real-number token (``%.17g``; ``inf``, ``nan`` included)."""
        value = float(self._token(_REAL, what))
        self._end_of_write()
        return value

    def longs(self, count: int, what: str) -> list[int]:
        """``count`` long tokens."""
        self.count(count, 2, what, slack=1)
        return self._integers(count, _INT64, what)

    def long(self, what: str) -> int:
        """One long token."""
        return self.longs(1, what)[0]

    def chars(self, count: int, what: str) -> bytes:
        """``count`` raw bytes, then the newline that ends the write."""
        data = self.raw(count, what)
        if count:
            self._end_of_write()
        return data

    def elements(self, count: int, dtype: np.dtype, what: str) -> np.ndarray:
        """A storage's elements: raw bytes for Char/Byte, number tokens for the others."""
        if dtype.itemsize == 1:
            return np.frombuffer(self.chars(count, what), dtype).copy()
        self.count(count, 2, what, slack=1)
        if dtype.kind == "f":
            tokens = [self._token(_REAL, what) for _ in range(count)]
            if count:
                self._end_of_write()
            return np.array([float(t) for t in tokens], dtype=np.float64).astype(dtype)
        info = np.iinfo(dtype)
        return np.array(self._integers(count, (int(info.min), int(info.max)), what), dtype=dtype)


def detect(data: bytes) -> list[Stream]:
    """The readings to try, most likely first: ASCII, or binary in its byte order and long sizes.

    The first value of any file is a 4-byte type tag in 0..8, so its bytes tell binary from
    ASCII (a digit) and the byte order; the long size shows only later, so both are tried.
    """
    if data[:1].isdigit() or (data[:1] and data[:1] in _WHITESPACE):
        return [AsciiStream(data)]
    byteorder = ">" if data[:3] == b"\0\0\0" and data[3:4] != b"\0" else "<"
    return [BinaryStream(data, byteorder, 8), BinaryStream(data, byteorder, 4)]
