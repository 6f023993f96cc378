"""``nn.TemporalMaxPooling``: the maximum of each window of kW frames, feature by feature.

For input x (N, T, F):  y[n, t, f] = max_{u < kW} x[n, t·dW + u, f],  T_out = ⌊(T − kW)/dW⌋ + 1.
Gradient: ∂L/∂y[n, t, f] goes to the frame that held the maximum, the first of equal ones
(Lua's rule); overlapping windows add up. A NaN in a window is its maximum here (Lua skips NaN).
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._lua_names import attribute_alias
from .._settings import integer
from ..module import Module
from ._shapes import as_sequence
from ._windows import Windows, first_max, index_dtype, views


class TemporalMaxPooling(Module):
    """Max over windows of kW frames, stride dW: ``y[t, f] = max_u x[t·dW + u, f]``.

    ∂L/∂x gets ∂L/∂y at each window's first maximum. Input (T, F) or (N, T, F).

    Parameters
    ----------
    k_w : int
        Frames per window (``kW``).
    d_w : int, optional
        Frames between two windows' starts; default ``k_w``, as in Lua.
    """

    def __init__(self, k_w: int, d_w: int | None = None) -> None:
        super().__init__()
        self.k_w = k_w
        self.d_w = k_w if d_w is None else d_w
        self.validate()

    def validate(self) -> None:
        """Check the settings: both ints ≥ 1."""
        who = "nn.TemporalMaxPooling"
        self.k_w = integer(who, "k_w", self.k_w, 1)
        self.d_w = integer(who, "d_w", self.d_w, 1)
        super().validate()

    def _windows(self, input: np.ndarray) -> tuple[np.ndarray, Windows]:
        x, length = as_sequence(self._who(), input, self.k_w, self.d_w)
        # Frames play the part of a pooling's one spatial axis, features its planes.
        windows = Windows((x.shape[1],), (self.k_w,), (self.d_w,), (0,), (length,))
        return x.transpose(0, 2, 1), windows

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x, windows = self._windows(input)
        n, features = x.shape[:2]
        self.output = reuse(self.output, input.shape[:-2] + windows.out + (features,), x.dtype)
        out = self.output.reshape(n, windows.out[0], features).transpose(0, 2, 1)
        index = self._buffer("index", out.shape, index_dtype(self.k_w))
        scratch = (
            self._buffer("equal", out.shape, np.bool_),
            self._buffer("step", out.shape, index.dtype),
        )
        first_max(views(x, windows), out, index, scratch)
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, windows = self._windows(input)
        n, features = x.shape[:2]
        shape = (n, features) + windows.out
        index = self.__dict__.get("_buffers", {}).get("index")
        if index is None or index.shape != shape:
            raise ValueError(
                f"{self._who()}: backward needs the maxima of a forward on an input of shape "
                f"{input.shape}; call forward first"
            )
        g = grad_output.reshape(n, windows.out[0], features).transpose(0, 2, 1)
        self.grad_input = reuse(self.grad_input, input.shape, x.dtype)
        image = self.grad_input.reshape(n, x.shape[2], features).transpose(0, 2, 1)
        image.fill(0)
        mask = self._buffer("equal", shape, np.bool_)
        share = self._buffer("share", shape, x.dtype)
        for k, target in enumerate(views(image, windows)):
            np.equal(index, k, out=mask)  # the windows whose maximum is frame k
            np.multiply(g, mask, out=share)
            target += share
        return self.grad_input

    def _who(self) -> str:
        return f"nn.TemporalMaxPooling(kW {self.k_w}, dW {self.d_w})"

    kW = attribute_alias("k_w")
    dW = attribute_alias("d_w")
