"""``nn.SpatialFractionalMaxPooling(kW, kH, w, h)``: max pooling by a non-integer factor.

Graham's fractional max pooling: each plane of each sample gets its own pseudo-random window
starts, drawn from two samples u ~ U[0, 1) (one per axis, ``random_samples`` (N, C, 2)):

    α = (H_in − kH) / (H_out − 1),   start_i = ⌊(i + u)·α⌋ − ⌊u·α⌋ (i < H_out − 1),
    start_{H_out − 1} = H_in − kH,

(in the input's dtype, as THNN computes it) and y[i, j] = max of the kH × kW window at
(start_i, start_j). The output is (h, w) given as sizes, or ⌊ratio · input⌋ given as ratios in
(0, 1). New samples are drawn at every forward unless ``fix_pooling_regions()``. Gradient:
∂L/∂y[i, j] goes to the window's first maximum in row-major order; overlapping windows add up.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from ..._random import generator
from .._checks import reuse
from .._settings import boolean, integer
from ..module import Module
from ._shapes import as_batch
from ._windows import first_max, fractional_starts, index_dtype


class SpatialFractionalMaxPooling(Module):
    """Max pooling over kH×kW windows at pseudo-random starts, to a fractional output size.

    ∂L/∂x gets ∂L/∂y at each window's first maximum. Input (C, H, W) or (N, C, H, W).

    Parameters
    ----------
    pool_size_w, pool_size_h : int
        The window width and height, ≥ 2 (Lua's ``poolSizeW``, ``poolSizeH``).
    w, h : int or float
        The output width and height (ints ≥ 1), or both ratios in (0, 1) of the input's.
    """

    # The samples that placed the windows of the last forward (Lua's randomSamples).
    per_call_attributes = ("random_samples",)

    def __init__(self, pool_size_w: int, pool_size_h: int, w: float, h: float) -> None:
        super().__init__()
        self.pool_size_w, self.pool_size_h = pool_size_w, pool_size_h
        if w >= 1 and h >= 1:
            self.out_w, self.out_h, self.ratio_w, self.ratio_h = w, h, None, None
        else:
            self.out_w, self.out_h, self.ratio_w, self.ratio_h = None, None, w, h
        self.new_random_pool = False
        self.random_samples = None
        self.validate()

    def validate(self) -> None:
        """Check the window (ints ≥ 2) and the output (sizes ≥ 1, or ratios in (0, 1))."""
        who = "nn.SpatialFractionalMaxPooling"
        self.pool_size_w = integer(who, "pool_size_w", self.pool_size_w, 2)
        self.pool_size_h = integer(who, "pool_size_h", self.pool_size_h, 2)
        sizes, ratios = (self.out_w, self.out_h), (self.ratio_w, self.ratio_h)
        if (sizes == (None, None)) == (ratios == (None, None)):
            raise ValueError(
                f"{who}: give the output as sizes (out_w, out_h) or as ratios (ratio_w, ratio_h), "
                f"the other pair None; got out_w, out_h = {sizes}, ratio_w, ratio_h = {ratios}"
            )
        if self.ratio_w is None and self.ratio_h is None:
            self.out_w = integer(who, "out_w", self.out_w, 1)
            self.out_h = integer(who, "out_h", self.out_h, 1)
        else:
            for name in ("ratio_w", "ratio_h"):
                value = getattr(self, name)
                if (
                    isinstance(value, bool)
                    or not isinstance(value, numbers.Real)
                    or not 0 < value < 1
                ):
                    raise ValueError(
                        f"{who}: w and h must be output sizes >= 1 or ratios in (0, 1), got "
                        f"{name} = {value!r}"
                    )
        self.new_random_pool = boolean(who, "new_random_pool", self.new_random_pool)
        super().validate()

    def fix_pooling_regions(self, value: bool = True) -> SpatialFractionalMaxPooling:
        """Keep the current windows (draw no new samples) while ``value`` (Lua's name too).

        Parameters
        ----------
        value : bool, default True
            True keeps the samples of the next forward for the ones after it.
        """
        self.new_random_pool = boolean(self._who(), "value", value)
        return self

    fixPoolingRegions = fix_pooling_regions

    def _pool(self) -> tuple[int, int]:
        return self.pool_size_h, self.pool_size_w

    def _out(self, x: np.ndarray) -> tuple[int, int]:
        if self.ratio_w is None:
            out = (self.out_h, self.out_w)
        else:
            out = (math.floor(x.shape[2] * self.ratio_h), math.floor(x.shape[3] * self.ratio_w))
        pool = (self.pool_size_h, self.pool_size_w)
        if min(out) < 1 or any(o + k - 1 >= n for o, k, n in zip(out, pool, x.shape[2:])):
            least = tuple(o + k for o, k in zip(out, pool))
            raise ValueError(
                f"{self._who()}: input of shape {x.shape[1:]} is too small for {out[0]}x{out[1]} "
                f"windows of {pool[0]}x{pool[1]}; the smallest input this layer accepts is (C, "
                f"{least[0]}, {least[1]})"
            )
        return out

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x = as_batch(self._who(), input, 2)
        out = self._out(x)
        samples = self.random_samples
        if samples is None or samples.shape != x.shape[:2] + (2,) or not self.new_random_pool:
            self.random_samples = generator().random(x.shape[:2] + (2,)).astype(x.dtype)
        rows, cols = fractional_starts(x, self.random_samples, out, self._pool())
        shape = x.shape[:2] + out
        taps = []
        for u in range(self.pool_size_h):
            picked = np.take_along_axis(x, (rows + u)[..., None], axis=2)
            for v in range(self.pool_size_w):
                taps.append(np.take_along_axis(picked, (cols + v)[:, :, None, :], axis=3))
        self.output = reuse(self.output, input.shape[:-2] + out, x.dtype)
        index = self._buffer("index", shape, index_dtype(len(taps)))
        scratch = self._buffer("equal", shape, np.bool_), self._buffer("step", shape, index.dtype)
        first_max(taps, self.output.reshape(shape), index, scratch)
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x = as_batch(self._who(), input, 2)
        out = self._out(x)
        index = self._existing_buffer("index")
        if self.random_samples is None or index is None or index.shape != x.shape[:2] + out:
            raise ValueError(
                f"{self._who()}: backward needs the windows of a forward on an input of shape "
                f"{input.shape}; call forward first"
            )
        rows, cols = fractional_starts(x, self.random_samples, out, self._pool())
        u, v = np.divmod(index, self.pool_size_w)
        flat = (rows[..., :, None] + u) * x.shape[3] + (cols[..., None, :] + v)
        n, planes = x.shape[:2]
        self.grad_input = reuse(self.grad_input, input.shape, x.dtype)
        image = self.grad_input.reshape(n * planes, -1)
        image.fill(0)
        plane = np.arange(n * planes)[:, None]
        np.add.at(image, (plane, flat.reshape(n * planes, -1)), grad_output.reshape(n * planes, -1))
        return self.grad_input

    def __tostring__(self) -> str:
        if self.ratio_w is None:
            size = f"{self.out_w}x{self.out_h}"
        else:
            size = f"{self.ratio_w:g}x{self.ratio_h:g}"
        return f"nn.SpatialFractionalMaxPooling({size}, {self.pool_size_w},{self.pool_size_h})"
