"""``optim.adagrad``: AdaGrad as Torch 7's ``optim.adagrad``.

One call, with g = ∇f(x) + λ x (weight decay λ) and k = ``evalCounter`` (calls made before):

    s = s + g²,        x = x − η / (1 + k ρ) · g / (√s + 10⁻¹⁰).

Torch keeps s as ``paramVariance`` and √s + 10⁻¹⁰ as ``paramStd``. Torch prints "no state table,
ADAGRAD initializing" when called without config and state; this one prints nothing.
"""

from __future__ import annotations

import numpy as np

from ._blocks import block_buffer, blocks, with_weight_decay
from ._common import Feval, check_parameters, evaluate
from ._options import Names, resolve

NAMES = Names(
    "optim.adagrad",
    options={
        "learning_rate": ("learningRate", 1e-3),
        "learning_rate_decay": ("learningRateDecay", 0.0),
        "weight_decay": ("weightDecay", 0.0),
    },
    state={
        "eval_counter": "evalCounter",
        "param_variance": "paramVariance",
        "param_std": "paramStd",
        "work": "work",
        "scratch": "scratch",
    },
)


def adagrad(
    feval: Feval, x: np.ndarray, config: dict | None = None, state: dict | None = None
) -> tuple[np.ndarray, list[float]]:
    """One AdaGrad step on ``x``, in place (Lua: ``x, {f} = optim.adagrad(opfunc, x, config)``).

    Parameters
    ----------
    feval : callable
        ``feval(x) -> (loss, grad)``; grad has x's shape and is not modified.
    x : numpy.ndarray
        Parameters (usually the flat vector from ``module.get_parameters()``), updated in place.
    config : dict, optional
        Lua's names or snake_case: ``learningRate`` (1e-3), ``learningRateDecay`` (0),
        ``weightDecay`` (0).
    state : dict, optional
        Keeps ``evalCounter``, ``paramVariance`` (Σ g²), ``paramStd`` and a work buffer between
        calls. Defaults to ``config`` itself, as in Torch.

    Returns
    -------
    (x, [f]) : the same array ``x``, and the loss evaluated before the update.
    """
    options, state = resolve(NAMES, config, state)
    learning_rate = options.real("learning_rate")
    decay = options.real("learning_rate_decay")
    weight_decay = options.real("weight_decay")
    check_parameters(NAMES.who, x)
    evals = state.counter("eval_counter")
    variance, std = state.array("param_variance", x), state.buffer("param_std", x)
    block = block_buffer(state, x)

    loss, grad = evaluate(NAMES.who, feval, x)

    grad = with_weight_decay(state, grad, x, weight_decay, block)
    current_rate = learning_rate / (1 + evals * decay)
    for s, root, g, p, step in blocks(variance, std, grad, x, buffer=block):
        s += np.multiply(g, g, out=step)
        np.sqrt(s, out=root)
        root += 1e-10
        p += np.divide(np.multiply(g, -current_rate, out=step), root, out=step)
    state["eval_counter"] = evals + 1
    return x, [loss]
