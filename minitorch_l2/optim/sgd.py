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

from ._common import Feval, Names, check_parameters, evaluate, resolve

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

    scratch = state.array("scratch", x)
    current_rate = learning_rate / (1 + evals * decay)
    direction = grad  # d, read-only while it is the caller's array
    if weight_decay:
        np.multiply(x, weight_decay, out=scratch)
        direction = np.add(scratch, grad, out=scratch)
    elif decays is not None:
        buffer = state.array("decay_parameters", x)
        np.multiply(decays, x, out=buffer)
        direction = np.add(buffer, grad, out=buffer)

    if momentum:
        velocity = state.get("dfdx")
        if velocity is None:
            state["dfdx"] = velocity = direction.astype(x.dtype)  # v = d on the first call
        else:
            velocity = state.array("dfdx", x)
            velocity *= momentum
            if dampening == 0:
                velocity += direction
            else:
                velocity += np.multiply(direction, 1 - dampening, out=scratch)
        if nesterov:  # d = d + μ v, in a buffer d does not occupy
            free = scratch if direction is grad else state.array("delta_parameters", x)
            direction = np.add(np.multiply(velocity, momentum, out=free), direction, out=free)
        else:
            direction = velocity

    if rates is not None:
        delta = state.array("delta_parameters", x)
        np.multiply(rates, direction, out=delta)
        direction = delta
    x += np.multiply(direction, -current_rate, out=scratch)
    state["eval_counter"] = evals + 1
    return x, [loss]
