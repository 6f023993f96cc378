"""``nn.Padding(dim, pad, n_input_dim=None, value=0, index=0)``: |pad| entries of ``value``.

y = x with |pad| entries of ``value`` inserted along ``dim``: on the left for pad < 0, the right
for pad > 0, ``index`` entries in from that side. ∂L/∂x = g without the padded entries.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._settings import integer, real
from ..module import Module
from ._dims import axis, optional_count


class Padding(Module):
    """y = x with |pad| entries of ``value`` inserted along ``dim``; ∂L/∂x = g without them.

    Parameters
    ----------
    dim : int
        The dimension to pad (0-based; negative counts from the end).
    pad : int
        How many entries: negative pads on the left, positive on the right.
    n_input_dim : int or None
        Dimensions of one sample: an input with another number of dims is a batch, and a
        ``dim`` ≥ 0 moves one place right (Lua's ``nInputDim``, which tests ``~=``).
    value : float
        The padding's value (default 0).
    index : int
        How many input entries stay between the padding and its side (0-based, default 0:
        at the very edge). Lua's ``nn.Padding(1, -2, 1, -1, 2)`` is
        ``nn.Padding(0, -2, 1, -1, 1)``: one entry, then the padding.
    """

    def __init__(
        self,
        dim: int,
        pad: int,
        n_input_dim: int | None = None,
        value: float = 0.0,
        index: int = 0,
    ) -> None:
        super().__init__()
        self.dim = dim
        self.pad = pad
        self.n_input_dim = n_input_dim
        self.value = value
        self.index = index
        self.validate()

    def validate(self) -> None:
        """Check ``dim``, ``pad``, ``index`` (ints, ``index`` ≥ 0), ``n_input_dim``, ``value``."""
        who = "nn.Padding"
        self.dim = integer(who, "dim", self.dim)
        self.pad = integer(who, "pad", self.pad)
        self.n_input_dim = optional_count(who, "n_input_dim", self.n_input_dim)
        self.value = real(who, "value", self.value, finite=False)
        self.index = integer(who, "index", self.index, minimum=0)
        super().validate()

    def _place(self, shape: tuple[int, ...]) -> tuple[int, int]:
        # (the padded axis, the input entry the padding goes before)
        dim = self.dim
        if dim >= 0 and self.n_input_dim is not None and len(shape) != self.n_input_dim:
            dim += 1
        dim = axis(self._who(), dim, shape)
        size = shape[dim]
        before = self.index if self.pad <= 0 else size - self.index
        if not 0 <= before <= size:
            raise ValueError(
                f"{self._who()}: index {self.index} is beyond dim {dim} of the input, which has "
                f"{size} entries (input {shape})"
            )
        return dim, before

    def update_output(self, input: np.ndarray) -> np.ndarray:
        dim, before = self._place(input.shape)
        width = abs(self.pad)
        shape = input.shape[:dim] + (input.shape[dim] + width,) + input.shape[dim + 1 :]
        self.output = reuse(self.output, shape, input.dtype)
        lead = (slice(None),) * dim
        self.output[lead + (slice(before, before + width),)] = self.value
        self.output[lead + (slice(0, before),)] = input[lead + (slice(0, before),)]
        self.output[lead + (slice(before + width, None),)] = input[lead + (slice(before, None),)]
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        dim, before = self._place(input.shape)
        width = abs(self.pad)
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        lead = (slice(None),) * dim
        self.grad_input[lead + (slice(0, before),)] = grad_output[lead + (slice(0, before),)]
        self.grad_input[lead + (slice(before, None),)] = grad_output[
            lead + (slice(before + width, None),)
        ]
        return self.grad_input
