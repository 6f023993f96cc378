"""``optim.lbfgs``: Torch 7's own L-BFGS (after Schmidt's minFunc), step for step.

Each iteration k turns the gradient into a direction with the two-loop recursion over the last
m pairs (sᵢ, yᵢ) = (xᵢ₊₁ − xᵢ, gᵢ₊₁ − gᵢ), the initial inverse Hessian being H₀ = sᵀy / yᵀy:

    q = −g;  for i newest → oldest:  αᵢ = ρᵢ sᵢᵀq,  q = q − αᵢ yᵢ          (ρᵢ = 1 / yᵢᵀsᵢ)
    d = H₀ q;  for i oldest → newest:  βᵢ = ρᵢ yᵢᵀd,  d = d + (αᵢ − βᵢ) sᵢ

then moves x by t d: a fixed step t = ``learningRate`` (the very first one scaled by
min(1, 1/Σ|gᵢ|)), or the step a ``lineSearch`` such as ``optim.lswolfe`` finds from there. A pair
is kept only when yᵀs > 10⁻¹⁰. It stops after ``maxIter`` iterations or ``maxEval`` evaluations,
when Σ|gᵢ| ≤ ``tolFun``, when Σ|t dᵢ| ≤ ``tolX``, when |f − f_old| < ``tolX``, or when d is no
longer a descent direction (gᵀd > −``tolX``).

The memory, the direction, the step and the counters live in ``state``, so the next call goes on
where this one stopped, as in Torch. With the fixed step, the last iteration's point is not
evaluated (nor added to the f history), as in Torch. SciPy's L-BFGS-B is ``optim.lbfgsb``.
"""

from __future__ import annotations

import numpy as np

from ._blocks import add_scaled, block_buffer
from ._common import Feval, absolute_sum, check_parameters, dot, evaluate
from ._options import Names, resolve

NAMES = Names(
    "optim.lbfgs",
    options={
        "max_iter": ("maxIter", 20),
        "max_eval": ("maxEval", None),
        "tol_fun": ("tolFun", 1e-5),
        "tol_x": ("tolX", 1e-9),
        "n_correction": ("nCorrection", 100),
        "line_search": ("lineSearch", None),
        "line_search_options": ("lineSearchOptions", None),
        "learning_rate": ("learningRate", 1.0),
        "verbose": ("verbose", False),
    },
    state={
        "func_eval": "funcEval",
        "n_iter": "nIter",
        "d": "d",
        "t": "t",
        "old_dirs": "old_dirs",
        "old_stps": "old_stps",
        "h_diag": "Hdiag",
        "g_old": "g_old",
        "f_old": "f_old",
        "ro": "ro",
        "al": "al",
        "tmp1": "tmp1",
        "dir_bufs": "dir_bufs",
        "stp_bufs": "stp_bufs",  # Lua's second pool of buffers; ours is one pool, dir_bufs
        "scratch": "scratch",
    },
)


def lbfgs(
    feval: Feval, x: np.ndarray, config: dict | None = None, state: dict | None = None
) -> tuple[np.ndarray, list[float], int]:
    """Up to ``maxIter`` L-BFGS iterations on ``x``, in place (Lua: ``x, fs, n = optim.lbfgs``).

    Parameters
    ----------
    feval : callable
        ``feval(x) -> (loss, grad)``; it always receives the array ``x`` itself.
    x : numpy.ndarray
        Parameters (usually the flat vector from ``module.get_parameters()``), updated in place.
    config : dict, optional
        Lua's names or snake_case: ``maxIter`` (20), ``maxEval`` (1.25 · maxIter), ``tolFun``
        (1e-5), ``tolX`` (1e-9), ``nCorrection`` (100, the pairs kept), ``lineSearch`` (None
        for fixed steps, or a function with ``optim.lswolfe``'s signature), ``lineSearchOptions``
        (a dict passed to it), ``learningRate`` (1), ``verbose`` (False).
    state : dict, optional
        Keeps ``funcEval``, ``nIter``, the memory (``old_dirs`` holds the steps s, ``old_stps``
        the gradient changes y, as Torch names them), ``d``, ``t``, ``Hdiag``, ``g_old``,
        ``f_old`` and work buffers. Defaults to ``config`` itself, as in Torch.

    Returns
    -------
    (x, f_history, evaluations) : the same array ``x``; f at the start and after each
        iteration that evaluated it; how many times ``feval`` was called in this call.
    """
    options, state = resolve(NAMES, config, state)
    max_iter = options.integer("max_iter")
    max_eval = options.raw("max_eval")
    max_eval = max_iter * 1.25 if max_eval is None else options.real("max_eval", 1.0)
    tol_fun = options.real("tol_fun")
    tol_x = options.real("tol_x")
    n_correction = options.integer("n_correction")
    line_search = options.raw("line_search")
    if line_search is not None and not callable(line_search):
        raise TypeError(f"{NAMES.who}: lineSearch must be a function such as optim.lswolfe")
    search_options = options.raw("line_search_options")
    if search_options is not None and not isinstance(search_options, dict):
        raise TypeError(f"{NAMES.who}: lineSearchOptions must be a dict or None")
    learning_rate = options.real("learning_rate", low_open=True)
    say = print if options.boolean("verbose") else lambda *_: None
    check_parameters(NAMES.who, x)
    total_evals, total_iter = state.counter("func_eval"), state.counter("n_iter")
    tmp1, block = state.buffer("tmp1", x), block_buffer(state, x)

    f, g = evaluate(NAMES.who, feval, x)
    history, evals = [f], 1
    state["func_eval"] = total_evals = total_evals + 1
    if absolute_sum(g, tmp1) <= tol_fun:
        say("<optim.lbfgs> ", "optimality condition below tolFun")
        return x, history, evals

    d, g_old = state.array("d", x), state.array("g_old", x)
    t, h_diag, f_old = state.number("t", 0.0), state.number("h_diag", 1.0), state.get("f_old")
    old_dirs, old_stps = state.get("old_dirs", []), state.get("old_stps", [])
    if not (isinstance(old_dirs, list) and isinstance(old_stps, list)):
        raise TypeError(f"{NAMES.who}: state's old_dirs and old_stps must be lists of arrays")
    ro = _ratios(state, "ro", n_correction)
    al = _ratios(state, "al", n_correction)
    pool = state.get("dir_bufs", [])
    iteration = 0
    while iteration < max_iter:
        iteration += 1
        state["n_iter"] = total_iter = total_iter + 1
        if total_iter == 1:
            np.negative(g, out=d)
            old_dirs, old_stps, h_diag = [], [], 1.0
        else:
            y = pool.pop() if pool else np.empty_like(x)
            s = pool.pop() if pool else np.empty_like(x)
            np.subtract(g, g_old, out=y)
            np.multiply(d, t, out=s)
            ys = dot(y, s)
            if ys > 1e-10:
                if len(old_dirs) == n_correction:  # forget the oldest pair
                    pool += [old_dirs.pop(0), old_stps.pop(0)]
                    ro[:-1] = ro[1:].copy()
                old_dirs.append(s)
                old_stps.append(y)
                ro[len(old_dirs) - 1] = 1 / ys
                h_diag = ys / dot(y, y)
            else:
                pool += [y, s]
            q = np.negative(g, out=tmp1)
            for i in range(len(old_dirs) - 1, -1, -1):
                al[i] = dot(old_dirs[i], q) * ro[i]
                add_scaled(q, -al[i], old_stps[i], block)
            np.multiply(q, h_diag, out=d)
            for i in range(len(old_dirs)):
                beta = dot(old_stps[i], d) * ro[i]
                add_scaled(d, al[i] - beta, old_dirs[i], block)
        np.copyto(g_old, g)
        f_old = f

        gtd = dot(g, d)
        if gtd > -tol_x:
            break
        if total_iter == 1:
            t = min(1.0, 1.0 / absolute_sum(g, tmp1)) * learning_rate
        else:
            t = learning_rate

        search_evals = 0
        if line_search is not None:
            f, g, x, t, search_evals = line_search(feval, x, t, d, f, g, gtd, search_options)
            history.append(f)
        else:
            add_scaled(x, t, d, block)
            if iteration != max_iter:  # the last point is not evaluated, as in Torch
                f, g = evaluate(NAMES.who, feval, x)
                search_evals = 1
                history.append(f)
        evals += search_evals
        state["func_eval"] = total_evals = total_evals + search_evals

        if iteration == max_iter:
            say("<optim.lbfgs> ", "reached max number of iterations")
            break
        if evals >= max_eval:
            say("<optim.lbfgs> ", "max nb of function evals")
            break
        if absolute_sum(g, tmp1) <= tol_fun:
            say("<optim.lbfgs> ", "optimality condition below tolFun")
            break
        if absolute_sum(np.multiply(d, t, out=tmp1), tmp1) <= tol_x:
            say("<optim.lbfgs> ", "step size below tolX")
            break
        if abs(f - f_old) < tol_x:
            say("<optim.lbfgs> ", "function value changing less than tolX")
            break

    state["old_dirs"], state["old_stps"], state["h_diag"] = old_dirs, old_stps, h_diag
    state["g_old"], state["f_old"], state["t"], state["d"] = g_old, f_old, t, d
    state["dir_bufs"] = pool
    return x, history, evals


def _ratios(state: object, name: str, size: int) -> np.ndarray:
    """A float64 vector of ``size`` kept in the state (Torch's ``ro`` and ``al``)."""
    value = state.get(name)
    if not isinstance(value, np.ndarray) or value.shape != (size,):
        value = np.zeros(size)
        state[name] = value
    return value
