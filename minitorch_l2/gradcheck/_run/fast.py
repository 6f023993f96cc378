"""Fast mode: the Jacobian tested through random projections vᵀJu, in a few calls per tensor.

For random v (over the output) and u (over a checked tensor, of unit norm):

    numeric  = vᵀ (f(t + h⁺) − f(t − h⁻)) / 2·eps,     h± the steps t ± eps·u really took,
    analytic = (Jᵀv) · (h⁺ + h⁻) / 2·eps,               Jᵀv = backward(x, v),

equal up to O(eps²) for a right backward, and for a wrong one unequal with probability 1 (a
random projection of a nonzero error matrix is nonzero). One backward per v serves every tensor;
each u costs two forwards. The check is |analytic − numeric| ≤ atol + rtol·|numeric| for every
(u, v) pair; a tensor that fails is then checked in full, which says where and why. So is a
tensor whose one-sided projections vᵀ(f(t + h⁺) − f(t)) and vᵀ(f(t) − f(t − h⁻)) differ by more
than twice the tolerance and √eps·max(1, slope): a kink lies along u, where a wrong backward
can pass (ReLU's mean 0.5 at 0), and the full check finds and counts it.
"""

from __future__ import annotations

import numpy as np

from ..._jacobian import Layout
from .._report import TensorCheck
from .run import Run

#: Random vectors v (one backward each) and directions u per tensor (two forwards each).
PROJECTIONS = 2


def fast_check(
    run: Run, output: Layout, tensors: list[tuple[str, np.ndarray]]
) -> tuple[dict[str, TensorCheck], list[str]]:
    """Project every tensor's Jacobian; returns the passing tensors' checks and the failing names.

    A backward that raises, or returns None or a wrong shape for a tensor, fails that tensor
    here (the full check then reports it properly).
    """
    calls, settings = run.calls, run.settings
    rng = np.random.default_rng(settings.seed)
    vs = [rng.standard_normal(output.size) for _ in range(PROJECTIONS)]
    try:
        runs = [dict(_copies(calls.gradients(output.from_flat(v)))) for v in vs]
    except Exception:  # backward is code under test: the full check reports it
        return {}, [name for name, _ in tensors]
    passed, failed = {}, []
    plus, minus = np.empty(output.size), np.empty(output.size)
    at = output.read(calls.forward(), np.empty(output.size))
    for name, tensor in tensors:
        grads = [run.get(name) for run in runs]
        if any(g is None or g.shape != tensor.shape for g in grads):
            failed.append(name)
            continue
        errors, sides = [], []
        original = tensor.copy()
        flat = original.reshape(-1).astype(np.float64)
        try:
            for _ in range(PROJECTIONS):
                u = rng.standard_normal(tensor.size)
                u /= max(float(np.linalg.norm(u)), 1e-300)
                up = (flat + settings.eps * u).astype(tensor.dtype)
                down = (flat - settings.eps * u).astype(tensor.dtype)
                step = up.astype(np.float64) - down  # h⁺ + h⁻, as rounded
                np.copyto(tensor, up.reshape(tensor.shape))
                output.read(calls.forward(), plus)
                np.copyto(tensor, down.reshape(tensor.shape))
                output.read(calls.forward(), minus)
                np.copyto(tensor, original)
                difference = plus - minus
                for v, g in zip(vs, grads):
                    numeric = float(v @ difference) / (2 * settings.eps)
                    analytic = float(g.reshape(-1).astype(np.float64) @ step) / (2 * settings.eps)
                    errors.append((abs(analytic - numeric), abs(numeric)))
                    right, left = float(v @ (plus - at)), float(v @ (at - minus))
                    sides.append((abs(right - left) / settings.eps, max(abs(right), abs(left))))
        finally:
            np.copyto(tensor, original)
        root = np.sqrt(settings.eps)  # below √eps·max(1, slope) a gap may be curvature
        kink = any(
            gap > 2 * settings.tolerance(side / settings.eps)
            and gap > root * max(1.0, side / settings.eps)
            for gap, side in sides
        )
        if not kink and all(e <= settings.tolerance(n) for e, n in errors):
            passed[name] = TensorCheck(
                name=name,
                shape=tuple(tensor.shape),
                output_shape=(output.size,) if output.is_table else output.shapes[0],
                max_abs_error=max((e for e, _ in errors), default=0.0),
                failing=0,
                method="fast",
                compared=len(errors),
            )
        else:
            failed.append(name)
    return passed, failed


def _copies(pairs: list[tuple[str, object]]) -> list[tuple[str, np.ndarray]]:
    return [(n, np.array(g, copy=True)) for n, g in pairs if isinstance(g, np.ndarray)]
