"""``optim.nag``: Nesterov's accelerated gradient (Sutskever et al., 2013) as Torch 7's.

One call, with v = ``dfdx`` (zero before the first call) and k = ``evalCounter``:

    x = x + μ v                          (look ahead: feval sees this point)
    g = ∇f(x) + λ x,                     η' = η / (1 + k ρ)
    v = μ v − η' g  or  μ v − η' (ηᵢ ⊙ g),   x = x − η' g  or  x − η' (ηᵢ ⊙ g).

So after the call x is the look-ahead point plus the step, as in Torch. Torch reads a
``dampening`` option and never uses it; it is accepted (and checked) here for the same reason.
If ``feval`` fails, x holds the look-ahead point.
"""

from __future__ import annotations

import numpy as np

from ._blocks import add_scaled, block_buffer, blocks, with_weight_decay
from ._common import Feval, check_parameters, evaluate
from ._options import Names, resolve

NAMES = Names(
    "optim.nag",
    options={
        "learning_rate": ("learningRate", 1e-3),
        "learning_rate_decay": ("learningRateDecay", 0.0),
        "weight_decay": ("weightDecay", 0.0),
        "momentum": ("momentum", 0.9),
        "dampening": ("dampening", None),
        "learning_rates": ("learningRates", None),
    },
    state={
        "eval_counter": "evalCounter",
        "dfdx": "dfdx",
        "delta_parameters": "deltaParameters",
        "work": "work",
        "scratch": "scratch",
    },
)


def nag(
    feval: Feval, x: np.ndarray, config: dict | None = None, state: dict | None = None
) -> tuple[np.ndarray, list[float]]:
    """One NAG step on ``x``, in place (Lua: ``x, {f} = optim.nag(opfunc, x, config, state)``).

    Parameters
    ----------
    feval : callable
        ``feval(x) -> (loss, grad)``, called at the look-ahead point; grad is not modified.
    x : numpy.ndarray
        Parameters (usually the flat vector from ``module.get_parameters()``), updated in place.
    config : dict, optional
        Lua's names or snake_case: ``learningRate`` (1e-3), ``learningRateDecay`` (0),
        ``weightDecay`` (0), ``momentum`` (0.9, > 0), ``dampening`` (unused, as in Torch),
        ``learningRates`` (a vector of per-parameter learning rates).
    state : dict, optional
        Keeps ``evalCounter``, the momentum ``dfdx`` and work buffers between calls. Defaults to
        ``config`` itself, as in Torch.

    Returns
    -------
    (x, [f]) : the same array ``x``, and the loss at the look-ahead point.
    """
    options, state = resolve(NAMES, config, state)
    learning_rate = options.real("learning_rate")
    decay = options.real("learning_rate_decay")
    weight_decay = options.real("weight_decay")
    momentum = options.real("momentum", low_open=True)
    if options.raw("dampening") is not None:
        options.real("dampening", 0.0, 1.0)
    check_parameters(NAMES.who, x)
    rates = options.vector("learning_rates", x)
    evals = state.counter("eval_counter")
    first = not state.has("dfdx")
    velocity, block = state.array("dfdx", x), block_buffer(state, x)

    if not first:
        add_scaled(x, momentum, velocity, block)  # the look-ahead point
    loss, grad = evaluate(NAMES.who, feval, x)

    grad = with_weight_decay(state, grad, x, weight_decay, block)
    current_rate = learning_rate / (1 + evals * decay)
    for v, g, r, p, step in blocks(velocity, grad, rates, x, buffer=block):
        if not first:
            v *= momentum
        move = np.multiply(g if r is None else np.multiply(r, g, out=step), -current_rate, out=step)
        p += move
        v += move
    state["eval_counter"] = evals + 1
    return x, [loss]
