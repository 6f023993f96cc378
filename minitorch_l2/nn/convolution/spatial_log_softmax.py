"""``nn.SpatialLogSoftMax``: the log of a softmax over the planes at every pixel.

For x (N, C, H, W):  y[c] = x[c] − m − log Σ_{c'} exp(x[c'] − m) per pixel, m the maximum over
the planes (log-sum-exp: finite for large logits). Gradient, from the stored output:
∂L/∂x[c] = g[c] − exp(y[c]) Σ_{c'} g[c']. Lua's class runs THNN's LogSoftMax, as
``nn.LogSoftMax`` does (the planes are axis 0 of a (C, H, W) image): this class is
``nn.LogSoftMax`` under Lua's other name.
"""

from __future__ import annotations

from ..transfer.log_softmax import LogSoftMax


class SpatialLogSoftMax(LogSoftMax):
    """Log-softmax over the planes at each pixel: ``y[c] = x[c] − log Σ_c' exp(x[c'])``.

    ∂L/∂x[c] = g[c] − exp(y[c]) Σ_c' g[c']. Input (C, H, W) or (N, C, H, W). Feed it to
    ``nn.SpatialClassNLLCriterion`` for per-pixel classification.
    """
