"""``optim.adam``: Adam (Kingma & Ba, 2015) exactly as Torch 7's ``optim.adam`` computes it.

One call, with g = ∇f(x) and t the step count after incrementing:

    m = β₁ m + (1 − β₁) g,        v = β₂ v + (1 − β₂) g²,
    x = x − η √(1 − β₂ᵗ) / (1 − β₁ᵗ) · m / (√v + ε).

Torch adds ε to √v before the bias correction; PyTorch adds it to √v / √(1 − β₂ᵗ). The two
agree exactly for ε = 0 and differ by O(ε) otherwise.
"""

from __future__ import annotations

import math

import numpy as np

from ._common import Feval, check_parameters, check_real, evaluate, resolve, state_buffer

WHO = "optim.adam"
DEFAULTS: dict[str, object] = {
    "learning_rate": 1e-3,
    "beta1": 0.9,
    "beta2": 0.999,
    "epsilon": 1e-8,
}
STATE_KEYS = ("t", "m", "v", "denom")


def adam(
    feval: Feval, x: np.ndarray, config: dict | None = None, state: dict | None = None
) -> tuple[np.ndarray, list[float]]:
    """One Adam step on ``x``, in place.

    Parameters
    ----------
    feval : callable
        ``feval(x) -> (loss, grad)``; grad has x's shape and is not modified.
    x : numpy.ndarray
        Parameters (usually the flat vector from ``module.get_parameters()``), updated in place.
    config : dict, optional
        ``learning_rate`` (1e-3), ``beta1`` (0.9), ``beta2`` (0.999), ``epsilon`` (1e-8).
    state : dict, optional
        Keeps the step count ``t``, the moments ``m`` and ``v`` and a work buffer ``denom``
        between calls. Defaults to ``config`` itself, as in Torch.

    Returns
    -------
    (x, [f]) : the same array ``x``, and the loss evaluated before the update.
    """
    settings, state = resolve(WHO, config, state, DEFAULTS, STATE_KEYS)
    learning_rate = check_real(WHO, "learning_rate", settings["learning_rate"])
    beta1 = check_real(WHO, "beta1", settings["beta1"], 0.0, 1.0)
    beta2 = check_real(WHO, "beta2", settings["beta2"], 0.0, 1.0)
    epsilon = check_real(WHO, "epsilon", settings["epsilon"])
    if beta1 == 1.0 or beta2 == 1.0:
        raise ValueError(f"{WHO}: beta1 and beta2 must be < 1, got {beta1} and {beta2}")
    check_parameters(WHO, x)

    loss, grad = evaluate(WHO, feval, x)

    moments = [state_buffer(state, name, x) for name in ("m", "v", "denom")]
    if any(buffer is None for buffer in moments):
        moments = [np.zeros_like(x) for _ in range(3)]
        state.update(zip(("m", "v", "denom"), moments, strict=True))
        state["t"] = 0
    m, v, work = moments
    t = state["t"] = int(state.get("t", 0)) + 1

    m *= beta1
    np.multiply(grad, 1 - beta1, out=work)
    m += work  # m = β₁ m + (1 − β₁) g
    v *= beta2
    np.multiply(grad, grad, out=work)
    work *= 1 - beta2
    v += work  # v = β₂ v + (1 − β₂) g²

    np.sqrt(v, out=work)
    work += epsilon
    step_size = learning_rate * math.sqrt(1 - beta2**t) / (1 - beta1**t)
    np.divide(m, work, out=work)
    work *= -step_size
    x += work
    return x, [loss]
