"""``optim.sgd``: Torch 7's stochastic gradient descent, with momentum and Nesterov momentum.

One call, with g = ∇f(x) from ``feval`` and k = ``evalCounter`` (the calls made before):

    d = g + λ x  or  g + λᵢ ⊙ x                      (weight decay λ, or per-parameter λᵢ)
    v = d on the first call, else v = μ v + (1 − τ) d  (momentum μ, dampening τ; default τ = μ)
    d = d + μ v  with Nesterov, else d = v             (only when μ ≠ 0)
    x = x − η / (1 + k ρ) · d  or  · (ηᵢ ⊙ d)          (learning rate η, decay ρ; per-parameter ηᵢ)

As in Torch, dampening defaults to the momentum (PyTorch's default is 0), and Nesterov needs a
positive momentum and zero dampening. Unlike Torch, the gradient ``feval`` returns is never
modified (Torch adds the weight decay and the Nesterov term into it).
"""

from __future__ import annotations

import numpy as np

from ._blocks import block_buffer, blocks, with_weight_decay
from ._common import Feval, check_parameters, evaluate
from ._options import Names, resolve

NAMES = Names(
    "optim.sgd",
    options={
        "learning_rate": ("learningRate", 1e-3),
        "learning_rate_decay": ("learningRateDecay", 0.0),
        "weight_decay": ("weightDecay", 0.0),
        "weight_decays": ("weightDecays", None),
        "momentum": ("momentum", 0.0),
        "dampening": ("dampening", None),
        "nesterov": ("nesterov", False),
        "learning_rates": ("learningRates", None),
    },
    state={
        "eval_counter": "evalCounter",
        "dfdx": "dfdx",
        "decay_parameters": "decayParameters",
        "delta_parameters": "deltaParameters",
        "work": "work",
        "scratch": "scratch",
    },
)


def sgd(
    feval: Feval, x: np.ndarray, config: dict | None = None, state: dict | None = None
) -> tuple[np.ndarray, list[float]]:
    """One SGD step on ``x``, in place (Lua: ``x, {f} = optim.sgd(opfunc, x, config, state)``).

    Parameters
    ----------
    feval : callable
        ``feval(x) -> (loss, grad)``; grad has x's shape and is not modified.
    x : numpy.ndarray
        Parameters (usually the flat vector from ``module.get_parameters()``), updated in place.
    config : dict, optional
        Each option under Lua's name or its snake_case one: ``learningRate``/``learning_rate``
        (1e-3), ``learningRateDecay`` (0), ``weightDecay`` (0), ``weightDecays`` (a vector of
        per-parameter decays), ``momentum`` (0), ``dampening`` (default: the momentum),
        ``nesterov`` (False), ``learningRates`` (a vector of per-parameter learning rates).
    state : dict, optional
        Keeps ``evalCounter``, the momentum buffer ``dfdx`` and work buffers between calls.
        Defaults to ``config`` itself, as in Torch.

    Returns
    -------
    (x, [f]) : the same array ``x``, and the loss evaluated before the update.
    """
    options, state = resolve(NAMES, config, state)
    learning_rate = options.real("learning_rate")
    decay = options.real("learning_rate_decay")
    weight_decay = options.real("weight_decay")
    momentum = options.real("momentum")
    dampening = options.raw("dampening")
    dampening = momentum if dampening is None else options.real("dampening", 0.0, 1.0)
    nesterov = options.boolean("nesterov")
    if nesterov and (momentum <= 0 or dampening != 0):
        raise ValueError(
            f"{NAMES.who}: Nesterov momentum requires a positive momentum and dampening=0, got "
            f"momentum={momentum} and dampening={dampening}"
        )
    check_parameters(NAMES.who, x)
    decays = options.vector("weight_decays", x)
    rates = options.vector("learning_rates", x)
    if weight_decay and decays is not None:
        raise ValueError(f"{NAMES.who}: give weight_decay or weight_decays, not both")
    evals = state.counter("eval_counter")

    loss, grad = evaluate(NAMES.who, feval, x)

    block = block_buffer(state, x)
    rate = -learning_rate / (1 + evals * decay)
    direction = grad  # d, read-only: the caller's array
    if weight_decay:  # d = g + λ x
        direction = with_weight_decay(state, grad, x, weight_decay, block)
    elif decays is not None:  # d = g + λᵢ ⊙ x
        direction = np.multiply(decays, x, out=state.buffer("decay_parameters", x))
        direction += grad

    if not momentum:
        for d, r, p, step in blocks(direction, rates, x, buffer=block):
            p += np.multiply(d if r is None else np.multiply(r, d, out=step), rate, out=step)
    else:
        first = not state.has("dfdx")
        velocity = state.array("dfdx", x)
        for v, d, r, p, step in blocks(velocity, direction, rates, x, buffer=block):
            if first:
                np.copyto(v, d)  # v = d on the first call
            else:  # v = μ v + (1 − τ) d
                v *= momentum
                v += d if dampening == 0 else np.multiply(d, 1 - dampening, out=step)
            if nesterov:  # d + μ v
                move = np.add(d, np.multiply(v, momentum, out=step), out=step)
            else:
                move = v
            if r is not None:
                move = np.multiply(r, move, out=step)
            p += np.multiply(move, rate, out=step)  # x − η' d
    state["eval_counter"] = evals + 1
    return x, [loss]
