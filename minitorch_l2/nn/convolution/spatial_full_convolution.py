"""``nn.SpatialFullConvolution``: the transpose of a convolution (a "deconvolution").

It maps x (N, C, H, W) to y (N, O, H_out, W_out), H_out = (H − 1)·dH − 2·padH + kH + adjH, by
scattering every input pixel through the kernel: with W (C, O, kH, kW) and ỹ the padded output,

    ỹ[n, o, i·dH + u, j·dW + v] += W[c, o, u, v] · x[n, c, i, j],     y = crop(ỹ) + b.

It is the gradient of ``nn.SpatialConvolution``'s input with the same geometry: per sample the
columns are Wᵀ X and are folded onto the output (``_columns.fold``). Gradients, Ĝ the columns of
G = ∂L/∂y (``_columns.unfold``):

    ∂L/∂X = W Ĝ,     ∂L/∂W += scale · Σₙ X Ĝᵀ,     ∂L/∂b += scale · Σ G.

Given a table ``[x, target]`` the extra rows adjW, adjH are chosen so that the output has the
target's height and width, as in Lua; the target then gets a zero gradient.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._lua_names import attribute_alias
from .._tables import check_leaves, reuse_list
from ._columns import Grid, fold, fold_columns, narrow, sample_sums, transposed_grid, unfold, widen
from .spatial_convolution import SpatialConvolution


class SpatialFullConvolution(SpatialConvolution):
    """Transposed 2-D convolution: each input pixel adds W[c] times itself onto the output.

    Per sample: y = fold(Wᵀ X) + b; ∂L/∂X = W Ĝ, ∂L/∂W += scale · X Ĝᵀ, ∂L/∂b += scale · Σ G.
    Input (C, H, W), (N, C, H, W), or a table ``[input, target]`` fixing the output's size.

    Parameters
    ----------
    n_input_plane, n_output_plane : int
        Channels in and out.
    k_w, k_h : int
        Kernel width and height (width first, as in Lua).
    d_w, d_h : int, default 1
        Strides: the output step between two neighbouring input pixels.
    pad_w, pad_h : int, default 0
        Rows and columns cropped from each side of the output.
    adj_w, adj_h : int, default 0
        Extra columns and rows added at the right and bottom, each below its stride.

    Attributes
    ----------
    weight, grad_weight : numpy.ndarray, shape (n_input_plane, n_output_plane, k_h, k_w)
    bias, grad_bias : numpy.ndarray, shape (n_output_plane,), or None after :meth:`no_bias`
    """

    takes_table = True

    def __init__(
        self,
        n_input_plane: int,
        n_output_plane: int,
        k_w: int,
        k_h: int,
        d_w: int = 1,
        d_h: int = 1,
        pad_w: int = 0,
        pad_h: int = 0,
        adj_w: int = 0,
        adj_h: int = 0,
    ) -> None:
        self.adj_w, self.adj_h = adj_w, adj_h
        super().__init__(n_input_plane, n_output_plane, k_w, k_h, d_w, d_h, pad_w, pad_h)

    def _integer_settings(self) -> dict[str, int]:
        return {**super()._integer_settings(), "adj_w": 0, "adj_h": 0}

    def _validate_settings(self) -> None:
        super()._validate_settings()
        if self.adj_w > self.d_w - 1 or self.adj_h > self.d_h - 1:
            raise ValueError(
                f"nn.{type(self).__name__}: adj_w and adj_h must be below their strides "
                f"(d_w = {self.d_w}, d_h = {self.d_h}), got {self.adj_w} and {self.adj_h}"
            )

    def _weight_shape(self) -> tuple[int, ...]:
        return (self.n_input_plane, self.n_output_plane, self.k_h, self.k_w)

    def check_input(self, input: np.ndarray | list) -> None:
        """Accept a tensor, or a table ``[input, target]`` whose target only gives a size.

        Parameters
        ----------
        input : numpy.ndarray or list
            The image(s), or ``[image(s), target]``.
        """
        if isinstance(input, list) and len(input) == 2 and isinstance(input[1], np.ndarray):
            input = input[0]
        check_leaves(self._who(), input, "input", self._parameter_dtype())

    @staticmethod
    def _image(input: np.ndarray | list) -> np.ndarray:
        return input[0] if isinstance(input, list) else input

    def _frame(self, input: np.ndarray | list) -> tuple[np.ndarray, Grid]:
        kernel, stride, pad = (self.k_h, self.k_w), (self.d_h, self.d_w), (self.pad_h, self.pad_w)
        if isinstance(input, list):  # Lua's calculateAdj: what the target's size needs
            sizes = input[1].shape[-2:]
            adjust = tuple((t + 2 * p - k) % s for t, k, p, s in zip(sizes, kernel, pad, stride))
        else:
            adjust = (self.adj_h, self.adj_w)
        image = self._image(input)
        return transposed_grid(self._who(), image, self.n_input_plane, kernel, stride, pad, adjust)

    def update_output(self, input: np.ndarray | list) -> np.ndarray:
        x, grid = self._frame(input)
        n, planes = x.shape[0], self.n_output_plane
        spread = widen(self, x, grid, "widened_input")  # X over the column positions
        columns = fold_columns(self, grid, n, planes, x.dtype)
        np.matmul(self._weight_matrix().T, spread, out=columns)  # Wᵀ X
        image = fold(self, columns, grid, planes)
        batch = (
            x.shape[:1] if x.ndim == (input[0] if isinstance(input, list) else input).ndim else ()
        )
        self.output = reuse(self.output, batch + (planes,) + grid.size, x.dtype)
        out = self.output.reshape((n, planes) + grid.size)
        if self.bias is None:
            np.copyto(out, image)
        else:
            np.add(image, self.bias[:, None, None], out=out)
        return self.output

    def update_grad_input(self, input: np.ndarray | list, grad_output: np.ndarray) -> object:
        x, grid = self._frame(input)
        n = x.shape[0]
        columns = unfold(self, grad_output.reshape((n, self.n_output_plane) + grid.size), grid)
        product = self._buffer("product", (n, self.n_input_plane, grid.length), x.dtype)
        np.matmul(self._weight_matrix(), columns, out=product)  # W Ĝ
        image = self._image(input)
        if isinstance(input, list):  # Lua gives the target a zero gradient
            self.grad_input = reuse_list(self.grad_input, 2)
            grad = self.grad_input[0] = reuse(self.grad_input[0], image.shape, x.dtype)
            zeros = self.grad_input[1] = reuse(self.grad_input[1], input[1].shape, x.dtype)
            zeros.fill(0)
        else:
            old = self.grad_input if isinstance(self.grad_input, np.ndarray) else None
            grad = self.grad_input = reuse(old, image.shape, x.dtype)
        np.copyto(grad.reshape(x.shape), narrow(product, grid))
        return self.grad_input

    def acc_grad_parameters(
        self, input: np.ndarray | list, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        x, grid = self._frame(input)
        n, planes = x.shape[0], self.n_output_plane
        g = grad_output.reshape((n, planes) + grid.size)
        columns = unfold(self, g, grid)
        spread = widen(self, x, grid, "widened_input")
        # (X Ĝᵀ)ᵀ = Ĝ Xᵀ per sample, the faster orientation (as in SpatialConvolution).
        products = self._buffer(
            "weight_products", (n, columns.shape[1], self.n_input_plane), x.dtype
        )
        np.matmul(columns, spread.transpose(0, 2, 1), out=products)
        step = sample_sums(self, products, "weight_step")
        if scale != 1:
            step *= scale
        self._add_weight_step(step.T)
        if self.bias is not None:
            sums = self._buffer("bias_step", (planes,), x.dtype)
            np.sum(g, axis=(0, 2, 3), out=sums)
            if scale != 1:
                sums *= scale
            self.grad_bias += sums

    def __tostring__(self) -> str:
        text = super().__tostring__()
        if (self.adj_w, self.adj_h) == (0, 0):
            return text
        head, _, tail = text.rpartition(")")
        return f"{head}, {self.adj_w},{self.adj_h}){tail}"

    adjW = attribute_alias("adj_w")
    adjH = attribute_alias("adj_h")
