"""``optim.lbfgs``: limited-memory BFGS through ``scipy.optimize.minimize(method="L-BFGS-B")``.

Each call runs one L-BFGS-B minimisation of f from the current ``x`` (at most ``max_iter``
iterations, ``max_eval`` evaluations of ``feval``), writing every trial point into ``x`` itself
before calling ``feval`` — so when ``x`` is a module's flat parameter vector, the module always
holds the point being evaluated — and leaves the best point found in ``x``.

Differences from Torch 7's own implementation, documented because the options keep its names:
the curvature pairs are not carried from one call to the next (only the counters are), the line
search is scipy's (Wolfe conditions), ``tol_fun`` bounds the largest gradient component
(scipy's ``gtol``; Torch sums |gᵢ|), and ``tol_x`` bounds the relative decrease of f between
iterations (scipy's ``ftol``). Evaluation happens in float64; float32 parameters are rounded on
each write.

Threads: L-BFGS-B does its vector arithmetic on SciPy's own OpenBLAS, ``feval`` on NumPy's; at
the default thread counts the two libraries' thread pools busy-wait against each other once the
parameter vector is large (30 iterations on a 784-256-256-10 MLP: 0.88 s, against 0.35 s with
``OPENBLAS_NUM_THREADS=1``; docs/performance.md). Set that variable for L-BFGS on large models.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

from ._common import Feval, check_parameters, check_real, evaluate, resolve

WHO = "optim.lbfgs"
DEFAULTS: dict[str, object] = {
    "max_iter": 20,
    "max_eval": None,
    "tol_fun": 1e-5,
    "tol_x": 1e-9,
    "n_correction": 100,
}
STATE_KEYS = ("func_eval", "n_iter")


def _count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{WHO}: {name} must be a positive int, got {value!r}")
    return int(value)


def lbfgs(
    feval: Feval, x: np.ndarray, config: dict | None = None, state: dict | None = None
) -> tuple[np.ndarray, list[float]]:
    """Minimise ``feval`` from ``x`` with L-BFGS-B, updating ``x`` in place.

    Parameters
    ----------
    feval : callable
        ``feval(x) -> (loss, grad)``; it always receives the array ``x`` itself.
    x : numpy.ndarray
        Parameters (usually the flat vector from ``module.get_parameters()``), updated in place.
    config : dict, optional
        ``max_iter`` (20), ``max_eval`` (default 1.25 · max_iter, Torch's), ``tol_fun`` (1e-5,
        stop when max |∂f/∂xᵢ| ≤ tol_fun), ``tol_x`` (1e-9, stop when the relative decrease of f
        is below it), ``n_correction`` (100, the number of curvature pairs kept).
    state : dict, optional
        Accumulates ``func_eval`` and ``n_iter`` over calls. Defaults to ``config``, as in Torch.

    Returns
    -------
    (x, f_history) : the same array ``x`` and the values of f at the start and after each
        iteration (the last one is f at the returned ``x``).
    """
    settings, state = resolve(WHO, config, state, DEFAULTS, STATE_KEYS)
    max_iter = _count("max_iter", settings["max_iter"])
    max_eval = settings["max_eval"]
    max_eval = int(max_iter * 1.25) if max_eval is None else _count("max_eval", max_eval)
    tol_fun = check_real(WHO, "tol_fun", settings["tol_fun"])
    tol_x = check_real(WHO, "tol_x", settings["tol_x"])
    n_correction = _count("n_correction", settings["n_correction"])
    check_parameters(WHO, x)

    history: list[float] = []

    def objective(point: np.ndarray) -> tuple[float, np.ndarray]:
        x[...] = point.reshape(x.shape)  # the caller's storage holds every evaluated point
        loss, grad = evaluate(WHO, feval, x)
        if not history:
            history.append(loss)
        # scipy may keep the gradient it is given, and feval may reuse its buffer: copy it.
        return loss, np.array(grad, dtype=np.float64).reshape(-1)

    def after_iteration(intermediate_result: object) -> None:
        history.append(float(intermediate_result.fun))

    result = minimize(
        objective,
        np.array(x, dtype=np.float64).reshape(-1),
        jac=True,
        method="L-BFGS-B",
        callback=after_iteration,
        options={
            "maxiter": max_iter,
            "maxfun": max_eval,
            "gtol": tol_fun,
            "ftol": tol_x,
            "maxcor": n_correction,
        },
    )
    x[...] = result.x.reshape(x.shape)
    if not history or history[-1] != result.fun:
        history.append(float(result.fun))
    state["func_eval"] = int(state.get("func_eval", 0)) + int(result.nfev)
    state["n_iter"] = int(state.get("n_iter", 0)) + int(result.nit)
    return x, history
