"""``optim.rprop``: resilient backpropagation (Riedmiller) as Torch 7's ``optim.rprop``.

Each of ``niter`` evaluations, with g = ∇f(x) and δ the previous (masked) gradient:

    sᵢ = sign(gᵢ δᵢ);  Δᵢ = clip(Δᵢ · (η⁺ if sᵢ > 0, η⁻ if sᵢ < 0, else 1), Δmin, Δmax)
    gᵢ = 0 where sᵢ < 0;   x = x − sign(g) ⊙ Δ;   δ = g.

Only the signs of the gradient are used. As in Torch, ``state["stepsize"]`` becomes the array Δ
of per-parameter step sizes on the first call, so when ``config`` doubles as the state its
``stepsize`` option is read only once, to fill Δ.
"""

from __future__ import annotations

import numpy as np

from ._blocks import block_buffer, blocks
from ._common import Feval, check_parameters, evaluate
from ._options import Names, resolve

NAMES = Names(
    "optim.rprop",
    options={
        "stepsize": ("stepsize", 0.1),
        "etaplus": ("etaplus", 1.2),
        "etaminus": ("etaminus", 0.5),
        "stepsizemax": ("stepsizemax", 50.0),
        "stepsizemin": ("stepsizemin", 1e-6),
        "niter": ("niter", 1),
    },
    state={
        "delta": "delta",
        "stepsize": "stepsize",
        "sign": "sign",
        "psign": "psign",
        "nsign": "nsign",
        "zsign": "zsign",  # Lua's masks of sign = 0 and of clipped steps: accepted, not needed
        "dminmax": "dminmax",
        "scratch": "scratch",
    },
)


def rprop(
    feval: Feval, x: np.ndarray, config: dict | None = None, state: dict | None = None
) -> tuple[np.ndarray, list[float]]:
    """``niter`` Rprop steps on ``x``, in place (Lua: ``x, fs = optim.rprop(opfunc, x, config)``).

    Parameters
    ----------
    feval : callable
        ``feval(x) -> (loss, grad)``; grad has x's shape and is not modified (Torch zeroes
        the components whose sign flipped in it).
    x : numpy.ndarray
        Parameters (usually the flat vector from ``module.get_parameters()``), updated in place.
    config : dict, optional
        ``stepsize`` (0.1, the initial step of every component), ``etaplus`` (1.2, > 1),
        ``etaminus`` (0.5, in (0, 1)), ``stepsizemax`` (50), ``stepsizemin`` (1e-6),
        ``niter`` (1, evaluations per call).
    state : dict, optional
        Keeps ``delta``, the step sizes ``stepsize``, ``sign`` and work buffers between calls.
        Defaults to ``config`` itself, as in Torch.

    Returns
    -------
    (x, fs) : the same array ``x``, and the ``niter`` losses, each before its update.
    """
    options, state = resolve(NAMES, config, state)
    check_parameters(NAMES.who, x)
    first = not state.has("delta")
    initial = options.real("stepsize", low_open=True) if first else None
    etaplus = options.real("etaplus", 1.0, low_open=True)
    etaminus = options.real("etaminus", 0.0, 1.0, low_open=True, high_open=True)
    largest = options.real("stepsizemax", low_open=True)
    smallest = options.real("stepsizemin", 0.0, largest, low_open=True)
    niter = options.integer("niter")
    if first:  # replaces the option when config is the state, as in Torch
        state["stepsize"] = np.full(x.shape, initial, dtype=x.dtype)
    delta, steps, signs = (
        state.array("delta", x),
        state.array("stepsize", x),
        state.buffer("sign", x),
    )
    block = block_buffer(state, x)
    positive = _mask(state, "psign", x)
    negative = _mask(state, "nsign", x)

    losses = []
    for _ in range(niter):
        loss, grad = evaluate(NAMES.who, feval, x)
        pieces = blocks(grad, delta, steps, signs, positive, negative, x, buffer=block)
        for g, previous, size, sign, up, down, p, step in pieces:
            np.sign(np.multiply(g, previous, out=sign), out=sign)
            np.greater(sign, 0, out=up)
            np.less(sign, 0, out=down)
            np.multiply(size, etaplus, out=size, where=up)
            np.multiply(size, etaminus, out=size, where=down)
            np.clip(size, smallest, largest, out=size)
            np.copyto(previous, g)
            np.copyto(previous, 0.0, where=down)  # where the sign flipped, wait one step
            np.sign(previous, out=sign)
            p += np.multiply(np.multiply(sign, -1.0, out=step), size, out=step)
        losses.append(loss)
    return x, losses


def _mask(state: object, name: str, x: np.ndarray) -> np.ndarray:
    """A reused boolean buffer of x's shape (Torch's ByteTensor masks)."""
    mask = state.get(name)
    if not isinstance(mask, np.ndarray) or mask.shape != x.shape or mask.dtype != np.bool_:
        mask = np.zeros(x.shape, dtype=np.bool_)
        state[name] = mask
    return mask
