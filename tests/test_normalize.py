"""nn.Normalize(p, eps): Lua's p-norm layer, against PyTorch, by hand and against L2Normalize.

Lua's own numbers are in tests/test_lua_reference_norm.py (p = 1, 2, ∞). Here: every kind of p
the backward treats apart, against PyTorch's ``F.normalize`` with eps = 0 (where the two
definitions coincide), the eps of Lua's definition by hand, float32, and errors.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings

from minitorch_l2 import nn

from .strategies import normal_range_batches

P_VALUES = [1, 1.5, 2, 3, 4, 2.5, math.inf]


@pytest.mark.parametrize("p", P_VALUES)
@pytest.mark.parametrize("shape", [(5, 4), (4,)])
def test_matches_pytorch_normalize_without_eps(torch, p, shape):
    rng = np.random.default_rng(0)
    x, g = rng.normal(size=shape), rng.normal(size=shape)
    layer = nn.Normalize(p, eps=0.0)
    y = layer.forward(x).copy()
    grad = layer.backward(x, g)
    theirs = torch.tensor(x, requires_grad=True)
    out = torch.nn.functional.normalize(theirs, p=p, dim=-1, eps=0.0)
    out.backward(torch.tensor(g))
    np.testing.assert_allclose(y, out.detach().numpy(), rtol=1e-13)
    np.testing.assert_allclose(grad, theirs.grad.numpy(), rtol=1e-11, atol=1e-14)


def test_eps_is_added_to_the_sum_of_powers_as_in_lua():
    x = np.array([[3.0, 4.0], [0.0, 0.0]])
    y = nn.Normalize(2, eps=11.0).forward(x)  # ‖·‖ = √(25 + 11) = 6
    np.testing.assert_allclose(y, [[0.5, 4 / 6], [0.0, 0.0]], rtol=1e-15)
    y = nn.Normalize(math.inf, eps=1.0).forward(x)  # max|x| + eps = 5
    np.testing.assert_allclose(y, [[0.6, 0.8], [0.0, 0.0]], rtol=1e-15)
    layer = nn.Normalize(2)  # a zero row: y = 0 and the gradient g / √eps, no NaN
    layer.forward(np.zeros(3))
    np.testing.assert_allclose(layer.backward(np.zeros(3), np.ones(3)), np.ones(3) / 1e-5)


@settings(max_examples=40, deadline=None)
@given(x=normal_range_batches(max_n=4, max_d=6, zero_rows=False))
def test_p2_agrees_with_the_exact_l2normalize_on_ordinary_rows(x):
    # Lua's eps changes ‖x‖ by eps/(2‖x‖²) relatively: negligible for rows of normal size.
    rows = x.reshape(-1, x.shape[-1])
    if np.min(np.vecdot(rows, rows)) < 0.1:  # then eps/‖x‖² ≤ 1e-9
        return
    g = np.cos(np.arange(x.size, dtype=x.dtype)).reshape(x.shape)
    ours, exact = nn.Normalize(2), nn.L2Normalize(jacobian=False)
    tol = 1e-5 if x.dtype == np.float32 else 1e-8  # gradients are at most ‖g‖/‖x‖ ≤ 3.2 ‖g‖
    np.testing.assert_allclose(ours.forward(x), exact.forward(x), rtol=tol, atol=tol)
    np.testing.assert_allclose(ours.backward(x, g), exact.backward(x, g), rtol=tol, atol=tol)


@pytest.mark.parametrize("p", [1, 2, math.inf])
def test_float32_stays_float32(p):
    x = np.random.default_rng(1).normal(size=(3, 5)).astype(np.float32)
    layer = nn.Normalize(p).float()
    assert layer.forward(x).dtype == np.float32
    assert layer.backward(x, np.ones_like(x)).dtype == np.float32
    reference = nn.Normalize(p).forward(x.astype(np.float64))
    np.testing.assert_allclose(layer.output, reference, rtol=1e-6)


def test_bad_input_and_settings_are_named():
    with pytest.raises(ValueError, match=r"nn\.Normalize: expected input of shape \(d,\) or"):
        nn.Normalize(2).forward(np.ones((2, 3, 4)))
    with pytest.raises(TypeError, match=r"nn\.Normalize: .*int64"):
        nn.Normalize(2).forward(np.ones((2, 3), np.int64))
    with pytest.raises(ValueError, match=r"nn\.Normalize: p must be"):
        nn.Normalize(0.5)
    with pytest.raises(TypeError, match=r"nn\.Normalize: p must be a real number"):
        nn.Normalize("2")
    with pytest.raises(ValueError, match=r"nn\.Normalize: eps must be"):
        nn.Normalize(2, eps=-1.0)


def test_printing_as_lua():
    assert repr(nn.Normalize(2)) == "nn.Normalize(2)"
    assert repr(nn.Normalize(math.inf)) == "nn.Normalize(inf)"
    assert repr(nn.Normalize(1.5)) == "nn.Normalize(1.500000)"
