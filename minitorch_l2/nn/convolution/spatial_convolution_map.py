"""``nn.SpatialConvolutionMap(conn_table, kW, kH, dW, dH)``: a convolution of chosen plane pairs.

Row k of the connection table (``nn.tables``; 0-based plane numbers) links input plane i_k to
output plane o_k through the kernel W[k] (kH, kW):

    y[n, o] = b[o] + Σ_{k : o_k = o} W[k] ⋆ x[n, i_k]     (⋆: Torch's valid cross-correlation).

That is ``nn.SpatialConvolution`` with the dense weight D[o, i] = Σ_{k : (i_k, o_k) = (i, o)} W[k]
(zero for planes not connected), which is how it is computed: Y = D X̂ + b per sample. The
gradient of W[k] is the dense gradient's block (o_k, i_k): ∂L/∂W[k] += scale · (G X̂ᵀ)[o_k, i_k].
"""

from __future__ import annotations

import numpy as np

from ..._random import generator
from .._settings import array
from ..simple._lua_uniform import half_width
from ._shapes import checked_table
from .spatial_convolution import SpatialConvolution


class SpatialConvolutionMap(SpatialConvolution):
    """Convolution of the plane pairs of a connection table: ``y[o] = b[o] + Σ W[k] ⋆ x[i_k]``.

    Per sample Y = D X̂ + b with D the dense weight the table implies; ∂L/∂W[k] is D's gradient
    block (o_k, i_k). Input (C, H, W) or (N, C, H, W), C = 1 + the largest input plane number.

    Parameters
    ----------
    conn_table : numpy.ndarray, shape (K, 2)
        Rows ``[input plane, output plane]``, 0-based (see ``nn.tables``).
    k_w, k_h : int
        Kernel width and height (width first, as in Lua).
    d_w, d_h : int, default 1
        Strides.

    Attributes
    ----------
    weight, grad_weight : numpy.ndarray, shape (K, k_h, k_w)
    bias, grad_bias : numpy.ndarray, shape (n_output_plane,)
    """

    def __init__(
        self, conn_table: np.ndarray, k_w: int, k_h: int, d_w: int = 1, d_h: int = 1
    ) -> None:
        self.conn_table = checked_table(f"nn.{type(self).__name__}", conn_table)
        n_input_plane = int(self.conn_table[:, 0].max()) + 1
        n_output_plane = int(self.conn_table[:, 1].max()) + 1
        super().__init__(n_input_plane, n_output_plane, k_w, k_h, d_w, d_h, 0, 0)

    def validate(self) -> None:
        """Check the settings, the table against the plane counts, and the parameter shapes."""
        who = f"nn.{type(self).__name__}"
        self.conn_table = checked_table(who, self.conn_table)
        super().validate()
        if (self.conn_table.max(axis=0) + 1).tolist() != [self._inputs(), self._outputs()]:
            raise ValueError(
                f"{who}: conn_table's plane numbers do not match n_input_plane = "
                f"{self.n_input_plane}, n_output_plane = {self.n_output_plane}"
            )
        self.conn_table = array(who, "conn_table", self.conn_table, floating=False)

    def _inputs(self) -> int:
        return self.n_input_plane

    def _outputs(self) -> int:
        return self.n_output_plane

    def _weight_shape(self) -> tuple[int, ...]:
        return (len(self.conn_table), self.k_h, self.k_w)

    def reset(self, stdv: float | None = None) -> SpatialConvolutionMap:
        """Draw the kernels and biases uniformly, by Lua's rule; returns self.

        Without ``stdv``: kernel k from U(±1/√(k_w·k_h·fan_k)), fan_k the number of
        connections into its output plane, and bias o from U(±1/√(k_w·k_h·fan_o)). With
        ``stdv``: everything from U(−√3·stdv, √3·stdv) (standard deviation ``stdv``).

        Parameters
        ----------
        stdv : float, optional
            Standard deviation of the uniform draws.
        """
        fan = np.bincount(self.conn_table[:, 1], minlength=self._outputs())  # per output plane
        bound = half_width(self._who(), stdv, self.k_w * self.k_h * np.maximum(fan, 1))
        bound = np.broadcast_to(bound, fan.shape)  # one a per output plane
        rng = generator()
        per_kernel = bound[self.conn_table[:, 1]][:, None, None]
        self.weight[...] = rng.uniform(-1, 1, self.weight.shape) * per_kernel
        self.bias[...] = rng.uniform(-1, 1, self.bias.shape) * bound
        return self

    def _dense_shape(self) -> tuple[int, ...]:
        return (self.n_output_plane, self.n_input_plane, self.k_h, self.k_w)

    def _pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """(row, column) of each kernel in the dense weight: (output, input) planes here."""
        return self.conn_table[:, 1], self.conn_table[:, 0]

    def _weight_matrix(self) -> np.ndarray:
        dense = self._buffer("dense_weight", self._dense_shape(), self.weight.dtype)
        dense.fill(0)
        np.add.at(dense, self._pairs(), self.weight)  # a repeated pair adds its kernels
        return dense.reshape(dense.shape[0], -1)

    def _add_weight_step(self, step: np.ndarray) -> None:
        self.grad_weight += step.reshape(self._dense_shape())[self._pairs()]

    def __tostring__(self) -> str:
        return f"nn.{type(self).__name__}"

    def _who(self) -> str:
        return (
            f"nn.{type(self).__name__}({len(self.conn_table)} connections, {self.n_input_plane} "
            f"-> {self.n_output_plane}, {self.k_w}x{self.k_h})"
        )

    connTable = property(
        lambda self: self.conn_table,
        lambda self, value: setattr(self, "conn_table", value),
        doc="Lua's connTable (0-based here).",
    )
