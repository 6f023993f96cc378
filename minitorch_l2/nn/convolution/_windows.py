"""Pooling windows: Lua's output sizes, the padded source, and one view per kernel offset.

A pooling layer reads, for each kernel offset (u, v), the strided view x̃[..., u::dH, v::dW] of
the (padded) input: output position (i, j) of that view is the window element (u, v) of output
(i, j). So a max or a sum over the window is a max or a sum over ∏k whole arrays, a loop over
the kernel offsets (never over pixels), each step one vectorised NumPy call; its gradient adds
back through the same views. Measured against the alternatives in docs/performance.md.
"""

from __future__ import annotations

import itertools
from typing import NamedTuple

import numpy as np

from ._columns import checked_sizes


class Windows(NamedTuple):
    """A pooling's geometry per spatial dimension: sizes, kernel, stride, pad, output."""

    size: tuple[int, ...]
    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    pad: tuple[int, ...]
    out: tuple[int, ...]

    @property
    def extent(self) -> tuple[int, ...]:
        """The padded source's extent: the input and its padding, and every window."""
        return tuple(max(p + n, (o - 1) * s + k) for n, k, s, p, o in zip(*self))

    @property
    def needs_padding(self) -> bool:
        """Whether a window reaches past the input (padding, or ceil mode's last window)."""
        return any(self.pad) or self.extent != self.size

    @property
    def overlapping(self) -> bool:
        """Whether two windows share an input element (a stride below the kernel)."""
        return any(s < k for k, s in zip(self.kernel, self.stride))

    @property
    def offsets(self) -> list[tuple[int, ...]]:
        """Every kernel offset, row-major (Lua's scan order inside a window)."""
        return list(itertools.product(*(range(k) for k in self.kernel)))


def pool_out(size: int, kernel: int, stride: int, pad: int, ceil: bool, padded: bool) -> int:
    """THNN's pooling output size along one dimension (floor or ceil mode).

    ⌊ or ⌈(size + 2·pad − kernel) / stride⌉ + 1, less a last window that would start past the
    input (in the right padding or beyond) when the layer has any padding (``padded``: THNN
    tests padW or padH, for both dimensions). Without padding THNN keeps that window: in ceil
    mode with a stride above the kernel it holds no input element (see :func:`empty_windows`).
    """
    room = size + 2 * pad - kernel
    out = (-(-room // stride) if ceil else room // stride) + 1
    if padded and (out - 1) * stride >= size + pad:
        out -= 1
    return out


def pooling(
    who: str,
    input: np.ndarray,
    kernel: tuple[int, ...],
    stride: tuple[int, ...],
    pad: tuple[int, ...],
    ceil: bool = False,
) -> tuple[np.ndarray, Windows]:
    """``input`` as a batch and its windows; a ValueError naming ``who`` if it is too small."""
    padded = any(pad)

    def size_of(n: int, k: int, s: int, p: int) -> int:
        return pool_out(n, k, s, p, ceil, padded)

    x, out = checked_sizes(who, input, None, size_of, list(zip(kernel, stride, pad)))
    return x, Windows(x.shape[2:], kernel, stride, pad, out)


def empty_windows(windows: Windows) -> tuple[int, ...]:
    """Per dimension, how far past the input the last window starts (≥ 0: it holds nothing).

    Negative where the last window starts inside the input, as every window does but in ceil
    mode without padding and with a stride above the kernel, which THNN keeps.
    """
    return tuple((o - 1) * s - p - n for n, _, s, p, o in zip(*windows))


def refuse_empty(who: str, input: np.ndarray, windows: Windows, what: str) -> None:
    """A ValueError for a window THNN keeps though it holds no element, saying what Lua gives."""
    raise ValueError(
        f"{who}: in ceil mode, the input of shape {input.shape} gets a "
        f"{'x'.join(map(str, windows.out))} output in Lua, whose last window along a dimension "
        f"starts past the input and holds no element; Lua's THNN gives {what} there, refused "
        f"here rather than copied: use floor(), some padding, or an input size whose last "
        f"window starts inside it"
    )


def source(module, input: np.ndarray, windows: Windows, fill: float) -> np.ndarray:
    """``input`` itself, or its copy into a reused buffer padded with ``fill`` around it."""
    if not windows.needs_padding:
        return input
    shape = input.shape[:2] + windows.extent
    old = module._existing_buffer("pool_padded")
    padded = module._buffer("pool_padded", shape, input.dtype)
    if padded is not old:
        padded.fill(fill)  # only the interior is written from now on
    np.copyto(inside(padded, windows), input)
    return padded


def inside(padded: np.ndarray, windows: Windows) -> np.ndarray:
    """The view of a padded array where the input lies."""
    index = tuple(slice(p, p + n) for p, n in zip(windows.pad, windows.size))
    return padded[(slice(None), slice(None)) + index]


def views(array: np.ndarray, windows: Windows) -> list[np.ndarray]:
    """One view (N, C, *out) of ``array`` (N, C, *extent) per kernel offset, row-major."""
    found = []
    for offset in windows.offsets:
        index = tuple(
            slice(u, u + s * (o - 1) + 1, s) for u, s, o in zip(offset, windows.stride, windows.out)
        )
        found.append(array[(slice(None), slice(None)) + index])
    return found


def first_max(taps: list[np.ndarray], out: np.ndarray, index: np.ndarray, scratch) -> None:
    """``out`` = the max over ``taps``; ``index`` = the first tap holding it (Lua's argmax).

    Lua scans a window row-major and keeps a value only when it is strictly greater, so the
    first of equal maxima wins. Here: the max first, then the taps from last to first, each
    one equal to the max overwriting the index (arithmetic, as a masked copy is far slower).
    ``scratch`` is ``(equal, step)``: a bool and an index-dtype array of ``out``'s shape.
    """
    np.maximum(taps[0], taps[-1], out=out) if len(taps) > 1 else np.copyto(out, taps[0])
    for tap in taps[1:-1]:
        np.maximum(out, tap, out=out)
    equal, step = scratch
    index.fill(len(taps) - 1)
    for k in range(len(taps) - 2, -1, -1):
        np.equal(taps[k], out, out=equal)
        np.subtract(index, k, out=step)  # index ← k where equal: index − equal·(index − k)
        np.multiply(step, equal, out=step)
        np.subtract(index, step, out=index)


def index_dtype(taps: int) -> np.dtype:
    """The smallest unsigned type that counts the kernel offsets (wrapping arithmetic is exact)."""
    return np.dtype(np.uint8 if taps <= 255 else np.uint32)


def grad_image(module, grad_input: np.ndarray, windows: Windows) -> np.ndarray:
    """A zeroed (N, C, *extent) array to add window gradients into.

    ``grad_input`` (N, C, *size) itself when no window reaches past the input, else a reused
    padded buffer whose ``inside`` the caller copies out.
    """
    if windows.needs_padding:
        shape = grad_input.shape[:2] + windows.extent
        image = module._buffer("pool_grad", shape, grad_input.dtype)
    else:
        image = grad_input
    image.fill(0)
    return image


def check_pooling(who: str, kernel: tuple[int, ...], pad: tuple[int, ...]) -> None:
    """THNN's rule, checked at construction: each pad at most half its kernel (⌊k/2⌋)."""
    for k, p in zip(kernel, pad):
        if p > k // 2:
            raise ValueError(
                f"{who}: pad must be at most half the kernel size (floor(k/2)), got pad {p} "
                f"for a kernel of {k}"
            )


def adaptive_bounds(size: int, out: int, single_rounding: bool) -> tuple[np.ndarray, np.ndarray]:
    """THNN's adaptive windows along one dimension: [startᵢ, endᵢ) for i < out.

    startᵢ = ⌊i·size/out⌋, endᵢ = ⌈(i + 1)·size/out⌉, computed as THNN does in float32: the
    average pooling divides the product i·size once, the max pooling computes i/out·size, whose
    two roundings can widen a window by one element (Lua's windows, so kept).
    """
    i = np.arange(out + 1, dtype=np.float32)
    if single_rounding:
        edges = (i * np.float32(size)).astype(np.float32) / np.float32(out)
    else:
        edges = i / np.float32(out) * np.float32(size)
    return np.floor(edges[:-1]).astype(np.intp), np.ceil(edges[1:]).astype(np.intp)


def fractional_starts(
    x: np.ndarray, samples: np.ndarray, out: tuple[int, int], pool: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """THNN's fractional max pooling windows: their starts per sample and plane, (N, C, out).

    Along an axis of size n, α = (n − k) / (out − 1); start_i = ⌊(i + u)·α⌋ − ⌊u·α⌋ for
    i < out − 1 and n − k for the last, u the plane's sample (``samples[..., 0]`` for the
    width, ``[..., 1]`` for the height, as Lua), in the input's dtype as THNN computes it.
    Returns the rows' starts and the columns'.
    """
    found = []
    for axis, (size, count, k) in enumerate(zip(x.shape[2:], out, pool)):
        sample = samples[..., 1 - axis, None]
        starts = np.full(x.shape[:2] + (count,), size - k, dtype=np.intp)
        if count > 1:
            alpha = x.dtype.type(size - k) / x.dtype.type(count - 1)
            steps = np.arange(count - 1, dtype=x.dtype)
            first = np.trunc(sample * alpha)
            starts[..., :-1] = np.trunc((steps + sample) * alpha) - first
        found.append(starts)
    return found[0], found[1]
