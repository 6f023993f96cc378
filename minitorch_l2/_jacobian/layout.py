"""The layout of a tensor or table: its leaves' paths, shapes and places in one flat vector.

A Jacobian is a matrix, so a table (a nested list of arrays, as a Lua table of tensors) is read
as the concatenation of its leaves in depth-first order: leaf k occupies ``offsets[k] …
offsets[k] + sizes[k] − 1`` of the flat vector. A :class:`Layout` is built once from a value and
then walks every value of the same structure without re-deciding what it is: copying an input,
reading an output into a float64 row, building a one-hot ``grad_output``, splitting a returned
gradient into its leaves. Only NumPy is imported: ``nn`` and ``gradcheck`` both build on this.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

#: A tensor, a number (a criterion's loss) or a nested list/tuple of tensors.
Value = object


def _is_table(value: object) -> bool:
    return isinstance(value, list | tuple)


@dataclass(frozen=True)
class Layout:
    """Where each leaf of a tensor or (nested) table sits in the flat vector of all its elements.

    Parameters
    ----------
    root : str
        The name of the whole value: ``input``, ``output``; leaves are ``input[1][0]``.
    paths : tuple of str
        Each leaf's path, depth first.
    shapes : tuple of tuple of int
        Each leaf's shape.
    dtypes : tuple of numpy.dtype
        Each leaf's dtype.
    structure : object
        The nesting: a leaf index (int) for a tensor, a list of structures for a table.
    """

    root: str
    paths: tuple[str, ...]
    shapes: tuple[tuple[int, ...], ...]
    dtypes: tuple[np.dtype, ...]
    structure: object

    # ------------------------------------------------------------------ building
    @classmethod
    def of(cls, value: Value, root: str = "input", who: str = "gradcheck") -> Layout:
        """The layout of ``value``; a TypeError naming ``who`` and the leaf for anything else.

        A leaf must be an ndarray (a number is read as a 0-d array only at the top, for a
        criterion's loss); a table must be non-empty.
        """
        paths: list[str] = []
        shapes: list[tuple[int, ...]] = []
        dtypes: list[np.dtype] = []

        def walk(item: object, path: str) -> object:
            if _is_table(item):
                if not item:
                    raise TypeError(f"{who}: {path} is an empty table; expected a tensor there")
                return [walk(inner, f"{path}[{k}]") for k, inner in enumerate(item)]
            if not isinstance(item, np.ndarray):
                if path == root and isinstance(item, int | float | np.floating):
                    item = np.asarray(item, dtype=np.float64)
                else:
                    raise TypeError(
                        f"{who}: expected {path} to be a numpy.ndarray or a (nested) list of "
                        f"them, got {type(item).__name__}"
                    )
            paths.append(path)
            shapes.append(tuple(item.shape))
            dtypes.append(item.dtype)
            return len(paths) - 1

        structure = walk(value, root)
        return cls(root, tuple(paths), tuple(shapes), tuple(dtypes), structure)

    # ------------------------------------------------------------------ facts
    @cached_property
    def is_table(self) -> bool:
        """True for a table (a list), False for a single tensor."""
        return isinstance(self.structure, list)

    @cached_property
    def fixed(self) -> frozenset[str]:
        """Paths of the leaves that are not floating (integer indices): held fixed, never
        differentiated."""
        return frozenset(p for p, d in zip(self.paths, self.dtypes) if d.kind != "f")

    @cached_property
    def sizes(self) -> tuple[int, ...]:
        """Number of elements of each leaf."""
        return tuple(math.prod(shape) for shape in self.shapes)

    @cached_property
    def offsets(self) -> tuple[int, ...]:
        """Where each leaf starts in the flat vector."""
        starts, total = [], 0
        for size in self.sizes:
            starts.append(total)
            total += size
        return tuple(starts)

    @cached_property
    def size(self) -> int:
        """Number of elements of all leaves."""
        return sum(self.sizes)

    def same_as(self, value: Value) -> bool:
        """True when ``value`` has this structure, shapes and dtypes (the check of an output)."""
        try:
            arrays = self.leaves(value)
        except (TypeError, ValueError):
            return False
        return all(
            a.shape == shape and a.dtype == dtype
            for a, shape, dtype in zip(arrays, self.shapes, self.dtypes)
        )

    # ------------------------------------------------------------------ walks
    def leaves(self, value: Value) -> list[np.ndarray]:
        """The leaves of ``value`` (of this structure), depth first; ValueError if it differs."""
        if not self.is_table:  # the hot path: one tensor
            if _is_table(value):
                raise ValueError("structure differs")
            return [value]
        found: list[object] = [None] * len(self.paths)

        def walk(item: object, structure: object) -> None:
            if isinstance(structure, list):
                if not _is_table(item) or len(item) != len(structure):
                    raise ValueError("structure differs")
                for inner, part in zip(item, structure):
                    walk(inner, part)
            else:
                if _is_table(item):
                    raise ValueError("structure differs")
                found[structure] = item

        walk(value, self.structure)
        return found  # type: ignore[return-value]

    def build(self, arrays: list[object]) -> Value:
        """A value of this structure (lists for tables) holding ``arrays`` as its leaves."""

        def walk(structure: object) -> object:
            if isinstance(structure, list):
                return [walk(part) for part in structure]
            return arrays[structure]

        return walk(self.structure)

    def copy(self, value: Value, dtype: np.dtype | None = None) -> Value:
        """A deep copy of ``value`` (new lists, new arrays), its floating leaves converted to
        ``dtype`` if given (integer leaves keep theirs)."""
        if not self.is_table and dtype is None and isinstance(value, np.ndarray):
            return value.copy()
        return self.build(
            [
                a.astype(dtype if dtype is not None and a.dtype.kind == "f" else a.dtype)
                for a in self.leaves(value)
            ]
        )

    def zeros(self, dtype: np.dtype | None = None) -> Value:
        """Zeros of this layout (in ``dtype``, else each leaf's own)."""
        return self.build(
            [np.zeros(shape, dtype or own) for shape, own in zip(self.shapes, self.dtypes)]
        )

    def one_hot(self, j: int, dtype: np.dtype | None = None) -> Value:
        """Zeros of this layout with a 1 at element ``j`` of the flat vector."""
        value = self.zeros(dtype)
        arrays = self.leaves(value)
        for array, start, size in zip(arrays, self.offsets, self.sizes):
            if start <= j < start + size:
                array.flat[j - start] = 1
        return value

    def from_flat(self, flat: np.ndarray, dtype: np.dtype | None = None) -> Value:
        """A value of this layout whose leaves hold the pieces of the flat vector ``flat``."""
        arrays = [
            flat[start : start + size].reshape(shape).astype(dtype or own)
            for start, size, shape, own in zip(self.offsets, self.sizes, self.shapes, self.dtypes)
        ]
        return self.build(arrays)

    def read(self, value: Value, out: np.ndarray) -> np.ndarray:
        """Copy the elements of ``value`` (of this structure and sizes) into float64 ``out``.

        A ValueError says how the value differs: another structure or number of elements
        (a function whose output changes with a perturbation).
        """
        if not self.is_table and isinstance(value, np.ndarray) and value.size == len(out):
            out[:] = value.reshape(-1)  # the hot path: one tensor of the right size
            return out
        try:
            arrays = self.leaves(value)
        except ValueError:
            raise ValueError(
                f"the {self.root} changed structure: expected {self.describe()}"
            ) from None
        for array, path, start, size in zip(arrays, self.paths, self.offsets, self.sizes):
            array = np.asarray(array)
            if array.size != size:
                raise ValueError(f"{path} has {array.size} elements, expected {size}")
            out[start : start + size] = array.reshape(-1)
        return out

    def describe(self) -> str:
        """``(4, 3)`` for a tensor, ``[(4, 3), [(2,), (2,)]]`` for a table."""

        def walk(structure: object) -> str:
            if isinstance(structure, list):
                return "[" + ", ".join(walk(part) for part in structure) + "]"
            return str(self.shapes[structure])

        return walk(self.structure)


class Mismatch:
    """A returned value whose structure is not the layout's (stands in for each of its leaves).

    Parameters
    ----------
    value : object
        What was returned.
    layout : Layout
        What was expected.
    """

    def __init__(self, value: object, layout: Layout) -> None:
        self.value, self.layout = value, layout

    def message(self, what: str) -> str:
        """``backward returned grad_input ndarray (4, 3) for the table input [(4, 3), (4, 3)]``."""
        return (
            f"backward returned {what} {describe(self.value)}, expected a table of the "
            f"{self.layout.root}'s structure {self.layout.describe()}"
        )


def split(value: Value, layout: Layout) -> list[tuple[str, object]]:
    """Pair each leaf path of ``layout`` with the matching piece of ``value`` (unchecked).

    When ``value`` does not have the layout's structure (one array returned for a table input,
    a list for a tensor), every path is paired with a :class:`Mismatch` naming both.
    """
    if not layout.is_table:
        if _is_table(value):
            return [(layout.paths[0], Mismatch(value, layout))]
        return [(layout.paths[0], value)]
    try:
        pieces = layout.leaves(value)
    except ValueError:
        if value is None:
            pieces = [None] * len(layout.paths)
        else:
            pieces = [Mismatch(value, layout)] * len(layout.paths)
    return list(zip(layout.paths, pieces))


def describe(value: object) -> str:
    """``ndarray (2, 3)`` or ``[ndarray (2,), ndarray (2,)]``, for messages."""
    if isinstance(value, np.ndarray):
        return f"ndarray {value.shape}"
    if _is_table(value):
        inner = ", ".join(describe(item) for item in value[:4])
        return f"[{inner}{', ...' if len(value) > 4 else ''}]"
    return type(value).__name__
