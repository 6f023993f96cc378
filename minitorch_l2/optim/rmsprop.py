"""``optim.rmsprop``: RMSprop as Torch 7's ``optim.rmsprop`` (the one char-rnn trains with).

One call, with g = ∇f(x) + λ x (weight decay λ):

    m = α m + (1 − α) g²        (m starts at ``initialMean``, default 0)
    x = x − η · g / (√m + ε).
"""

from __future__ import annotations

import numpy as np

from ._blocks import block_buffer, blocks, with_weight_decay
from ._common import Feval, check_parameters, evaluate
from ._options import Names, resolve

NAMES = Names(
    "optim.rmsprop",
    options={
        "learning_rate": ("learningRate", 1e-2),
        "alpha": ("alpha", 0.99),
        "epsilon": ("epsilon", 1e-8),
        "weight_decay": ("weightDecay", 0.0),
        "initial_mean": ("initialMean", 0.0),
    },
    state={name: name for name in ("m", "tmp", "work", "scratch")},
)


def rmsprop(
    feval: Feval, x: np.ndarray, config: dict | None = None, state: dict | None = None
) -> tuple[np.ndarray, list[float]]:
    """One RMSprop step on ``x``, in place (Lua: ``x, {f} = optim.rmsprop(opfunc, x, config)``).

    Parameters
    ----------
    feval : callable
        ``feval(x) -> (loss, grad)``; grad has x's shape and is not modified.
    x : numpy.ndarray
        Parameters (usually the flat vector from ``module.get_parameters()``), updated in place.
    config : dict, optional
        Lua's names or snake_case: ``learningRate`` (1e-2), ``alpha`` (0.99, the smoothing
        constant), ``epsilon`` (1e-8, > 0), ``weightDecay`` (0), ``initialMean`` (0, the value
        m starts from).
    state : dict, optional
        Keeps the mean square ``m``, ``tmp`` (√m + ε) and a work buffer between calls. Defaults
        to ``config`` itself, as in Torch.

    Returns
    -------
    (x, [f]) : the same array ``x``, and the loss evaluated before the update.
    """
    options, state = resolve(NAMES, config, state)
    learning_rate = options.real("learning_rate")
    alpha = options.real("alpha", 0.0, 1.0)
    epsilon = options.real("epsilon", low_open=True)
    weight_decay = options.real("weight_decay")
    initial_mean = options.real("initial_mean")
    check_parameters(NAMES.who, x)
    fresh = not state.has("m")
    m, tmp = state.array("m", x), state.buffer("tmp", x)
    block = block_buffer(state, x)
    if fresh:
        m.fill(initial_mean)

    loss, grad = evaluate(NAMES.who, feval, x)

    grad = with_weight_decay(state, grad, x, weight_decay, block)
    for m_, root, g, p, step in blocks(m, tmp, grad, x, buffer=block):
        m_ *= alpha
        m_ += np.multiply(np.multiply(g, 1 - alpha, out=step), g, out=step)  # + (1 − α) g²
        np.sqrt(m_, out=root)
        root += epsilon
        p += np.divide(np.multiply(g, -learning_rate, out=step), root, out=step)
    return x, [loss]
