"""The facts of the Torch 7 format (torch7's ``File.lua``): type tags and tensor types.

``torch.save`` writes one object. Each value starts with a 4-byte int tag; tables, torch objects
and recursive functions then carry an int *index*: the first occurrence of an index is followed
by the object, every later one refers back to it (how shared objects and cycles are written).
A torch object is its version string (``"V 1"``), its class name and its payload: for a class
without a writer of its own (every ``nn`` class) a table of its fields; for tensors, storages and
``tds`` containers the layouts below.
"""

from __future__ import annotations

import numpy as np

NIL = 0
NUMBER = 1
STRING = 2
TABLE = 3
TORCH = 4
BOOLEAN = 5
FUNCTION = 6
LEGACY_RECURSIVE_FUNCTION = 7
RECURSIVE_FUNCTION = 8

#: Tags followed by an index into the file's table of objects (references).
INDEXED = frozenset({TABLE, TORCH, LEGACY_RECURSIVE_FUNCTION, RECURSIVE_FUNCTION})

#: Torch's element types: the name inside ``torch.<Name>Tensor`` / ``torch.<Name>Storage`` and
#: the NumPy dtype of its elements. ``Long`` is C's long: 8 bytes in files from 64-bit Linux and
#: macOS, 4 bytes from Windows or 32-bit machines (``torch.load(path, 'b32')``).
ELEMENT_TYPES: dict[str, np.dtype] = {
    "Double": np.dtype(np.float64),
    "Float": np.dtype(np.float32),
    "Half": np.dtype(np.float16),
    "Long": np.dtype(np.int64),
    "Int": np.dtype(np.int32),
    "Short": np.dtype(np.int16),
    "Char": np.dtype(np.int8),
    "Byte": np.dtype(np.uint8),
}

TENSOR_CLASSES = {f"torch.{name}Tensor": dtype for name, dtype in ELEMENT_TYPES.items()}
STORAGE_CLASSES = {f"torch.{name}Storage": dtype for name, dtype in ELEMENT_TYPES.items()}
#: The reverse: the element-type name of each dtype ``save`` can write.
TYPE_NAMES = {dtype: name for name, dtype in ELEMENT_TYPES.items()}

TDS_HASH = "tds.Hash"
TDS_VEC = "tds.Vec"

#: numpy refuses more dimensions than this; Torch never writes anywhere near it.
MAX_DIMENSIONS = 64
