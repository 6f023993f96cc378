"""``nn.SpatialSoftMax``: a softmax over the planes at every pixel.

For x (N, C, H, W):  y[n, c, i, j] = exp(x[n, c, i, j] − m) / Σ_{c'} exp(x[n, c', i, j] − m),
m the maximum over c' at that pixel (no overflow). Gradient, from the stored output:
∂L/∂x[c] = y[c] (g[c] − Σ_{c'} g[c'] y[c']). Lua's class runs THNN's SoftMax, as ``nn.SoftMax``
does: the planes are axis 0 of a (C, H, W) image, and a (d,) vector or an (n, d) batch is an
ordinary softmax over d. So this class is ``nn.SoftMax`` under Lua's other name.
"""

from __future__ import annotations

from ..transfer.softmax import SoftMax


class SpatialSoftMax(SoftMax):
    """Softmax over the planes at each pixel: ``y[c] = exp(x[c]) / Σ_c' exp(x[c'])``.

    ∂L/∂x[c] = y[c] (g[c] − Σ_c' g[c'] y[c']). Input (C, H, W) or (N, C, H, W).
    """
