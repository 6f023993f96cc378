"""``nn.Reshape(*sizes, batch_mode=None)``: the input with a new shape, a batch dim kept.

y = x.reshape(sizes) for a sample, x.reshape(n, *sizes) for a batch of n; ∂L/∂x =
g.reshape(x.shape). Lua's rule for which: a batch unless ``batch_mode`` is False, or (with
``batch_mode`` None) the input has exactly the sizes' elements and a first dim other than 1.
"""

from __future__ import annotations

import math

import numpy as np

from .._settings import boolean, int_tuple
from ..module import Module


class Reshape(Module):
    """y = x.reshape(sizes), or x.reshape(n, *sizes) for a batch; ∂L/∂x = g.reshape(x.shape).

    A non-contiguous input (or grad_output) is first copied into a reused buffer, as Lua does.

    Parameters
    ----------
    *sizes : int
        The shape of one sample, each ≥ 1 (a single tuple works too). A trailing ``True`` or
        ``False`` is read as ``batch_mode``, as Lua's ``nn.Reshape(6, 2, true)``.
    batch_mode : bool or None
        True: the first dim is always the batch; False: never; None (default): a batch unless
        the input holds exactly one sample's elements and its first dim is not 1.
    """

    def __init__(self, *sizes: int, batch_mode: bool | None = None) -> None:
        super().__init__()
        if sizes and isinstance(sizes[-1], bool) and batch_mode is None:
            sizes, batch_mode = sizes[:-1], sizes[-1]
        if len(sizes) == 1 and isinstance(sizes[0], tuple | list):
            sizes = tuple(sizes[0])
        self.size = tuple(sizes)
        self.batch_mode = batch_mode
        self.validate()

    def validate(self) -> None:
        """Check the sizes (ints ≥ 1, at least one) and ``batch_mode`` (None or a bool)."""
        who = "nn.Reshape"
        self.size = int_tuple(who, "size", self.size, minimum=1)
        if not self.size:
            raise ValueError(f"{who}: expected at least one size, got none")
        if self.batch_mode is not None:
            self.batch_mode = boolean(who, "batch_mode", self.batch_mode)
        self.num_elements = math.prod(self.size)
        super().validate()

    def update_output(self, input: np.ndarray) -> np.ndarray:
        if not input.flags.c_contiguous:
            contiguous = self._buffer("input", input.shape, input.dtype)
            np.copyto(contiguous, input)
            input = contiguous
        sample = self.batch_mode is False or (
            self.batch_mode is None
            and input.size == self.num_elements
            and input.ndim > 0
            and input.shape[0] != 1
        )
        shape = self.size if sample else (input.shape[0] if input.ndim else 1, *self.size)
        if math.prod(shape) != input.size:
            raise ValueError(
                f"{self._who()}: cannot reshape an input of shape {input.shape} "
                f"({input.size} elements) into {shape}"
            )
        self.output = input.reshape(shape)
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        if not grad_output.flags.c_contiguous:
            contiguous = self._buffer("grad_output", grad_output.shape, grad_output.dtype)
            np.copyto(contiguous, grad_output)
            grad_output = contiguous
        self.grad_input = grad_output.reshape(input.shape)
        return self.grad_input

    def __tostring__(self) -> str:
        return f"nn.Reshape({'x'.join(map(str, self.size))})"
