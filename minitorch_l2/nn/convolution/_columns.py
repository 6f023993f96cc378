"""Column buffers of the convolutions: unfold (im2col), fold (col2im) and the widened gradient.

A convolution of an input x (N, C, *size) with a kernel k = (k₁, …, k_d) is, per sample, one
matrix product W X̂ with the *columns* X̂ (C·∏k, L): row (c, i₁…i_d) of X̂ holds the input
values that kernel offset (i₁…i_d) of channel c meets, one column per output position. This
file builds X̂ (``unfold``), adds columns back onto an image (``fold``, the gradient of unfold)
and spreads an output-shaped gradient onto the column positions (``widen``).

The layout, chosen by measurement (docs/performance.md, "Convolution"): when every stride is 1
the positions are *wide*: the last output dimension runs over the whole padded row (W + 2·pad)
instead of the W_out valid columns, so that one kernel offset's row of X̂ is one contiguous run
of the padded input, (H_out · W_padded) long, copied at memory speed; the W_padded − W_out
extra columns per row are garbage that the product computes and ``narrow`` drops. A plain
im2col's runs are only W_out long, and the copy is then slower than the product. Strided
convolutions use the plain positions (the runs cannot be made contiguous).

Buffers are the module's (``Module._buffer``), reused from call to call: the zero-padded copy of
the input (its border is written once, when the buffer is made), the columns, the widened
gradient (its garbage columns stay zero) and the padded image ``fold`` adds into.
"""

from __future__ import annotations

import itertools
from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ._shapes import as_batch, smallest, too_small


class Grid(NamedTuple):
    """Where a kernel meets an input: sizes per spatial dimension, and the positions used."""

    size: tuple[int, ...]  # the input's spatial extent
    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    pad: tuple[int, ...]
    dilation: tuple[int, ...]
    out: tuple[int, ...]  # the valid output positions

    @property
    def wide(self) -> bool:
        """Every stride is 1 and there are two or more dimensions: positions span padded rows."""
        return len(self.size) > 1 and all(s == 1 for s in self.stride)

    @property
    def padded(self) -> tuple[int, ...]:
        """The padded buffer's extent; a wide grid has one spare row for the last rows' reads."""
        extent = [n + 2 * p for n, p in zip(self.size, self.pad)]
        if self.wide:
            extent[-2] += 1
        return tuple(extent)

    @property
    def positions(self) -> tuple[int, ...]:
        """The column positions per dimension: ``out``, with the last one widened if wide."""
        if self.wide:
            return self.out[:-1] + (self.size[-1] + 2 * self.pad[-1],)
        return self.out

    @property
    def length(self) -> int:
        """L, the number of column positions."""
        return int(np.prod(self.positions))

    @property
    def taps(self) -> int:
        """∏k, the kernel offsets per channel."""
        return int(np.prod(self.kernel))


def conv_out(size: int, kernel: int, stride: int, pad: int, dilation: int = 1) -> int:
    """Valid output positions along one dimension (0 when the kernel does not fit).

    ⌊(size + 2·pad − dilation·(kernel − 1) − 1) / stride⌋ + 1 when that span fits.
    """
    room = size + 2 * pad - dilation * (kernel - 1) - 1
    return room // stride + 1 if room >= 0 else 0


def grid_for(
    who: str,
    input: np.ndarray,
    planes: int,
    kernel: tuple[int, ...],
    stride: tuple[int, ...],
    pad: tuple[int, ...],
    dilation: tuple[int, ...],
) -> tuple[np.ndarray, Grid]:
    """``input`` as a batch and its grid; a ValueError naming ``who`` if it is too small."""
    geometry = list(zip(kernel, stride, pad, dilation))
    x, out = checked_sizes(who, input, planes, conv_out, geometry)
    return x, Grid(x.shape[2:], kernel, stride, pad, dilation, out)


def transposed_out(size: int, kernel: int, stride: int, pad: int, adjust: int) -> int:
    """A full convolution's output size along one dimension: (size − 1)·s − 2·p + k + a."""
    return (size - 1) * stride - 2 * pad + kernel + adjust


def transposed_grid(
    who: str,
    input: np.ndarray,
    planes: int,
    kernel: tuple[int, ...],
    stride: tuple[int, ...],
    pad: tuple[int, ...],
    adjust: tuple[int, ...],
) -> tuple[np.ndarray, Grid]:
    """A full convolution's input as a batch, and the grid of the convolution it transposes.

    That convolution's input is the full convolution's output (:func:`transposed_out`); a
    ValueError naming ``who`` when it would be empty.
    """
    geometry = list(zip(kernel, stride, pad, adjust))
    x, size = checked_sizes(who, input, planes, transposed_out, geometry)
    return x, Grid(size, kernel, stride, pad, (1,) * len(kernel), x.shape[2:])


def checked_sizes(who: str, input: np.ndarray, planes, size_of, geometry: list) -> tuple:
    """``input`` as a batch and ``size_of(n, *g)`` per spatial size n and its geometry g.

    A ValueError naming ``who``, the input and the smallest accepted one when a size is below 1.
    """
    x = as_batch(who, input, len(geometry), planes)
    sizes = tuple(size_of(n, *g) for n, g in zip(x.shape[2:], geometry))
    if min(sizes) < 1:
        least = tuple(smallest(lambda n, g=g: size_of(n, *g) >= 1) for g in geometry)
        raise too_small(who, input.shape, sizes, least, planes)
    return x, sizes


def zero_bordered(module, name: str, shape: tuple[int, ...], dtype, fill: float = 0.0):
    """``module._buffer(name, ...)``, filled with ``fill`` when it is newly made.

    The callers only ever write the interior (or the valid columns), so the border (the garbage
    columns) keeps ``fill`` from call to call without being written again.
    """
    old = module._existing_buffer(name)
    buffer = module._buffer(name, shape, dtype)
    if buffer is not old:
        buffer.fill(fill)
    return buffer


def interior(padded: np.ndarray, grid: Grid) -> np.ndarray:
    """The view of ``padded`` (N, C, *grid.padded) where the input itself lies."""
    return padded[
        (slice(None), slice(None)) + tuple(slice(p, p + n) for p, n in zip(grid.pad, grid.size))
    ]


def unfold(module, input: np.ndarray, grid: Grid, ones: bool = False) -> np.ndarray:
    """The columns X̂ (N, C·∏k, L) of ``input`` (N, C, *size), in the module's buffer.

    One copy into the zero-padded buffer, then one copy of a strided view of it into the
    columns; the view is read-only and checked to stay inside the padded buffer. With
    ``ones``, X̂ has one more row, of ones: [W | b] X̂ is then W X̂ + b, the bias added by the
    product itself instead of by one more pass over the output, and X̂ Gᵀ's last row is Σ G.
    """
    n, channels = input.shape[:2]
    padded = zero_bordered(module, "unfold_padded", (n, channels) + grid.padded, input.dtype)
    np.copyto(interior(padded, grid), input)
    rows = channels * grid.taps
    shape = (n, rows + ones, grid.length)
    # Filled with ones when made: the copy below rewrites every row but the last.
    columns = zero_bordered(module, "columns", shape, input.dtype, fill=1.0)
    # The kernel offsets step by dilation, the positions by stride; the last dimension of a wide
    # grid runs past the row end into the next row (and the spare row), never out of the buffer.
    plane = padded.strides[2:]
    shape = (n, channels) + grid.kernel + grid.positions
    strides = padded.strides[:2]
    strides += tuple(s * d for s, d in zip(plane, grid.dilation))
    strides += tuple(s * t for s, t in zip(plane, grid.stride))
    reach = sum((extent - 1) * step for extent, step in zip(shape, strides))
    if reach + padded.itemsize > padded.nbytes:  # a bug in Grid, never the user's input
        raise AssertionError(f"unfold would read past its buffer: {grid}")
    view = as_strided(padded, shape, strides, writeable=False)
    np.copyto(columns[:, :rows].reshape(shape), view)
    return columns


def offset_view(padded: np.ndarray, grid: Grid, offset: tuple[int, ...]) -> np.ndarray:
    """The writable view (N, C, *grid.positions) of ``padded`` that kernel ``offset`` meets.

    Plain slicing: for a wide grid the last two dimensions are read as one flat row-major run,
    so a position past a row's end falls on the next row, as in ``unfold``.
    """
    starts = [i * d for i, d in zip(offset, grid.dilation)]
    if not grid.wide:
        index = tuple(
            slice(a, a + s * (o - 1) + 1, s) for a, s, o in zip(starts, grid.stride, grid.out)
        )
        return padded[(slice(None), slice(None)) + index]
    rows, width = grid.padded[-2:]
    flat = padded.reshape(padded.shape[:-2] + (rows * width,))
    lead = tuple(slice(a, a + o) for a, o in zip(starts[:-2], grid.out[:-2]))
    first = starts[-2] * width + starts[-1]
    run = flat[(slice(None), slice(None)) + lead + (slice(first, first + grid.out[-2] * width),)]
    return run.reshape(run.shape[:-1] + (grid.out[-2], width))


def _stacks_samples(grid: Grid) -> bool:
    """Whether ``fold`` runs over the samples' padded images stacked end to end (2-D, wide)."""
    return grid.wide and len(grid.size) == 2


def fold_columns(module, grid: Grid, n: int, channels: int, dtype) -> np.ndarray:
    """The (N, C·∏k, L) array for the gradient columns, laid out the way ``fold`` reads fastest.

    For a wide 2-D grid it is a strided view of a (C·∏k, N, S) buffer, S the size of one padded
    image: each kernel offset's columns of all samples then lie end to end, and ``fold`` adds
    them to the stacked padded images with one contiguous run per channel. The S − L tail of
    each sample stays zero. Otherwise it is a plain buffer.
    """
    rows = channels * grid.taps
    if not _stacks_samples(grid):
        return module._buffer("fold_columns", (n, rows, grid.length), dtype)
    image = int(np.prod(grid.padded))
    stacked = zero_bordered(module, "fold_columns", (rows, n, image), dtype)
    return stacked[:, :, : grid.length].transpose(1, 0, 2)


def fold(module, columns: np.ndarray, grid: Grid, channels: int) -> np.ndarray:
    """Add the columns (N, C·∏k, L) back onto a zero image; returns the view (N, C, *size).

    The gradient of ``unfold``: each input element receives the sum of the column entries it
    was copied to. One in-place add per kernel offset (a loop over ∏k offsets, never over
    positions); entries at a wide grid's garbage positions must be zero (``widen`` sees to it).
    ``columns`` comes from :func:`fold_columns`.
    """
    n = columns.shape[0]
    if _stacks_samples(grid):
        return _fold_stacked(module, columns, grid, channels)
    padded = module._buffer("fold_padded", (n, channels) + grid.padded, columns.dtype)
    padded.fill(0)
    by_offset = columns.reshape((n, channels) + grid.kernel + grid.positions)
    for offset in itertools.product(*(range(k) for k in grid.kernel)):
        target = offset_view(padded, grid, offset)
        target += by_offset[(slice(None), slice(None)) + offset]
    return interior(padded, grid)


def _fold_stacked(module, columns: np.ndarray, grid: Grid, channels: int) -> np.ndarray:
    # The padded images of the N samples end to end per channel, (C, N·S + reach): kernel
    # offset o's columns of every sample land on [o, o + N·S), one contiguous run.
    n = columns.shape[0]
    rows, width = grid.padded
    image = rows * width
    reach = (grid.kernel[0] - 1) * grid.dilation[0] * width + (grid.kernel[1] - 1) * grid.dilation[
        1
    ]
    stacked = module._buffer("fold_padded", (channels, n * image + reach), columns.dtype)
    stacked.fill(0)
    source = module._existing_buffer("fold_columns").reshape(
        (channels,) + grid.kernel + (n * image,)
    )
    for i, j in itertools.product(range(grid.kernel[0]), range(grid.kernel[1])):
        start = i * grid.dilation[0] * width + j * grid.dilation[1]
        target = stacked[:, start : start + n * image]
        target += source[:, i, j]
    images = stacked[:, : n * image].reshape(channels, n, rows, width).transpose(1, 0, 2, 3)
    return interior(images, grid)


def widen(module, values: np.ndarray, grid: Grid, name: str = "widened") -> np.ndarray:
    """``values`` (N, O, *out) spread onto the column positions: (N, O, L), zero elsewhere.

    For a plain grid this is a contiguous copy; for a wide one the garbage columns stay zero.
    """
    n, planes = values.shape[:2]
    shape = (n, planes) + grid.positions
    buffer = zero_bordered(module, name, shape, values.dtype)
    np.copyto(narrow(buffer, grid), values)
    return buffer.reshape(n, planes, grid.length)


def narrow(wide: np.ndarray, grid: Grid) -> np.ndarray:
    """The valid part (N, O, *out) of an array over the column positions (N, O, *positions)."""
    n, planes = wide.shape[:2]
    full = wide.reshape((n, planes) + grid.positions)
    return full[..., : grid.out[-1]]


def sample_sums(module, products: np.ndarray, name: str) -> np.ndarray:
    """Σₙ of per-sample products (N, a, b) into a reused (a, b) buffer."""
    total = module._buffer(name, products.shape[1:], products.dtype)
    np.sum(products, axis=0, out=total)
    return total


def as_matrix(array: np.ndarray, rows: int) -> np.ndarray:
    """``array`` viewed as (rows, -1) without a copy (a weight, or its gradient, to write into)."""
    return np.reshape(array, (rows, -1), copy=False)
