"""``nn.SpatialFullConvolutionMap(conn_table, kW, kH, dW, dH)``: a transposed connection-table conv.

Row k of the connection table (0-based planes) scatters input plane i_k onto output plane o_k
through W[k] (kH, kW), the output (H − 1)·dH + kH by (W − 1)·dW + kW:

    y[n, o] = b[o] + Σ_{k : o_k = o} fullconv(x[n, i_k], W[k]),

Torch's full convolution (each input pixel adds W[k] times itself at its place, no flip). That
is ``nn.SpatialFullConvolution`` with the dense weight D[i, o] = Σ_{k : (i_k, o_k) = (i, o)} W[k],
which is how it is computed; ∂L/∂W[k] is the dense gradient's block (i_k, o_k). Lua takes one
image (C, H, W) only; a batch works here too.
"""

from __future__ import annotations

from ._shapes import checked_table
from .spatial_convolution_map import SpatialConvolutionMap
from .spatial_full_convolution import SpatialFullConvolution


class SpatialFullConvolutionMap(SpatialConvolutionMap, SpatialFullConvolution):
    """Transposed convolution of the plane pairs of a connection table (see the module docstring).

    Per sample y = fold(Dᵀ X) + b; ∂L/∂W[k] is the dense gradient's block (i_k, o_k).
    Input (C, H, W) or (N, C, H, W).

    Parameters
    ----------
    conn_table : numpy.ndarray, shape (K, 2)
        Rows ``[input plane, output plane]``, 0-based (see ``nn.tables``).
    k_w, k_h : int
        Kernel width and height (width first, as in Lua).
    d_w, d_h : int, default 1
        Strides.
    """

    def __init__(self, conn_table, k_w: int, k_h: int, d_w: int = 1, d_h: int = 1) -> None:
        self.conn_table = checked_table("nn.SpatialFullConvolutionMap", conn_table)
        self.adj_w = self.adj_h = 0
        n_input_plane = int(self.conn_table[:, 0].max()) + 1
        n_output_plane = int(self.conn_table[:, 1].max()) + 1
        SpatialFullConvolution.__init__(
            self, n_input_plane, n_output_plane, k_w, k_h, d_w, d_h, 0, 0, 0, 0
        )

    def _dense_shape(self) -> tuple[int, ...]:
        return (self.n_input_plane, self.n_output_plane, self.k_h, self.k_w)

    def _pairs(self):
        return self.conn_table[:, 0], self.conn_table[:, 1]
