"""``optim.asgd``: averaged SGD (Bottou's sgd-2.0) as Torch 7's ``optim.asgd``.

One call, with g = ∇f(x) and t = the calls made before:

    x = (1 − λ ηₜ) x − ηₜ g,          a = x when μₜ = 1, else a = a + μₜ (x − a),
    ηₜ₊₁ = η₀ / (1 + λ η₀ (t + 1))^α,  μₜ₊₁ = 1 / max(1, t + 1 − t₀).

x is the SGD iterate; a (``ax``), the running average of the iterates from t₀ on, is what
ASGD recommends using. It is returned as the third value, as in Torch. Torch also writes the
defaults of ``eta0``, ``lambda``, ``alpha`` and ``t0`` into ``config``; this one leaves
``config`` as given.
"""

from __future__ import annotations

import numpy as np

from ._blocks import block_buffer, blocks
from ._common import Feval, check_parameters, evaluate
from ._options import Names, resolve

NAMES = Names(
    "optim.asgd",
    options={
        "eta0": ("eta0", 1e-4),
        "lambda": ("lambda", 1e-4),
        "alpha": ("alpha", 0.75),
        "t0": ("t0", 1e6),
    },
    state={name: name for name in ("eta_t", "mu_t", "t", "ax", "tmp", "scratch")},
)


def asgd(
    feval: Feval, x: np.ndarray, config: dict | None = None, state: dict | None = None
) -> tuple[np.ndarray, list[float], np.ndarray]:
    """One ASGD step on ``x``, in place (Lua: ``x, {f}, ax = optim.asgd(opfunc, x, config)``).

    Parameters
    ----------
    feval : callable
        ``feval(x) -> (loss, grad)``; grad has x's shape and is not modified.
    x : numpy.ndarray
        Parameters (usually the flat vector from ``module.get_parameters()``), updated in place.
    config : dict, optional
        ``eta0`` (1e-4, the learning rate), ``lambda`` (1e-4, the decay term), ``alpha``
        (0.75, the power of the rate's decay), ``t0`` (1e6, the step averaging starts at).
    state : dict, optional
        Keeps ``eta_t``, ``mu_t``, ``t``, the average ``ax`` and a work buffer ``tmp`` between
        calls. Defaults to ``config`` itself, as in Torch.

    Returns
    -------
    (x, [f], ax) : the same array ``x``, the loss evaluated before the update, and the averaged
        parameters ``state["ax"]`` (the same array from call to call).
    """
    options, state = resolve(NAMES, config, state)
    eta0 = options.real("eta0")
    decay = options.real("lambda")
    alpha = options.real("alpha")
    t0 = options.real("t0")
    check_parameters(NAMES.who, x)
    eta = state.number("eta_t", eta0)
    mu = state.number("mu_t", 1.0)
    t = state.counter("t")
    average, tmp, block = state.array("ax", x), state.buffer("tmp", x), block_buffer(state, x)

    loss, grad = evaluate(NAMES.who, feval, x)

    for p, g, a, difference, step in blocks(x, grad, average, tmp, buffer=block):
        p *= 1 - decay * eta
        p += np.multiply(g, -eta, out=step)
        if mu != 1:  # a = a + μ (x − a)
            a += np.multiply(np.subtract(p, a, out=difference), mu, out=difference)
        else:
            np.copyto(a, p)
    t += 1
    state["t"] = t
    state["eta_t"] = eta0 / (1 + decay * eta0 * t) ** alpha
    state["mu_t"] = 1 / max(1, t - t0)
    return x, [loss], average
