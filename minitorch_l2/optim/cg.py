"""``optim.cg``: nonlinear conjugate gradients, Torch 7's rewrite of Rasmussen's minimize.m.

From x with gradient g₁ and direction s = −g₁, each iteration line-searches along s (cubic
extrapolation up to ``ext`` times the step, cubic or quadratic interpolation back, under the
Wolfe–Powell conditions f₂ ≤ f₁ + ρ z d₁ and |d₂| ≤ −σ d₁ with dᵢ = ⟨gᵢ, s⟩), then takes the
Polack–Ribière direction

    s = (g₂ᵀg₂ − g₂ᵀg₁) / (g₁ᵀg₁) · s − g₂     (steepest descent again if it points uphill),

and starts the next search from z · min(``ratio``, d₁ / d₂). The budget is ``maxEval``
evaluations (1.25 · ``maxIter`` by default); ``maxIter`` also caps the evaluations of one search.

As in Torch, the first failed line search ends the call (Torch tests ``ls_failed or ...`` where
the number 0 counts as true, so minimize.m's retry along −g never happens); x is then the best
point found. Kept for porting: the same calls give the same points.
"""

from __future__ import annotations

import math

import numpy as np

from ._blocks import add_scaled, block_buffer
from ._common import Feval, check_parameters, divide, dot, evaluate, sqrt
from ._options import Names, resolve

NAMES = Names(
    "optim.cg",
    options={
        "rho": ("rho", 0.01),
        "sig": ("sig", 0.5),
        "int": ("int", 0.1),
        "ext": ("ext", 3.0),
        "max_iter": ("maxIter", 20),
        "ratio": ("ratio", 100.0),
        "max_eval": ("maxEval", None),
        "verbose": ("verbose", False),
    },
    # Lua's state also keeps df3, a buffer it never uses: accepted in a Lua state, not made.
    state={name: name for name in ("df0", "df1", "df2", "df3", "s", "x0", "scratch")},
)


def cg(
    feval: Feval, x: np.ndarray, config: dict | None = None, state: dict | None = None
) -> tuple[np.ndarray, list[float], int]:
    """Conjugate-gradient minimisation of ``feval`` from ``x``, in place (Lua: ``optim.cg``).

    Parameters
    ----------
    feval : callable
        ``feval(x) -> (loss, grad)``; it always receives the array ``x`` itself.
    x : numpy.ndarray
        Parameters (usually the flat vector from ``module.get_parameters()``), updated in place.
    config : dict, optional
        Lua's names or snake_case: ``rho`` (0.01) and ``sig`` (0.5), the Wolfe–Powell
        constants (0 < rho < sig < 1); ``int`` (0.1, how close to a bracket's end a new point
        may go); ``ext`` (3, the largest extrapolation, > 1); ``maxIter`` (20); ``ratio``
        (100, the largest growth of the first step); ``maxEval`` (1.25 · maxIter);
        ``verbose`` (accepted and unused, as in Torch).
    state : dict, optional
        Keeps the work buffers ``df0``, ``df1``, ``df2``, ``s`` and ``x0`` between calls.
        Defaults to ``config`` itself, as in Torch.

    Returns
    -------
    (x, f_history, evaluations) : the same array ``x``; f at the start and after each
        successful line search; how many times ``feval`` was called.
    """
    options, state = resolve(NAMES, config, state)
    rho = options.real("rho", 0.0, 1.0, low_open=True, high_open=True)
    sig = options.real("sig", rho, 1.0, low_open=True, high_open=True)
    inside = options.real("int", 0.0, 1.0, low_open=True, high_open=True)
    ext = options.real("ext", 1.0, low_open=True)
    max_iter = options.integer("max_iter")
    ratio = options.real("ratio", low_open=True)
    max_eval = options.raw("max_eval")
    max_eval = max_iter * 1.25 if max_eval is None else options.real("max_eval", 1.0)
    options.boolean("verbose")
    check_parameters(NAMES.who, x)
    df0, df1, df2, s, x0 = (state.buffer(name, x) for name in ("df0", "df1", "df2", "s", "x0"))
    block = block_buffer(state, x)  # Torch also allocates a df3 it never uses; not here

    f1, grad = evaluate(NAMES.who, feval, x)
    history, evals = [f1], 1
    np.copyto(df1, grad)
    np.negative(df1, out=s)
    d1 = -dot(s, s)  # the slope along s
    z1 = 1 / (1 - d1)  # the first step (red = 1)

    def move(z: float) -> tuple[float, float]:
        """x += z s, then f and the slope there (the gradient into df2)."""
        nonlocal evals
        add_scaled(x, z, s, block)
        loss, g = evaluate(NAMES.who, feval, x)
        np.copyto(df2, g)
        evals += 1
        return loss, dot(df2, s)

    while evals < abs(max_eval):
        np.copyto(x0, x)
        np.copyto(df0, df1)
        f2, d2 = move(z1)
        f3, d3, z3 = f1, d1, -z1  # point 3 starts as point 1
        budget = min(max_iter, max_eval - evals)
        success, limit = False, -1.0
        while True:
            while (f2 > f1 + z1 * rho * d1 or d2 > -sig * d1) and budget > 0:
                limit = z1  # too far: interpolate back
                if f2 > f1:
                    z2 = z3 - divide(0.5 * d3 * z3 * z3, d3 * z3 + f2 - f3)
                else:
                    a = divide(6 * (f2 - f3), z3) + 3 * (d2 + d3)
                    b = 3 * (f3 - f2) - z3 * (d3 + 2 * d2)
                    z2 = divide(sqrt(b * b - a * d2 * z3 * z3) - b, a)
                if not math.isfinite(z2):
                    z2 = z3 / 2
                z2 = max(min(z2, inside * z3), (1 - inside) * z3)
                z1 = z1 + z2
                f2, d2 = move(z2)
                budget -= 1
                z3 = z3 - z2
            if f2 > f1 + z1 * rho * d1 or d2 > -sig * d1:
                break
            if d2 > sig * d1:
                success = True
                break
            if budget == 0:
                break
            a = divide(6 * (f2 - f3), z3) + 3 * (d2 + d3)  # extrapolate
            b = 3 * (f3 - f2) - z3 * (d3 + 2 * d2)
            z2 = divide(-d2 * z3 * z3, b + sqrt(b * b - a * d2 * z3 * z3))
            if not math.isfinite(z2) or z2 < 0:
                z2 = z1 * (ext - 1) if limit < -0.5 else (limit - z1) / 2
            elif limit > -0.5 and z2 + z1 > limit:
                z2 = (limit - z1) / 2
            elif limit < -0.5 and z2 + z1 > z1 * ext:
                z2 = z1 * (ext - 1)
            elif z2 < -z3 * inside:
                z2 = -z3 * inside
            elif limit > -0.5 and z2 < (limit - z1) * (1 - inside):
                z2 = (limit - z1) * (1 - inside)
            f3, d3, z3 = f2, d2, -z2
            z1 = z1 + z2
            f2, d2 = move(z2)
            budget -= 1
        if not success:  # back to the best point; Torch stops here (see the module docstring)
            np.copyto(x, x0)
            np.copyto(df1, df0)
            break
        f1 = f2
        history.append(f1)
        polack_ribiere = divide(dot(df2, df2) - dot(df2, df1), dot(df1, df1))
        s *= polack_ribiere
        s -= df2
        df1, df2 = df2, df1
        d2 = dot(df1, s)
        if d2 > 0:  # not a descent direction: steepest descent
            np.negative(df1, out=s)
            d2 = -dot(s, s)
        z1 = z1 * min(ratio, d1 / (d2 - 1e-320))
        d1 = d2
    state["df1"], state["df2"] = df1, df2
    return x, history, evals
