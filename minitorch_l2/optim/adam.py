"""``optim.adam``: Adam (Kingma & Ba, 2015) exactly as Torch 7's ``optim.adam`` computes it.

One call, with g = ∇f(x) + λ x (weight decay λ) and t the step count after incrementing:

    m = β₁ m + (1 − β₁) g,        v = β₂ v + (1 − β₂) g²,
    x = x − η / (1 + (t − 1) ρ) · √(1 − β₂ᵗ) / (1 − β₁ᵗ) · m / (√v + ε).

Torch adds ε to √v before the bias correction; PyTorch adds it to √v / √(1 − β₂ᵗ). The two
agree exactly for ε = 0 and differ by O(ε) otherwise. ε must be positive here: with ε = 0 a
zero gradient component gives 0/0.
"""

from __future__ import annotations

import math

import numpy as np

from ._blocks import block_buffer, blocks, with_weight_decay
from ._common import Feval, check_parameters, evaluate
from ._options import Names, resolve

NAMES = Names(
    "optim.adam",
    options={
        "learning_rate": ("learningRate", 1e-3),
        "learning_rate_decay": ("learningRateDecay", 0.0),
        "beta1": ("beta1", 0.9),
        "beta2": ("beta2", 0.999),
        "epsilon": ("epsilon", 1e-8),
        "weight_decay": ("weightDecay", 0.0),
    },
    state={name: name for name in ("t", "m", "v", "denom", "work", "scratch")},
)


def adam(
    feval: Feval, x: np.ndarray, config: dict | None = None, state: dict | None = None
) -> tuple[np.ndarray, list[float]]:
    """One Adam step on ``x``, in place (Lua: ``x, {f} = optim.adam(opfunc, x, config, state)``).

    Parameters
    ----------
    feval : callable
        ``feval(x) -> (loss, grad)``; grad has x's shape and is not modified.
    x : numpy.ndarray
        Parameters (usually the flat vector from ``module.get_parameters()``), updated in place.
    config : dict, optional
        Lua's names or snake_case: ``learningRate`` (1e-3), ``learningRateDecay`` (0),
        ``beta1`` (0.9), ``beta2`` (0.999), ``epsilon`` (1e-8, > 0), ``weightDecay`` (0).
    state : dict, optional
        Keeps the step count ``t``, the moments ``m`` and ``v``, ``denom`` (√v + ε) and a work
        buffer between calls. Defaults to ``config`` itself, as in Torch.

    Returns
    -------
    (x, [f]) : the same array ``x``, and the loss evaluated before the update.
    """
    options, state = resolve(NAMES, config, state)
    learning_rate = options.real("learning_rate")
    decay = options.real("learning_rate_decay")
    beta1 = options.real("beta1", 0.0, 1.0, high_open=True)
    beta2 = options.real("beta2", 0.0, 1.0, high_open=True)
    epsilon = options.real("epsilon", low_open=True)
    weight_decay = options.real("weight_decay")
    check_parameters(NAMES.who, x)
    steps = state.counter("t")
    m, v, denom = state.array("m", x), state.array("v", x), state.buffer("denom", x)
    block = block_buffer(state, x)

    loss, grad = evaluate(NAMES.who, feval, x)

    grad = with_weight_decay(state, grad, x, weight_decay, block)
    current_rate = learning_rate / (1 + steps * decay)
    t = steps + 1
    step_size = current_rate * math.sqrt(1 - beta2**t) / (1 - beta1**t)
    for m_, v_, den, g, p, step in blocks(m, v, denom, grad, x, buffer=block):
        m_ *= beta1
        m_ += np.multiply(g, 1 - beta1, out=step)  # m = β₁ m + (1 − β₁) g
        v_ *= beta2
        v_ += np.multiply(np.multiply(g, 1 - beta2, out=step), g, out=step)  # + (1 − β₂) g²
        np.sqrt(v_, out=den)
        den += epsilon
        p += np.divide(np.multiply(m_, -step_size, out=step), den, out=step)
    state["t"] = t
    return x, [loss]
