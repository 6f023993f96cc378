"""The input checks of the convolution family: one image (C, *size) or a batch (N, C, *size).

Every error names the module, the expected layout, what it got and, for an input too small for
the kernel, the smallest input the layer accepts.
"""

from __future__ import annotations

import numpy as np

_NAMES = {1: ("W",), 2: ("H", "W"), 3: ("T", "H", "W")}


def layout(dims: int, planes: int | None) -> str:
    """``(C, H, W) or (N, C, H, W)`` with C written out when the layer fixes it."""
    channel = "C" if planes is None else str(planes)
    inner = ", ".join((channel, *_NAMES[dims]))
    return f"({inner}) or (N, {inner})"


def as_batch(who: str, input: np.ndarray, dims: int, planes: int | None = None) -> np.ndarray:
    """``input`` as a batch (N, C, *size): a single image gets a leading axis of 1 (a view).

    A ValueError naming ``who`` unless ``input`` has ``dims`` spatial dimensions after its
    channels (and an optional batch axis), with ``planes`` channels when that is given.
    """
    batch = input[None] if input.ndim == dims + 1 else input
    if batch.ndim != dims + 2 or (planes is not None and batch.shape[1] != planes):
        raise ValueError(
            f"{who}: expected input of shape {layout(dims, planes)}, got {input.shape}"
        )
    return batch


def smallest(fits, start: int = 1) -> int:
    """The smallest size ≥ ``start`` for which ``fits(size)`` is true (for error messages)."""
    size = start
    while not fits(size):
        size += 1
    return size


def too_small(
    who: str, shape: tuple[int, ...], out: tuple[int, ...], least: tuple[int, ...], planes=None
) -> ValueError:
    """The error for an input whose output would be empty, with the smallest accepted input."""
    channel = "C" if planes is None else str(planes)
    smallest = ", ".join(str(n) for n in (channel, *least))
    sizes = "x".join(str(o) for o in out)
    return ValueError(
        f"{who}: input of shape {tuple(shape)} is too small, its output would be {sizes}; "
        f"the smallest input this layer accepts is ({smallest}) (or a batch (N, {smallest}))"
    )


def as_sequence(
    who: str, input: np.ndarray, kernel: int, stride: int, frame_size: int | None = None
) -> tuple[np.ndarray, int]:
    """A temporal layer's input (T, F) or (N, T, F) as a batch, and its output length T_out.

    ValueErrors name ``who``, the expected layout and, for a sequence shorter than the kernel,
    the shortest one accepted.
    """
    batch = input[None] if input.ndim == 2 else input
    frames = "F" if frame_size is None else str(frame_size)
    if batch.ndim != 3 or (frame_size is not None and batch.shape[2] != frame_size):
        raise ValueError(
            f"{who}: expected input of shape (T, {frames}) or (N, T, {frames}) (frames of "
            f"{frames} features), got {input.shape}"
        )
    if batch.shape[1] < kernel:
        raise ValueError(
            f"{who}: input of shape {input.shape} is too short, {batch.shape[1]} frames for a "
            f"kernel of {kernel}; the smallest input this layer accepts is ({kernel}, {frames}) "
            f"(or a batch (N, {kernel}, {frames}))"
        )
    return batch, (batch.shape[1] - kernel) // stride + 1


def checked_table(who: str, table: object) -> np.ndarray:
    """``table`` as an int64 (K, 2) array of plane numbers ≥ 0; errors name ``who``."""
    if not isinstance(table, np.ndarray) or table.dtype.kind not in "iuf":
        raise TypeError(
            f"{who}: conn_table must be a numpy.ndarray (K, 2) of 0-based plane numbers "
            f"(nn.tables.full, one_to_one, random), got {type(table).__name__}"
        )
    if table.ndim != 2 or table.shape[1] != 2 or len(table) == 0:
        raise ValueError(f"{who}: conn_table must have shape (K, 2) with K >= 1, got {table.shape}")
    if table.dtype.kind == "f" and not np.array_equal(table, np.round(table)):
        raise ValueError(f"{who}: conn_table must hold whole plane numbers")
    if table.min() < 0:
        raise ValueError(
            f"{who}: conn_table holds plane numbers from 0 (0-based; a Lua table is 1-based: "
            f"subtract 1), got {int(table.min())}"
        )
    return table.astype(np.int64)
