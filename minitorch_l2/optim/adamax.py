"""``optim.adamax``: AdaMax, Adam with the infinity norm, as Torch 7's ``optim.adamax``.

One call, with g = ∇f(x) + λ x (weight decay λ) and t the step count after incrementing:

    m = β₁ m + (1 − β₁) g,        u = max(β₂ u, |g| + ε),
    x = x − η / (1 − β₁ᵗ) · m / u.

Torch keeps ``u`` as a 1 × n tensor after the first call (``torch.max`` over a 2 × n buffer); here
``u`` keeps x's shape, and the 2 × n buffer ``max`` holds the same two rows [β₂ u, |g| + ε]. A
state Lua wrote, with its 1 × n ``u``, is read as it is (reshaped to x's shape).
"""

from __future__ import annotations

import numpy as np

from ._blocks import block_buffer, blocks, with_weight_decay
from ._common import Feval, check_parameters, evaluate
from ._options import Names, resolve

NAMES = Names(
    "optim.adamax",
    options={
        "learning_rate": ("learningRate", 2e-3),
        "beta1": ("beta1", 0.9),
        "beta2": ("beta2", 0.999),
        "epsilon": ("epsilon", 1e-38),
        "weight_decay": ("weightDecay", 0.0),
    },
    state={name: name for name in ("t", "m", "u", "max", "work", "scratch")},
)


def adamax(
    feval: Feval, x: np.ndarray, config: dict | None = None, state: dict | None = None
) -> tuple[np.ndarray, list[float]]:
    """One AdaMax step on ``x``, in place (Lua: ``x, {f} = optim.adamax(opfunc, x, config)``).

    Parameters
    ----------
    feval : callable
        ``feval(x) -> (loss, grad)``; grad has x's shape and is not modified.
    x : numpy.ndarray
        Parameters (usually the flat vector from ``module.get_parameters()``), updated in place.
    config : dict, optional
        Lua's names or snake_case: ``learningRate`` (2e-3), ``beta1`` (0.9), ``beta2`` (0.999),
        ``epsilon`` (1e-38, > 0), ``weightDecay`` (0).
    state : dict, optional
        Keeps the step count ``t``, the moment ``m``, the norm ``u`` and work buffers between
        calls. Defaults to ``config`` itself, as in Torch.

    Returns
    -------
    (x, [f]) : the same array ``x``, and the loss evaluated before the update.
    """
    options, state = resolve(NAMES, config, state)
    learning_rate = options.real("learning_rate")
    beta1 = options.real("beta1", 0.0, 1.0, high_open=True)
    beta2 = options.real("beta2", 0.0, 1.0)
    epsilon = options.real("epsilon", low_open=True)
    weight_decay = options.real("weight_decay")
    check_parameters(NAMES.who, x)
    steps = state.counter("t")
    lua_u = state.get("u")
    if isinstance(lua_u, np.ndarray) and lua_u.shape == (1, *x.shape):
        state["u"] = lua_u.reshape(x.shape)  # Lua's u is 1 × n after torch.max: the same values
    m, u = state.array("m", x), state.array("u", x)
    rows = state.buffer("max", x, (2, *x.shape))
    block = block_buffer(state, x)

    loss, grad = evaluate(NAMES.who, feval, x)

    grad = with_weight_decay(state, grad, x, weight_decay, block)
    t = steps + 1
    step_size = learning_rate / (1 - beta1**t)
    for m_, u_, scaled, bound, g, p, step in blocks(m, u, rows[0], rows[1], grad, x, buffer=block):
        np.multiply(u_, beta2, out=scaled)
        np.abs(g, out=bound)
        bound += epsilon
        np.maximum(scaled, bound, out=u_)  # u = max(β₂ u, |g| + ε)
        m_ *= beta1
        m_ += np.multiply(g, 1 - beta1, out=step)
        p += np.divide(np.multiply(m_, -step_size, out=step), u_, out=step)
    state["t"] = t
    return x, [loss]
