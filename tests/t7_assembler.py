"""Bytes of a ``.t7`` file assembled by hand, in any layout, from the format's facts.

torch7's ``File.lua`` (type tags, indices, class version strings) and ``THDiskFile.c`` (binary:
4-byte ints, 8-byte doubles, 4- or 8-byte longs in the writer's byte order; ASCII: numbers as
text, each write ending in a newline, characters raw) — independent of the package's writer, so
tests can build the files Lua would write and the files an attacker would.
"""

from __future__ import annotations

import struct


class Assembler:
    """Bytes of a .t7 file in one layout, from the format's facts (``File.lua``, THDiskFile)."""

    def __init__(self, order: str = "<", long_size: int = 8, ascii: bool = False) -> None:
        self.order, self.long_size, self.ascii = order, long_size, ascii

    def ints(self, *values: int) -> bytes:
        if self.ascii:
            return (" ".join(map(str, values)) + "\n").encode()
        return struct.pack(f"{self.order}{len(values)}i", *values)

    def longs(self, *values: int) -> bytes:
        if self.ascii:
            return (" ".join(map(str, values)) + "\n").encode() if values else b""
        code = "q" if self.long_size == 8 else "i"
        return struct.pack(f"{self.order}{len(values)}{code}", *values)

    def doubles(self, *values: float) -> bytes:
        if self.ascii:
            return (" ".join(format(v, ".17g") for v in values) + "\n").encode()
        return struct.pack(f"{self.order}{len(values)}d", *values)

    def chars(self, data: bytes) -> bytes:
        return data + b"\n" if self.ascii and data else data

    def string(self, data: bytes) -> bytes:
        return self.ints(len(data)) + self.chars(data)

    def torch(self, index: int, name: bytes, version: bytes | None = b"V 1") -> bytes:
        header = self.string(version) if version is not None else b""
        return self.ints(4, index) + header + self.string(name)

    def double_tensor(self, values: list[float], version: bytes | None = b"V 1") -> bytes:
        """torch.Tensor{{1, 2, 3}, {4, 5, 6.9}}: a 2×3 tensor over a storage of 6."""
        return (
            self.torch(1, b"torch.DoubleTensor", version)
            + self.ints(2)
            + self.longs(2, 3)
            + self.longs(3, 1)
            + self.longs(1)
            + self.torch(2, b"torch.DoubleStorage", version)
            + self.longs(6)
            + self.doubles(*values)
        )
