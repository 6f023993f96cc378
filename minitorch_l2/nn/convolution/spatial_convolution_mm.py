"""``nn.SpatialConvolutionMM``: ``nn.SpatialConvolution`` with its weight stored as one matrix.

The same map and gradients, y = W X̂ + b per sample (see ``spatial_convolution.py``); only the
weight's shape differs: (O, C·kH·kW), the matrix Lua's MM ("matrix multiply") version keeps,
row o holding W[o, c, u, v] at column (c·kH + u)·kW + v. A ``.t7`` file of either loads its
weight as it was saved.
"""

from __future__ import annotations

from .spatial_convolution import SpatialConvolution


class SpatialConvolutionMM(SpatialConvolution):
    """2-D convolution with a (n_output_plane, n_input_plane·k_h·k_w) weight (Lua's MM layout).

    Y = W X̂ + b per sample; ∂L/∂X̂ = Wᵀ G, ∂L/∂W += scale · G X̂ᵀ, ∂L/∂b += scale · Σ G.

    Parameters
    ----------
    n_input_plane : int
        C, the input's channels (Lua's ``nInputPlane``).
    n_output_plane : int
        O, the output's channels.
    k_w, k_h : int
        Kernel width and height (width first, as in Lua).
    d_w, d_h : int, default 1
        Strides along the width and the height.
    pad_w : int, default 0
        Zeros added on the left and right.
    pad_h : int, optional
        Zeros added on top and bottom; default ``pad_w``.
    """

    def _weight_shape(self) -> tuple[int, ...]:
        return (self.n_output_plane, self.n_input_plane * self.k_h * self.k_w)
