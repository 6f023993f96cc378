"""What every optimiser's step shares: the checks of ``x`` and ``feval``, and Lua's scalar math."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

Feval = Callable[[np.ndarray], tuple[float, np.ndarray]]


def check_parameters(who: str, x: object) -> np.ndarray:
    """``x`` must be a writeable floating ndarray: the optimiser updates it in place."""
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        kind = x.dtype if isinstance(x, np.ndarray) else type(x).__name__
        raise TypeError(
            f"{who}: expected x to be a float32/float64 numpy.ndarray (the flat parameter vector "
            f"from get_parameters()), got {kind}"
        )
    if not x.flags.writeable:
        raise ValueError(f"{who}: x must be writeable, it is updated in place")
    return x


def evaluate(who: str, feval: Feval, x: np.ndarray) -> tuple[float, np.ndarray]:
    """Call ``feval(x)``; check it returned a finite ``(loss, grad)`` with grad shaped like x."""
    result = feval(x)
    if not isinstance(result, tuple | list) or len(result) != 2:
        raise TypeError(f"{who}: feval(x) must return a pair (loss, grad), got {result!r:.80}")
    loss, grad = result
    if not isinstance(grad, np.ndarray) or grad.dtype.kind != "f":
        kind = grad.dtype if isinstance(grad, np.ndarray) else type(grad).__name__
        raise TypeError(f"{who}: feval(x) must return a float ndarray gradient, got {kind}")
    if grad.shape != x.shape:
        raise ValueError(
            f"{who}: feval(x) returned a gradient of shape {grad.shape}, expected x's {x.shape}"
        )
    try:
        loss = float(loss)
    except (TypeError, ValueError):
        raise TypeError(
            f"{who}: feval(x) must return a number as its loss, got {loss!r:.80}"
        ) from None
    if not math.isfinite(loss):
        raise ValueError(f"{who}: feval(x) returned a non-finite loss ({loss}); stopping")
    # One read of g: Σ g² is finite unless g holds NaN/inf (or overflows, checked exactly then).
    if not math.isfinite(np.vdot(grad, grad)) and not np.isfinite(grad).all():
        bad = np.flatnonzero(~np.isfinite(grad))
        raise ValueError(
            f"{who}: feval(x) returned a gradient with {bad.size} non-finite value(s) (first at "
            f"flat index {bad[0]}: {grad.reshape(-1)[bad[0]]}); stopping"
        )
    return loss, grad


def dot(a: np.ndarray, b: np.ndarray) -> float:
    """⟨a, b⟩ over every element, as a Python float.

    Below 16 elements the products are summed left to right, as Torch's BLAS dot sums a short
    vector: near a minimum cg and lbfgs divide differences of nearly equal numbers, and there
    the order of a sum decides whether a step agrees with Torch's to the last bit. Longer
    vectors go to NumPy's BLAS, whose order (like Torch's own there) depends on the build.
    """
    if a.size < 16:
        total = 0.0
        for u, v in zip(a.reshape(-1).tolist(), b.reshape(-1).tolist()):
            total += u * v
        return total
    return float(np.vdot(a, b))


def absolute_sum(a: np.ndarray, out: np.ndarray) -> float:
    """Σ|aᵢ| (|a| written into ``out``), summed left to right below 16 elements as Torch does."""
    np.abs(a, out=out)
    if out.size < 16:
        total = 0.0
        for value in out.reshape(-1).tolist():
            total += value
        return total
    return float(out.sum())


def divide(a: float, b: float) -> float:
    """a / b with IEEE semantics (±inf or NaN for b = 0), as Lua computes it."""
    if b != 0:
        return a / b
    if a == 0 or math.isnan(a):
        return math.nan
    return math.copysign(math.inf, a) * math.copysign(1.0, b)


def sqrt(a: float) -> float:
    """√a, NaN for a negative a (Lua's math.sqrt), never an exception."""
    return math.sqrt(a) if a >= 0 else math.nan
