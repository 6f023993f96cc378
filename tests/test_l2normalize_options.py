"""nn.L2Normalize's keyword-only options and the limit on the Jacobian path's (n, d, d) buffer."""

from __future__ import annotations

import numpy as np
import pytest

from minitorch_l2 import nn


@pytest.mark.parametrize("args", [(2,), (1e-12,), (1e-12, False)])
def test_a_positional_argument_is_a_type_error_pointing_to_normalize(args):
    # Lua's nn.Normalize(2) typed as L2Normalize(2) used to set eps = 2 silently.
    with pytest.raises(TypeError, match=r"keyword arguments only .* is nn\.Normalize\(2\) here"):
        nn.L2Normalize(*args)
    assert nn.L2Normalize(eps=2.0).eps == 2.0


def test_the_jacobian_path_refuses_a_buffer_above_the_limit_before_allocating_it():
    x = np.random.default_rng(0).normal(size=(4096, 512))  # J would be 8 GiB in float64
    layer = nn.L2Normalize()
    layer.forward(x)
    with pytest.raises(ValueError) as info:
        layer.backward(x, x)
    message = str(info.value)
    assert message.startswith("nn.L2Normalize: the Jacobian path would allocate")
    assert "4096·512²·8 = 8,589,934,592 bytes" in message
    assert "above max_jacobian_bytes = 1,073,741,824" in message
    assert "nn.L2Normalize(jacobian=False)" in message
    assert layer._existing_buffer("jacobian") is None
    assert nn.L2Normalize(jacobian=False).forward(x) is not None  # the fix works


def test_the_limit_is_settable_and_none_removes_it():
    x = np.ones((4, 8))  # J: 4·8²·8 = 2048 bytes
    layer = nn.L2Normalize(max_jacobian_bytes=2047)
    layer.forward(x)
    with pytest.raises(
        ValueError, match=r"4·8²·8 = 2,048 bytes .* above max_jacobian_bytes = 2,047"
    ):
        layer.backward(x, x)
    layer.max_jacobian_bytes = 2048
    expected = nn.L2Normalize(jacobian=False)
    expected.forward(x)
    np.testing.assert_allclose(layer.backward(x, x), expected.backward(x, x), atol=1e-15)
    layer.max_jacobian_bytes = None
    layer.backward(x, x)
    assert (
        repr(nn.L2Normalize(max_jacobian_bytes=None)) == "nn.L2Normalize(max_jacobian_bytes=None)"
    )
    with pytest.raises(ValueError, match=r"nn\.L2Normalize: max_jacobian_bytes must be in"):
        nn.L2Normalize(max_jacobian_bytes=-1)
    with pytest.raises(TypeError, match=r"nn\.L2Normalize: max_jacobian_bytes must be an int"):
        nn.L2Normalize(max_jacobian_bytes=1.5)
