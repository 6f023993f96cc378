"""``optim.adadelta``: AdaDelta (Zeiler, 2012) as Torch 7's ``optim.adadelta``.

One call, with g = ∇f(x) + λ x (weight decay λ):

    s = ρ s + (1 − ρ) g²,              Δ = √(a + ε) / √(s + ε) · g,
    x = x − Δ,                         a = ρ a + (1 − ρ) Δ².

Torch keeps s as ``paramVariance``, √(s + ε) as ``paramStd``, Δ as ``delta`` and a as
``accDelta``. There is no learning rate.
"""

from __future__ import annotations

import numpy as np

from ._blocks import block_buffer, blocks, with_weight_decay
from ._common import Feval, check_parameters, evaluate
from ._options import Names, resolve

NAMES = Names(
    "optim.adadelta",
    options={
        "rho": ("rho", 0.9),
        "eps": ("eps", 1e-6),
        "weight_decay": ("weightDecay", 0.0),
    },
    state={
        "eval_counter": "evalCounter",
        "param_variance": "paramVariance",
        "param_std": "paramStd",
        "delta": "delta",
        "acc_delta": "accDelta",
        "work": "work",
        "scratch": "scratch",
    },
)


def adadelta(
    feval: Feval, x: np.ndarray, config: dict | None = None, state: dict | None = None
) -> tuple[np.ndarray, list[float]]:
    """One AdaDelta step on ``x``, in place (Lua: ``x, {f} = optim.adadelta(opfunc, x, config)``).

    Parameters
    ----------
    feval : callable
        ``feval(x) -> (loss, grad)``; grad has x's shape and is not modified.
    x : numpy.ndarray
        Parameters (usually the flat vector from ``module.get_parameters()``), updated in place.
    config : dict, optional
        Lua's names or snake_case: ``rho`` (0.9, in [0, 1]), ``eps`` (1e-6, > 0),
        ``weightDecay`` (0).
    state : dict, optional
        Keeps ``evalCounter``, ``paramVariance``, ``paramStd``, ``delta``, ``accDelta`` and a
        work buffer between calls. Defaults to ``config`` itself, as in Torch.

    Returns
    -------
    (x, [f]) : the same array ``x``, and the loss evaluated before the update.
    """
    options, state = resolve(NAMES, config, state)
    rho = options.real("rho", 0.0, 1.0)
    eps = options.real("eps", low_open=True)
    weight_decay = options.real("weight_decay")
    check_parameters(NAMES.who, x)
    evals = state.counter("eval_counter")
    variance, accumulated = state.array("param_variance", x), state.array("acc_delta", x)
    std, delta = state.buffer("param_std", x), state.buffer("delta", x)
    block = block_buffer(state, x)

    loss, grad = evaluate(NAMES.who, feval, x)

    grad = with_weight_decay(state, grad, x, weight_decay, block)
    pieces = blocks(variance, std, delta, accumulated, grad, x, buffer=block)
    for s, root, change, acc, g, p, step in pieces:
        s *= rho
        s += np.multiply(np.multiply(g, 1 - rho, out=step), g, out=step)  # s = ρ s + (1 − ρ) g²
        np.sqrt(np.add(s, eps, out=root), out=root)
        np.sqrt(np.add(acc, eps, out=change), out=change)
        change /= root
        change *= g  # Δ = √(a + ε) / √(s + ε) · g
        p -= change
        acc *= rho
        acc += np.multiply(np.multiply(change, 1 - rho, out=step), change, out=step)
    state["eval_counter"] = evals + 1
    return x, [loss]
