"""What every optimiser shares: Torch's config/state convention and checks of ``x`` and ``feval``.

Torch 7's rule, kept here: ``state = state or config``. Passing the same ``config`` dict on every
call (and no ``state``) therefore carries momentum, moments and counters in that dict; passing a
separate ``state`` dict keeps them there instead. With neither, each call starts from scratch.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Callable

import numpy as np

Feval = Callable[[np.ndarray], tuple[float, np.ndarray]]


def resolve(
    who: str,
    config: dict | None,
    state: dict | None,
    defaults: dict[str, object],
    state_keys: tuple[str, ...],
) -> tuple[dict[str, object], dict]:
    """Return (settings with defaults filled in, the state dict to read and update).

    Unknown keys in ``config`` raise a ValueError, with the snake_case spelling suggested for a
    Lua name such as ``learningRate``.
    """
    if config is None:
        config = {}
    if not isinstance(config, dict):
        raise TypeError(f"{who}: expected config to be a dict or None, got {type(config).__name__}")
    if state is None:
        state = config  # Torch: local state = state or config
    elif not isinstance(state, dict):
        raise TypeError(f"{who}: expected state to be a dict or None, got {type(state).__name__}")
    for key in config:
        if key not in defaults and key not in state_keys:
            snake = re.sub(r"(?<!^)([A-Z])", r"_\1", str(key)).lower()
            hint = f" (did you mean {snake!r}?)" if snake in defaults else ""
            raise ValueError(f"{who}: unknown option {key!r}{hint}; options are {sorted(defaults)}")
    settings = {name: config.get(name, default) for name, default in defaults.items()}
    return settings, state


def check_real(
    who: str, name: str, value: object, low: float = 0.0, high: float = math.inf
) -> float:
    """``value`` as a float if it is a real number in [low, high], else raise a ValueError."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not math.isfinite(value)
        or not low <= value <= high
    ):
        raise ValueError(f"{who}: {name} must be a number in [{low}, {high}], got {value!r}")
    return float(value)


def check_parameters(who: str, x: object) -> np.ndarray:
    """``x`` must be a writeable floating ndarray: the optimiser updates it in place."""
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        kind = x.dtype if isinstance(x, np.ndarray) else type(x).__name__
        raise TypeError(
            f"{who}: expected x to be a float32/float64 numpy.ndarray (the flat parameter vector "
            f"from get_parameters()), got {kind}"
        )
    if not x.flags.writeable:
        raise ValueError(f"{who}: x must be writeable, it is updated in place")
    return x


def evaluate(who: str, feval: Feval, x: np.ndarray) -> tuple[float, np.ndarray]:
    """Call ``feval(x)`` and check it returned ``(loss, grad)`` with grad shaped like x."""
    result = feval(x)
    if not isinstance(result, tuple | list) or len(result) != 2:
        raise TypeError(f"{who}: feval(x) must return a pair (loss, grad), got {result!r:.80}")
    loss, grad = result
    if not isinstance(grad, np.ndarray) or grad.dtype.kind != "f":
        kind = grad.dtype if isinstance(grad, np.ndarray) else type(grad).__name__
        raise TypeError(f"{who}: feval(x) must return a float ndarray gradient, got {kind}")
    if grad.shape != x.shape:
        raise ValueError(
            f"{who}: feval(x) returned a gradient of shape {grad.shape}, expected x's {x.shape}"
        )
    return float(loss), grad


def state_buffer(state: dict, name: str, x: np.ndarray) -> np.ndarray | None:
    """The array ``state[name]`` if it matches ``x``'s shape and dtype, else None."""
    buffer = state.get(name)
    if isinstance(buffer, np.ndarray) and buffer.shape == x.shape and buffer.dtype == x.dtype:
        return buffer
    return None
