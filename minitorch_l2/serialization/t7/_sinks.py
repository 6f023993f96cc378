"""Writing the primitive values of a ``.t7`` file: binary (any byte order, 4- or 8-byte longs) or
ASCII, exactly as torch7's ``THDiskFile`` writes them (see ``_streams.py`` for the layout)."""

from __future__ import annotations

import struct

import numpy as np


class BinarySink:
    """Binary mode; ``save`` uses the default, little-endian with 8-byte longs (64-bit Linux)."""

    def __init__(self, byteorder: str = "<", long_size: int = 8) -> None:
        self.parts: list[bytes] = []
        self.byteorder = byteorder
        self.long_size = long_size
        self._int = struct.Struct(byteorder + "i")
        self._double = struct.Struct(byteorder + "d")

    def int(self, value: int) -> None:
        """One 4-byte int."""
        self.parts.append(self._int.pack(value))

    def double(self, value: float) -> None:
        """One 8-byte double."""
        self.parts.append(self._double.pack(value))

    def longs(self, values: list[int]) -> None:
        """Longs of the sink's size."""
        self.parts.append(self._longs(np.asarray(values, np.int64)))

    def _longs(self, values: np.ndarray) -> bytes:
        if (
            self.long_size == 4
            and values.size
            and not -(2**31) <= values.min() <= values.max() < 2**31
        ):
            raise OverflowError(f"a long of {values.max()} does not fit in 4 bytes")
        return values.astype(f"{self.byteorder}i{self.long_size}").tobytes()

    def chars(self, data: bytes) -> None:
        """Raw bytes."""
        self.parts.append(bytes(data))

    def elements(self, array: np.ndarray) -> None:
        """A contiguous 1-D array's elements (a Long storage in the sink's long size)."""
        if array.dtype == np.int64:
            self.parts.append(self._longs(array))
            return
        stored = f"{self.byteorder}{array.dtype.kind}{array.dtype.itemsize}"
        self.parts.append(array.astype(stored if array.itemsize > 1 else array.dtype).tobytes())

    def getvalue(self) -> bytes:
        """Everything written."""
        return b"".join(self.parts)


class AsciiSink:
    """ASCII mode (Lua's ``torch.save(path, x, 'ascii')``): tests write such files with it."""

    long_size = 8

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def _numbers(self, texts: list[str]) -> None:
        if texts:
            self.parts.append((" ".join(texts) + "\n").encode("ascii"))

    def int(self, value: int) -> None:
        """``%d`` and a newline."""
        self._numbers([str(int(value))])

    def double(self, value: float) -> None:
        """``%.17g`` and a newline."""
        self._numbers([_real(value, 17)])

    def longs(self, values: list[int]) -> None:
        """``%ld`` separated by spaces, then a newline."""
        self._numbers([str(int(v)) for v in values])

    def chars(self, data: bytes) -> None:
        """The raw bytes, then a newline."""
        if data:
            self.parts.append(bytes(data) + b"\n")

    def elements(self, array: np.ndarray) -> None:
        """Raw for Char/Byte; ``%.17g`` (double), ``%.9g`` (float, half) or integers otherwise."""
        if array.dtype.itemsize == 1:
            self.chars(array.tobytes())
        elif array.dtype.kind == "f":
            digits = 17 if array.dtype == np.float64 else 9
            self._numbers([_real(float(v), digits) for v in array])
        else:
            self._numbers([str(int(v)) for v in array])

    def getvalue(self) -> bytes:
        """Everything written."""
        return b"".join(self.parts)


def _real(value: float, digits: int) -> str:
    return format(value, f".{digits}g")
