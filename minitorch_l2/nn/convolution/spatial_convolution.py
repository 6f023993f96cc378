"""``nn.SpatialConvolution``: a 2-D convolution (Torch's cross-correlation) of image planes.

For input x (N, C, H, W), weight W (O, C, kH, kW), bias b (O,), strides (dH, dW), zero padding
(padH, padW) and x̃ the padded input:

    y[n, o, i, j] = b[o] + Σ_{c, u, v} W[o, c, u, v] · x̃[n, c, i·dH + u, j·dW + v],

with H_out = ⌊(H + 2·padH − kH)/dH⌋ + 1 (and W_out alike). As one product per sample with the
columns X̂ (C·kH·kW, H_out·W_out) of x (``_columns.unfold``): Y = W X̂ + b. Gradients, with
G = ∂L/∂y in the same layout:

    ∂L/∂X̂ = Wᵀ G (folded back onto x: ``_columns.fold``),
    ∂L/∂W += scale · Σₙ G X̂ᵀ,     ∂L/∂b += scale · Σ_{n, i, j} G.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from ..simple._lua_uniform import lua_uniform
from ._columns import fold, fold_columns, narrow, sample_sums, unfold, widen
from ._convolution_settings import ConvolutionSettings


class SpatialConvolution(ConvolutionSettings):
    """2-D convolution ``y = W ⋆ x + b`` over (C, H, W) images (Torch's ``nn.SpatialConvolution``).

    Per sample, with the columns X̂ of x: Y = W X̂ + b; ∂L/∂X̂ = Wᵀ G,
    ∂L/∂W += scale · G X̂ᵀ, ∂L/∂b += scale · Σ G. Input (C, H, W) or a batch (N, C, H, W).

    Parameters
    ----------
    n_input_plane : int
        C, the input's channels (Lua's ``nInputPlane``).
    n_output_plane : int
        O, the output's channels (``nOutputPlane``).
    k_w, k_h : int
        Kernel width and height (``kW``, ``kH``; width first, as in Lua).
    d_w, d_h : int, default 1
        Strides along the width and the height.
    pad_w : int, default 0
        Zeros added on the left and right.
    pad_h : int, optional
        Zeros added on top and bottom; default ``pad_w``, as in Lua.

    Attributes
    ----------
    weight, grad_weight : numpy.ndarray, shape (n_output_plane, n_input_plane, k_h, k_w)
    bias, grad_bias : numpy.ndarray, shape (n_output_plane,), or None after :meth:`no_bias`
        Drawn from U(−1/√(k_w·k_h·n_input_plane), +1/√(…)) by :meth:`reset`.
    """

    def __init__(
        self,
        n_input_plane: int,
        n_output_plane: int,
        k_w: int,
        k_h: int,
        d_w: int = 1,
        d_h: int = 1,
        pad_w: int = 0,
        pad_h: int | None = None,
    ) -> None:
        super().__init__()
        self.n_input_plane = n_input_plane
        self.n_output_plane = n_output_plane
        self.k_w, self.k_h = k_w, k_h
        self.d_w, self.d_h = d_w, d_h
        self.pad_w = pad_w
        self.pad_h = pad_w if pad_h is None else pad_h
        self._make_parameters()

    def reset(self, stdv: float | None = None) -> SpatialConvolution:
        """Draw weight and bias uniformly, in place, by Lua's rule; returns self.

        Without ``stdv``: U(−1/√fan_in, 1/√fan_in) with fan_in = k_w·k_h·n_input_plane. With
        ``stdv``: U(−√3·stdv, √3·stdv), whose standard deviation is ``stdv`` (Lua multiplies
        a given stdv by √3).

        Parameters
        ----------
        stdv : float, optional
            Standard deviation of the uniform draws.
        """
        lua_uniform(self._who(), stdv, self._fan_in(), self.weight, self.bias)
        return self

    def no_bias(self) -> SpatialConvolution:
        """Drop the bias: y = W ⋆ x."""
        self.bias = None
        self.grad_bias = None
        return self

    noBias = no_bias

    # ------------------------------------------------------------------ the layer
    def update_output(self, input: np.ndarray) -> np.ndarray:
        x, grid = self._grid(input)
        n, planes = x.shape[0], self.n_output_plane
        columns = unfold(self, x, grid, ones=self.bias is not None)
        weight = self._weight_matrix()
        if self.bias is not None:  # [W | b], against X̂'s row of ones
            weight_and_bias = self._buffer("weight_and_bias", (planes, columns.shape[1]), x.dtype)
            np.copyto(weight_and_bias[:, :-1], weight)
            weight_and_bias[:, -1] = self.bias
            weight = weight_and_bias
        product = self._buffer("product", (n, planes, grid.length), x.dtype)
        np.matmul(weight, columns, out=product)  # W X̂ + b, per sample
        batch = input.shape[:1] if input.ndim == x.ndim else ()
        self.output = reuse(self.output, batch + (planes,) + grid.out, x.dtype)
        np.copyto(self.output.reshape((n, planes) + grid.out), narrow(product, grid))
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, grid = self._grid(input)
        n = x.shape[0]
        g = widen(self, grad_output.reshape((n, self.n_output_plane) + grid.out), grid)
        columns = fold_columns(self, grid, n, self.n_input_plane, x.dtype)
        np.matmul(self._weight_matrix().T, g, out=columns)  # Wᵀ G
        image = fold(self, columns, grid, self.n_input_plane)
        self.grad_input = reuse(self.grad_input, input.shape, x.dtype)
        np.copyto(self.grad_input.reshape(x.shape), image)
        return self.grad_input

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        x, grid = self._grid(input)
        n, planes = x.shape[0], self.n_output_plane
        g = widen(self, grad_output.reshape((n, planes) + grid.out), grid)
        rows = self.n_input_plane * grid.taps + (self.bias is not None)
        columns = self._existing_buffer("columns")
        if columns is None or columns.shape != (n, rows, grid.length):
            raise ValueError(
                f"{self._who()}: acc_grad_parameters needs the columns of a forward on an input "
                f"of shape {input.shape}; call forward first"
            )
        # (G X̂ᵀ)ᵀ = X̂ Gᵀ per sample (the faster orientation); the ones row gives Σ G.
        products = self._buffer("weight_products", (n, rows, planes), x.dtype)
        np.matmul(columns, g.transpose(0, 2, 1), out=products)
        step = sample_sums(self, products, "weight_step")
        if scale != 1:
            step *= scale
        if self.bias is None:
            self._add_weight_step(step.T)
        else:
            self._add_weight_step(step[:-1].T)
            self.grad_bias += step[-1]

    def __tostring__(self) -> str:
        text = (
            f"nn.{type(self).__name__}({self.n_input_plane} -> {self.n_output_plane}, "
            f"{self.k_w}x{self.k_h}"
        )
        if (self.d_w, self.d_h, self.pad_w, self.pad_h) != (1, 1, 0, 0):
            text += f", {self.d_w},{self.d_h}"
        if (self.pad_w, self.pad_h) != (0, 0):
            text += f", {self.pad_w},{self.pad_h}"
        return text + (")" if self.bias is not None else ") without bias")
