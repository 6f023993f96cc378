"""Recipes of the transfer functions added beside the core ones (Threshold, ELU, PReLU, ...).

Inputs are drawn from U(−2, 2), so they avoid every kink (0, ±λ, the thresholds and bounds)
almost surely. In-place modes are not checked here: they overwrite the input, which the
checker refuses by design; their tests compare them with the out-of-place mode instead.
"""

from __future__ import annotations

import numpy as np

from ... import nn
from . import float32_recipe, recipe, uniform


def _prelu_channels() -> nn.PReLU:
    layer = nn.PReLU(3)
    layer.weight[...] = [0.1, 0.3, 0.5]  # distinct slopes, so a mixed-up channel shows
    return layer


recipe("Threshold", lambda: nn.Threshold(0.1, -2.0), uniform(3, 4))
recipe("LeakyReLU", lambda: nn.LeakyReLU(0.1), uniform(3, 4))
recipe("PReLU, shared", nn.PReLU, uniform(2, 3, 2, 2))
recipe("PReLU, channels", _prelu_channels, uniform(2, 3, 2, 2))
recipe("ELU", nn.ELU, uniform(3, 4))
recipe("ELU, alpha 0.5", lambda: nn.ELU(0.5), uniform(3, 4))
recipe("HardTanh", nn.HardTanh, uniform(3, 4))
recipe("SoftPlus", nn.SoftPlus, uniform(3, 4))
recipe("SoftPlus, beta 2", lambda: nn.SoftPlus(2.0), uniform(3, 4, low=-15.0, high=15.0))
recipe("SoftSign", nn.SoftSign, uniform(3, 4))
recipe("LogSigmoid", nn.LogSigmoid, uniform(3, 4))
recipe("SoftMin", nn.SoftMin, uniform(3, 4))
recipe("SoftMin, 4-d (N, C, H, W), over C", nn.SoftMin, uniform(2, 3, 2, 2))
recipe("TanhShrink", nn.TanhShrink, uniform(3, 4))
recipe("HardShrink", lambda: nn.HardShrink(0.5), uniform(3, 4))
recipe("SoftShrink", lambda: nn.SoftShrink(0.5), uniform(3, 4))
float32_recipe(
    "SoftShrink, float32 = float64 clone",
    lambda: nn.SoftShrink(0.5).float(),
    uniform(3, 4, dtype=np.float32),
)
