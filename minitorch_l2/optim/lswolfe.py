"""``optim.lswolfe``: Torch 7's line search satisfying the strong Wolfe conditions.

Along the direction d from x, with φ(t) = f(x + t d) and φ'(0) = gtd < 0, it looks for t with

    φ(t) ≤ φ(0) + c₁ t φ'(0)   (sufficient decrease)   and   |φ'(t)| ≤ −c₂ φ'(0)   (curvature):

first bracketing such a t (growing the step by cubic extrapolation, at most 10×), then zooming
into the bracket by cubic interpolation (minFunc's scheme, as Torch transcribed it). It leaves x
at the best point found and returns Torch's five values.

As in Torch, the gradient at the start of the bracket is copied after the first trial
evaluation, so when ``feval`` returns the same buffer each call (a module's flat gradient) that
copy holds the trial point's gradient, not the start's. That is Torch's behaviour, kept so that
ported code follows Torch's trajectory.
"""

from __future__ import annotations

import numpy as np

from ._blocks import BLOCK, add_scaled
from ._common import Feval, check_parameters, divide, dot, evaluate
from ._options import Names, resolve
from ._polyinterp import polyinterp

NAMES = Names(
    "optim.lswolfe",
    options={
        "c1": ("c1", 1e-4),
        "c2": ("c2", 0.9),
        "tol_x": ("tolX", 1e-9),
        "max_iter": ("maxIter", 20),
        "verbose": ("verbose", False),
    },
)


def lswolfe(
    feval: Feval,
    x: np.ndarray,
    t: float,
    d: np.ndarray,
    f: float,
    g: np.ndarray,
    gtd: float,
    options: dict | None = None,
) -> tuple[float, np.ndarray, np.ndarray, float, int]:
    """Search along ``d`` from ``x`` for a step satisfying the strong Wolfe conditions.

    Parameters
    ----------
    feval : callable
        ``feval(x) -> (loss, grad)``; it always receives the array ``x`` itself.
    x : numpy.ndarray
        The starting point, moved in place to the point returned.
    t : float
        The first step tried.
    d : numpy.ndarray
        The descent direction, x's shape.
    f : float
        f at the starting point.
    g : numpy.ndarray
        ∇f at the starting point.
    gtd : float
        The directional derivative ⟨g, d⟩ (negative for a descent direction).
    options : dict, optional
        Lua's names or snake_case: ``c1`` (1e-4, sufficient decrease), ``c2`` (0.9,
        curvature), ``tolX`` (1e-9, the smallest bracket worth refining), ``maxIter`` (20,
        evaluations after the first), ``verbose`` (False).

    Returns
    -------
    (f, g, x, t, evaluations) : f and ∇f at the new point, the same array ``x`` (now at
        x + t·d), the step t, and how many times ``feval`` was called.
    """
    settings, _ = resolve(NAMES, options, {})
    c1 = settings.real("c1", 0.0, 1.0, low_open=True, high_open=True)
    c2 = settings.real("c2", c1, 1.0, low_open=True, high_open=True)
    tol_x = settings.real("tol_x")
    max_iter = settings.integer("max_iter", 0)
    verbose = settings.boolean("verbose")
    check_parameters(NAMES.who, x)
    dtype = x.dtype

    start = x.copy()
    block = np.empty(min(BLOCK, x.size), dtype=x.dtype)

    def move_to(step_length: float) -> tuple[float, np.ndarray, float]:
        np.copyto(x, start)
        add_scaled(x, step_length, d, block)
        loss, grad = evaluate(NAMES.who, feval, x)
        return loss, grad, dot(grad, d)

    add_scaled(x, t, d, block)
    f_new, g_new = evaluate(NAMES.who, feval, x)
    gtd_new = dot(g_new, d)
    evaluations = 1

    iteration, t_prev, done = 0, 0.0, False
    f_prev, g_prev, gtd_prev = f, g.copy(), gtd
    bracket = None
    while iteration < max_iter:
        if f_new > f + c1 * t * gtd or (iteration > 1 and f_new >= f_prev):
            bracket = [t_prev, t], [f_prev, f_new], [g_prev, g_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, done = ([t], [f_new], [g_new]), True
            break
        if gtd_new >= 0:
            bracket = [t_prev, t], [f_prev, f_new], [g_prev, g_new]
            break
        earlier, t_prev = t_prev, t
        points = np.array([[earlier, f_prev, gtd_prev], [t, f_new, gtd_new]], dtype=dtype)
        t = polyinterp(points, t + 0.01 * (t - earlier), t * 10)
        f_prev, g_prev, gtd_prev = f_new, g_new.copy(), gtd_new
        f_new, g_new, gtd_new = move_to(t)
        evaluations += 1
        iteration += 1
    if iteration == max_iter:
        bracket = [0.0, t], [f, f_new], [g, g_new]
    steps = np.array(bracket[0], dtype=dtype)
    values = np.array(bracket[1], dtype=dtype)
    grads = np.array(bracket[2], dtype=dtype)  # copies: later evaluations may reuse g's buffer

    insufficient = False
    while not done and iteration < max_iter:
        low = int(np.argmin(values))
        high = 1 - low
        f_low = values[low]
        slopes = [dot(grads[0], d), dot(grads[1], d)]
        t = polyinterp(np.array([steps, values, slopes], dtype=dtype).T)
        top, bottom = float(steps.max()), float(steps.min())
        if divide(min(top - t, t - bottom), top - bottom) < 0.1:
            if insufficient or t >= top or t <= bottom:
                if abs(t - top) < abs(t - bottom):
                    t = top - 0.1 * (top - bottom)
                else:
                    t = bottom + 0.1 * (top - bottom)
                insufficient = False
            else:
                insufficient = True
        else:
            insufficient = False
        f_new, g_new, gtd_new = move_to(t)
        evaluations += 1
        iteration += 1
        if f_new > f + c1 * t * gtd or f_new >= f_low:
            steps[high], values[high], grads[high] = t, f_new, g_new
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (steps[high] - steps[low]) >= 0:
                steps[high], values[high], grads[high] = steps[low], values[low], grads[low]
            steps[low], values[low], grads[low] = t, f_new, g_new
        if not done and abs((steps[0] - steps[1]) * gtd_new) < tol_x:
            break
    if iteration == max_iter and verbose:
        print("<optim.lswolfe> ", "reached max number of iterations")

    best = int(np.argmin(values))
    t = float(steps[best])
    np.copyto(x, start)
    add_scaled(x, t, d, block)
    return float(values[best]), grads[best], x, t, evaluations
