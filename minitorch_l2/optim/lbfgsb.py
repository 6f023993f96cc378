"""``optim.lbfgsb``: SciPy's L-BFGS-B (``scipy.optimize.minimize(method="L-BFGS-B")``).

Not a Torch optimiser: Torch's L-BFGS is ``optim.lbfgs``. This one is the Fortran L-BFGS-B with
its Moré–Thuente line search, for a full-batch objective where Torch's trajectory does not
matter. Each call runs one minimisation of f from the current ``x`` (at most ``max_iter``
iterations, ``max_eval`` evaluations of ``feval``), writing every trial point into ``x`` itself
before calling ``feval`` — so when ``x`` is a module's flat parameter vector, the module always
holds the point being evaluated — and leaves the best point found in ``x``.

Its options take Torch's lbfgs names where the ideas match, with SciPy's tests: ``tol_fun``
bounds the largest gradient component (SciPy's ``gtol``; Torch sums |gᵢ|), ``tol_x`` the
relative decrease of f between iterations (SciPy's ``ftol``). No memory is carried from one
call to the next (only the counters are). Evaluation happens in float64; float32 parameters are
rounded on each write. SciPy is imported on the first call, not with the package.

Threads: L-BFGS-B does its vector arithmetic on SciPy's own OpenBLAS, ``feval`` on NumPy's; at
the default thread counts the two libraries' thread pools busy-wait against each other once the
parameter vector is large (docs/performance.md). Set ``OPENBLAS_NUM_THREADS=1`` for L-BFGS-B on
large models.
"""

from __future__ import annotations

import numpy as np

from .._threads import refresh as refresh_threads
from ._common import Feval, check_parameters, evaluate
from ._options import Names, resolve

NAMES = Names(
    "optim.lbfgsb",
    options={
        "max_iter": ("maxIter", 20),
        "max_eval": ("maxEval", None),
        "tol_fun": ("tolFun", 1e-5),
        "tol_x": ("tolX", 1e-9),
        "n_correction": ("nCorrection", 100),
    },
    state={"func_eval": "funcEval", "n_iter": "nIter"},
)


def lbfgsb(
    feval: Feval, x: np.ndarray, config: dict | None = None, state: dict | None = None
) -> tuple[np.ndarray, list[float], int]:
    """Minimise ``feval`` from ``x`` with SciPy's L-BFGS-B, updating ``x`` in place.

    Parameters
    ----------
    feval : callable
        ``feval(x) -> (loss, grad)``; it always receives the array ``x`` itself.
    x : numpy.ndarray
        Parameters (usually the flat vector from ``module.get_parameters()``), updated in place.
    config : dict, optional
        Lua-style or snake_case names: ``max_iter`` (20), ``max_eval`` (1.25 · max_iter),
        ``tol_fun`` (1e-5, stop when max |∂f/∂xᵢ| ≤ tol_fun), ``tol_x`` (1e-9, stop when the
        relative decrease of f is below it), ``n_correction`` (100, the curvature pairs kept).
    state : dict, optional
        Accumulates ``func_eval`` and ``n_iter`` over calls. Defaults to ``config``, as in Torch.

    Returns
    -------
    (x, f_history, evaluations) : the same array ``x``; f at the start and after each
        iteration (the last one is f at the returned ``x``); the evaluations of this call.
    """
    options, state = resolve(NAMES, config, state)
    max_iter = options.integer("max_iter")
    max_eval = options.raw("max_eval")
    max_eval = int(max_iter * 1.25) if max_eval is None else options.integer("max_eval")
    tol_fun = options.real("tol_fun")
    tol_x = options.real("tol_x")
    n_correction = options.integer("n_correction")
    check_parameters(NAMES.who, x)
    from scipy.optimize import minimize  # imported here: `import minitorch_l2` stays light

    refresh_threads()  # SciPy's own OpenBLAS, just loaded, gets the thread count NumPy's has

    history: list[float] = []

    def objective(point: np.ndarray) -> tuple[float, np.ndarray]:
        x[...] = point.reshape(x.shape)  # the caller's storage holds every evaluated point
        loss, grad = evaluate(NAMES.who, feval, x)
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
    state["func_eval"] = state.counter("func_eval") + int(result.nfev)
    state["n_iter"] = state.counter("n_iter") + int(result.nit)
    return x, history, int(result.nfev)
