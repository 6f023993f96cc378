"""``reset(stdv)``, Lua's rule in every layer that has it: U(−√3·stdv, √3·stdv), else 1/√fan_in.

The half-width of each layer's default draw is its own fan-in, from Lua's source: Linear's input
size, a convolution's kW·kH·nInputPlane, TemporalConvolution's kW·inputFrameSize, Cosine's
output size (Lua's ``weight:size(1)``), Euclidean's input size, Bilinear's first input size,
CMul's number of weights.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import minitorch_l2
from minitorch_l2 import nn

LAYERS = [  # (make, fan_in of the default draw)
    (lambda: nn.Linear(30, 40), 30),
    (lambda: nn.SpatialConvolution(3, 20, 5, 4), 5 * 4 * 3),
    (lambda: nn.SpatialConvolutionMM(3, 20, 5, 4), 5 * 4 * 3),
    (lambda: nn.TemporalConvolution(6, 30, 5), 5 * 6),
    (lambda: nn.SpatialConvolutionMap(nn.tables.full(3, 20), 5, 4), 5 * 4 * 3),
    (lambda: nn.Cosine(30, 40), 40),
    (lambda: nn.Euclidean(30, 40), 30),
    (lambda: nn.Bilinear(6, 7, 40), 6),
    (lambda: nn.CMul(30, 40), 30 * 40),
]
IDS = [
    "Linear",
    "SpatialConvolution",
    "MM",
    "Temporal",
    "Map",
    "Cosine",
    "Euclidean",
    "Bilinear",
    "CMul",
]


def draws(layer: nn.Module) -> np.ndarray:
    return np.concatenate([p.reshape(-1) for p in layer.parameters()[0]])


@pytest.mark.parametrize(("make", "fan_in"), LAYERS, ids=IDS)
def test_the_default_draw_is_uniform_within_one_over_root_fan_in(make, fan_in):
    minitorch_l2.manual_seed(0)
    values = draws(make().reset())
    bound = 1 / math.sqrt(fan_in)
    assert np.abs(values).max() <= bound
    assert np.abs(values).max() > 0.95 * bound  # the whole interval is used, not a smaller one


@pytest.mark.parametrize(("make", "fan_in"), LAYERS, ids=IDS)
def test_a_given_stdv_is_the_standard_deviation_of_the_draws(make, fan_in):
    minitorch_l2.manual_seed(1)
    values = draws(make().reset(0.01))
    assert np.abs(values).max() <= 0.01 * math.sqrt(3)
    assert abs(values.std() - 0.01) < 0.1 * 0.01


@pytest.mark.parametrize(("make", "fan_in"), LAYERS, ids=IDS)
@pytest.mark.parametrize("stdv", [-0.1, math.inf, math.nan, "0.1", True])
def test_a_bad_stdv_is_refused_naming_the_layer(make, fan_in, stdv):
    layer = make()
    with pytest.raises(ValueError, match=rf"^{repr(layer)[:8]}.*reset's stdv must be a finite"):
        layer.reset(stdv)
