"""``nn.SpatialBatchNormalization``: BatchNormalization of (n, C, H, W) feature maps, per channel.

The statistics of channel c are taken over the batch *and* every pixel, m = n·H·W values:

    y = w (x − μ) / √(σ² + eps) + b,    μ, σ² the mean and biased variance of those m values,

with the running averages, the evaluation mode and the gradients of ``nn.BatchNormalization``
(whose code this is: as in Lua, this class only changes the expected number of dimensions).
"""

from __future__ import annotations

from ..simple.batch_normalization import BatchNormalization


class SpatialBatchNormalization(BatchNormalization):
    """Batch normalization of convolution feature maps (n, C, H, W), per channel over n, H, W.

    After ``evaluate()`` a single image (C, H, W) is accepted too.

    Parameters
    ----------
    n_output : int
        C, the number of channels (feature planes).
    eps : float, default 1e-5
        Added to the variance before the square root.
    momentum : float, default 0.1
        Weight of the new batch in the running averages.
    affine : bool, default True
        Learn a per-channel scale ``weight`` (U(0, 1) at first) and shift ``bias`` (0).
    """

    #: (n, C, H, W) in training, as Lua's ``nDim = 4``.
    n_dim = 4
