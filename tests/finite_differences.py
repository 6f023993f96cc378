"""Central finite differences, the independent oracle of every gradient test.

A stop-gap until the project's own gradient checker lands:
∂f/∂xᵢ ≈ (f(x + h eᵢ) − f(x − h eᵢ)) / 2h, with error O(h²) from truncation
plus O(ε_machine / h) from rounding (≈ 1e-10 for h = 1e-6).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def numerical_gradient(f: Callable[[], float], x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """∂f/∂x by central differences; ``f()`` reads ``x`` (perturbed in place, then restored)."""
    flat = x.reshape(-1)
    assert np.shares_memory(flat, x), "x must be contiguous so that its elements can be perturbed"
    grad = np.zeros(x.shape, dtype=np.float64)
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + h
        above = f()
        flat[i] = original - h
        below = f()
        flat[i] = original
        grad.flat[i] = (above - below) / (2 * h)
    return grad


def check_module_input_gradient(
    module,
    x: np.ndarray,
    seed: int = 0,
    before: Callable[[], object] = lambda: None,
    rtol: float = 1e-6,
    atol: float = 1e-8,
) -> None:
    """Compare ``module.backward`` with finite differences of L(x) = Σ w ⊙ module(x).

    ``w`` is a fixed random projection, so every output element contributes; ``before`` runs
    before each forward (e.g. to re-seed Dropout so that its mask stays the same).
    """
    before()
    output = module.forward(x)
    weights = np.random.default_rng(seed).normal(size=output.shape).astype(x.dtype)
    analytic = np.array(module.backward(x, weights), dtype=np.float64)

    def loss() -> float:
        before()
        return float(np.sum(module.forward(x) * weights))

    np.testing.assert_allclose(analytic, numerical_gradient(loss, x), rtol=rtol, atol=atol)


def check_criterion_gradient(
    criterion, x: np.ndarray, target: object, rtol: float = 1e-6, atol: float = 1e-8
) -> None:
    """Compare ``criterion.backward(x, target)`` with finite differences of the loss."""
    criterion.forward(x, target)
    analytic = np.array(criterion.backward(x, target), dtype=np.float64)
    numeric = numerical_gradient(lambda: criterion.forward(x, target), x)
    np.testing.assert_allclose(analytic, numeric, rtol=rtol, atol=atol)
