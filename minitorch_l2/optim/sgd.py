"""``optim.sgd``: Torch 7's stochastic gradient descent, with momentum and Nesterov momentum.

One call, with g = ∇f(x) from ``feval`` and k = ``state["eval_counter"]`` (calls made before):

    d = g + λ x                                     (weight decay λ)
    v = d on the first call, else v = μ v + (1 − τ) d  (momentum μ, dampening τ; default τ = μ)
    d = d + μ v  with Nesterov, else d = v            (only when μ ≠ 0)
    x = x − η / (1 + k ρ) · d                       (learning rate η, decay ρ)

As in Torch, dampening defaults to the momentum (PyTorch's default is 0), and Nesterov needs a
positive momentum and zero dampening.
"""

from __future__ import annotations

import numpy as np

from .._blas import add_scaled
from ._common import Feval, check_parameters, check_real, evaluate, resolve, state_buffer

WHO = "optim.sgd"
DEFAULTS: dict[str, object] = {
    "learning_rate": 1e-3,
    "learning_rate_decay": 0.0,
    "weight_decay": 0.0,
    "momentum": 0.0,
    "dampening": None,
    "nesterov": False,
}
STATE_KEYS = ("eval_counter", "velocity", "direction")


def sgd(
    feval: Feval, x: np.ndarray, config: dict | None = None, state: dict | None = None
) -> tuple[np.ndarray, list[float]]:
    """One SGD step on ``x``, in place.

    Parameters
    ----------
    feval : callable
        ``feval(x) -> (loss, grad)``; grad has x's shape and is not modified.
    x : numpy.ndarray
        Parameters (usually the flat vector from ``module.get_parameters()``), updated in place.
    config : dict, optional
        ``learning_rate`` (1e-3), ``learning_rate_decay`` (0), ``weight_decay`` (0),
        ``momentum`` (0), ``dampening`` (default: the momentum), ``nesterov`` (False).
    state : dict, optional
        Keeps ``eval_counter``, ``velocity`` (the momentum buffer) and a work buffer between
        calls. Defaults to ``config`` itself, as in Torch.

    Returns
    -------
    (x, [f]) : the same array ``x``, and the loss evaluated before the update.
    """
    settings, state = resolve(WHO, config, state, DEFAULTS, STATE_KEYS)
    learning_rate = check_real(WHO, "learning_rate", settings["learning_rate"])
    decay = check_real(WHO, "learning_rate_decay", settings["learning_rate_decay"])
    weight_decay = check_real(WHO, "weight_decay", settings["weight_decay"])
    momentum = check_real(WHO, "momentum", settings["momentum"])
    dampening = settings["dampening"]
    dampening = momentum if dampening is None else check_real(WHO, "dampening", dampening)
    nesterov = bool(settings["nesterov"])
    if nesterov and (momentum <= 0 or dampening != 0):
        raise ValueError(
            f"{WHO}: Nesterov momentum requires a positive momentum and dampening=0, got "
            f"momentum={momentum} and dampening={dampening}"
        )
    check_parameters(WHO, x)
    evals = int(state.get("eval_counter", 0))

    loss, grad = evaluate(WHO, feval, x)

    current_rate = learning_rate / (1 + evals * decay)
    direction = state_buffer(state, "direction", x)
    if direction is None:
        direction = state["direction"] = np.empty_like(x)
    if not weight_decay and not momentum:
        # Plain SGD: x −= η' g, the step η' g written into the reused direction buffer.
        add_scaled(x, grad, -current_rate, direction)
        state["eval_counter"] = evals + 1
        return x, [loss]

    if weight_decay:
        np.multiply(x, weight_decay, out=direction)  # d = λ x + g
        direction += grad
    else:
        np.copyto(direction, grad)

    if momentum:
        velocity = state_buffer(state, "velocity", x)
        if velocity is None:
            velocity = state["velocity"] = direction.copy()  # v = d on the first call
        else:
            velocity *= momentum
            if nesterov:  # dampening is 0 here, and d is still needed below
                velocity += direction
            else:
                direction *= 1 - dampening
                velocity += direction
        if nesterov:
            # x −= η' (d + μ v), as two in-place additions (no temporary).
            direction *= -current_rate
            x += direction
            np.multiply(velocity, -current_rate * momentum, out=direction)
        else:
            np.multiply(velocity, -current_rate, out=direction)
    else:
        direction *= -current_rate
    x += direction

    state["eval_counter"] = evals + 1
    return x, [loss]
