"""``nn.TemporalConvolution``: a 1-D convolution over a sequence of frames.

For input x (N, T, F) (T frames of F features), weight W (O, kW·F), bias b (O,), stride dW:

    y[n, t, :] = W · vec(x[n, t·dW : t·dW + kW, :]) + b,     T_out = ⌊(T − kW)/dW⌋ + 1,

the window's kW frames read as one kW·F vector (frame-major, Lua's weight layout). With the
windows stacked as rows X̂ (N·T_out, kW·F): Y = X̂ Wᵀ + b. Gradients, G = ∂L/∂y as (N·T_out, O):

    ∂L/∂X̂ = G W (each window's rows added back onto its frames),
    ∂L/∂W += scale · Gᵀ X̂,     ∂L/∂b += scale · Σ G.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..._blas import add_column_sums, add_transposed_product, write_affine
from .._checks import reuse
from .._lua_names import attribute_alias
from .._settings import array, integer
from ..module import Module
from ..simple._lua_uniform import lua_uniform
from ._shapes import as_sequence


class TemporalConvolution(Module):
    """1-D convolution of frame sequences: ``y[t] = W · x[t·dW : t·dW + kW] + b``.

    With the windows as rows X̂: Y = X̂ Wᵀ + b; ∂L/∂X̂ = G W, ∂L/∂W += scale · Gᵀ X̂,
    ∂L/∂b += scale · Σ G. Input (T, F) or (N, T, F).

    Parameters
    ----------
    input_frame_size : int
        F, features per input frame (Lua's ``inputFrameSize``).
    output_frame_size : int
        O, features per output frame (``outputFrameSize``).
    k_w : int
        Frames per window (``kW``).
    d_w : int, default 1
        Frames between the starts of two windows (``dW``).

    Attributes
    ----------
    weight, grad_weight : numpy.ndarray, shape (output_frame_size, k_w · input_frame_size)
    bias, grad_bias : numpy.ndarray, shape (output_frame_size,)
        Drawn from U(−1/√(k_w·input_frame_size), +1/√(…)) by :meth:`reset`.
    """

    def __init__(
        self, input_frame_size: int, output_frame_size: int, k_w: int, d_w: int = 1
    ) -> None:
        super().__init__()
        self.input_frame_size, self.output_frame_size = input_frame_size, output_frame_size
        self.k_w, self.d_w = k_w, d_w
        self._check_settings()
        shape = (self.output_frame_size, self.k_w * self.input_frame_size)
        self.weight, self.grad_weight = np.empty(shape), np.zeros(shape)
        self.bias, self.grad_bias = np.empty(shape[0]), np.zeros(shape[0])
        self.validate()
        self.reset()

    def _check_settings(self) -> None:
        for name in ("input_frame_size", "output_frame_size", "k_w", "d_w"):
            setattr(self, name, integer("nn.TemporalConvolution", name, getattr(self, name), 1))

    def validate(self) -> None:
        """Check the settings, and that weight and bias have the shapes they imply."""
        self._check_settings()
        who = "nn.TemporalConvolution"
        shape = (self.output_frame_size, self.k_w * self.input_frame_size)
        self.weight = array(who, "weight", self.weight, shape)
        dtype = self.weight.dtype
        self.grad_weight = array(who, "grad_weight", self.grad_weight, shape, dtype)
        self.bias = array(who, "bias", self.bias, shape[:1], dtype)
        self.grad_bias = array(who, "grad_bias", self.grad_bias, shape[:1], dtype)
        super().validate()

    def reset(self, stdv: float | None = None) -> TemporalConvolution:
        """Draw weight and bias uniformly, in place, by Lua's rule; returns self.

        Without ``stdv``: U(−1/√(k_w·input_frame_size), +1/√(…)); with it: U(−√3·stdv, √3·stdv),
        whose standard deviation is ``stdv`` (Lua multiplies a given stdv by √3).

        Parameters
        ----------
        stdv : float, optional
            Standard deviation of the uniform draws.
        """
        fan_in = self.k_w * self.input_frame_size
        lua_uniform(self._who(), stdv, fan_in, self.weight, self.bias)
        return self

    def _windows(self, input: np.ndarray) -> tuple[np.ndarray, int]:
        return as_sequence(self._who(), input, self.k_w, self.d_w, self.input_frame_size)

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x, length = self._windows(input)
        n, frames = x.shape[0], self.output_frame_size
        # Window t's frames, (kW, F), copied into row t of X̂ (a view: (N, T_out, F, kW)).
        windows = sliding_window_view(x, self.k_w, axis=1)[:, :: self.d_w]
        rows = self._buffer("columns", (n, length, self.k_w, x.shape[2]), x.dtype)
        np.copyto(rows, windows.transpose(0, 1, 3, 2))
        self.output = reuse(self.output, input.shape[:-2] + (length, frames), x.dtype)
        product = self._buffer("product", (n * length, frames), x.dtype)
        out = self.output.reshape(n * length, frames)
        write_affine(out, rows.reshape(n * length, -1), self.weight, self.bias, product)
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, length = self._windows(input)
        n = x.shape[0]
        g = grad_output.reshape(n * length, self.output_frame_size)
        rows = self._buffer("grad_columns", (n * length, self.weight.shape[1]), x.dtype)
        np.matmul(g, self.weight, out=rows)  # G W: each window's share of ∂L/∂x
        self.grad_input = reuse(self.grad_input, input.shape, x.dtype)
        image = self.grad_input.reshape(x.shape)
        image.fill(0)
        by_frame = rows.reshape(n, length, self.k_w, x.shape[2])
        last = self.d_w * (length - 1) + 1
        for k in range(self.k_w):  # frame k of every window, added back where it came from
            image[:, k : k + last : self.d_w] += by_frame[:, :, k]
        return self.grad_input

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        x, length = self._windows(input)
        n = x.shape[0]
        rows = self._existing_buffer("columns")
        if rows is None or rows.shape != (n, length, self.k_w, x.shape[2]):
            raise ValueError(
                f"{self._who()}: acc_grad_parameters needs the windows of a forward on an "
                f"input of shape {input.shape}; call forward first"
            )
        g = grad_output.reshape(n * length, self.output_frame_size)
        scratch = self._buffer("weight_step", self.weight.shape, x.dtype)
        add_transposed_product(self.grad_weight, g, rows.reshape(n * length, -1), scale, scratch)
        sums = self._buffer("bias_step", self.bias.shape, x.dtype)
        add_column_sums(self.grad_bias, g, scale, sums)

    def __tostring__(self) -> str:
        return "nn.TemporalConvolution"

    def _who(self) -> str:
        return (
            f"nn.TemporalConvolution({self.input_frame_size} -> {self.output_frame_size}, "
            f"kW {self.k_w}, dW {self.d_w})"
        )

    inputFrameSize = attribute_alias("input_frame_size")
    outputFrameSize = attribute_alias("output_frame_size")
    kW = attribute_alias("k_w")
    dW = attribute_alias("d_w")
