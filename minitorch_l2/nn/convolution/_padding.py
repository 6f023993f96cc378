"""What the three spatial paddings share: Lua's four pads, their checks, sizes and printing.

Each pad adds that many rows or columns on its side (left, right, top, bottom); a negative pad
crops instead, as in Lua. The layer defines how a new element is filled: zeros, the reflection
of the border, or a copy of it.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._settings import integer
from ..module import Module
from ._shapes import as_batch


class Padding(Module):
    """A spatial padding by (pad_l, pad_r, pad_t, pad_b); subclasses fill the new elements.

    Parameters
    ----------
    pad_l : int
        Columns added on the left (negative: removed).
    pad_r, pad_t, pad_b : int, optional
        Right, top and bottom; each defaults to ``pad_l``, as in Lua.
    """

    def __init__(
        self,
        pad_l: int,
        pad_r: int | None = None,
        pad_t: int | None = None,
        pad_b: int | None = None,
    ) -> None:
        super().__init__()
        self.pad_l = pad_l
        self.pad_r = pad_l if pad_r is None else pad_r
        self.pad_t = pad_l if pad_t is None else pad_t
        self.pad_b = pad_l if pad_b is None else pad_b
        self.validate()

    def validate(self) -> None:
        """Check the four pads: ints (negative ones crop)."""
        for name in ("pad_l", "pad_r", "pad_t", "pad_b"):
            setattr(self, name, integer(f"nn.{type(self).__name__}", name, getattr(self, name)))
        super().validate()

    def _batch(self, input: np.ndarray) -> tuple[np.ndarray, tuple[int, int]]:
        """``input`` as (N, C, H, W) and the output's (height, width); errors name the layer."""
        x = as_batch(self._who(), input, 2)
        height = x.shape[2] + self.pad_t + self.pad_b
        width = x.shape[3] + self.pad_l + self.pad_r
        if height < 1 or width < 1:
            least = (1 - self.pad_t - self.pad_b, 1 - self.pad_l - self.pad_r)
            raise ValueError(
                f"{self._who()}: input of shape {input.shape} is too small, its output would "
                f"be {height}x{width}; the smallest input this layer accepts is (C, "
                f"{max(least[0], 1)}, {max(least[1], 1)})"
            )
        return x, (height, width)

    def _out_shape(self, input: np.ndarray, size: tuple[int, int]) -> tuple[int, ...]:
        return input.shape[:-2] + size

    def __tostring__(self) -> str:
        pads = f"l={self.pad_l}, r={self.pad_r}, t={self.pad_t}, b={self.pad_b}"
        return f"nn.{type(self).__name__}({pads})"

    def _who(self) -> str:
        return repr(self)


class CopiedPadding(Padding):
    """A padding whose new elements copy input elements, by the index map of ``rule``."""

    rule = "replicate"

    def _maps(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        height, width = x.shape[2:]
        if (
            self.rule == "reflect"
            and max(self.pad_t, self.pad_b) >= height
            or max(self.pad_l, self.pad_r) >= width
        ):
            raise ValueError(
                f"{self._who()}: a reflection pad must be below the input's size on its axis, "
                f"got input of shape {x.shape[1:]}; the smallest input this layer accepts is "
                f"(C, {max(self.pad_t, self.pad_b) + 1}, {max(self.pad_l, self.pad_r) + 1})"
            )
        rows = source_index(height, self.pad_t, self.pad_b, self.rule)
        cols = source_index(width, self.pad_l, self.pad_r, self.rule)
        return rows, cols

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x, size = self._batch(input)
        rows, cols = self._maps(x)
        picked = self._buffer("rows", x.shape[:2] + (size[0], x.shape[3]), x.dtype)
        np.take(x, rows, axis=2, out=picked)
        self.output = reuse(self.output, self._out_shape(input, size), x.dtype)
        np.take(picked, cols, axis=3, out=self.output.reshape(x.shape[:2] + size))
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, size = self._batch(input)
        rows, cols = self._maps(x)
        self.grad_input = reuse(self.grad_input, input.shape, x.dtype)
        image = self.grad_input.reshape(x.shape)
        image.fill(0)
        g = grad_output.reshape(x.shape[:2] + size)
        np.add.at(image, (..., rows[:, None], cols[None, :]), g)  # each copy adds back
        return self.grad_input


def source_index(size: int, before: int, after: int, rule: str) -> np.ndarray:
    """For each output position along one axis, the input position it copies (THNN's maps).

    ``rule`` is ``"reflect"`` (the border element is not repeated: …, 2, 1, [0, 1, 2, …]) or
    ``"replicate"`` (…, 0, 0, [0, 1, 2, …]). Negative pads crop.
    """
    position = np.arange(size + before + after) - before
    if rule == "reflect":
        position = np.abs(position)
        position = np.where(position > size - 1, 2 * (size - 1) - position, position)
        return position
    return np.clip(position, 0, size - 1)
