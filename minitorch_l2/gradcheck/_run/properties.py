"""Checks beyond the Jacobian, the ones ``torch.autograd.gradcheck`` also makes, and a few more.

- forward is deterministic: two forwards at one input give the same output (else the finite
  differences measure noise: a random layer left in training mode);
- forward and backward leave their arguments unchanged (a layer that edits its input in place
  corrupts the layer before it in a Sequential);
- backward is deterministic: two runs with one random grad_output give identical gradients;
- a zero grad_output gives zero gradients: backward is linear in grad_output (J·0 = 0), so
  anything else means the gradient ignores grad_output;
- parameter gradients accumulate and follow ``scale`` (see :mod:`.accumulation`).

Every backward goes through the check's :class:`~minitorch_l2._jacobian.ModuleCalls`: a forward
at the same input first, zeroed parameter gradients; the caller restores the module afterwards.
"""

from __future__ import annotations

import numpy as np

from ..._jacobian import CriterionCalls, Layout, ModuleCalls, what
from .._report import PropertyCheck
from .accumulation import accumulation_properties
from .settings import Settings


def module_properties(
    calls: ModuleCalls, output: Layout, settings: Settings
) -> list[PropertyCheck]:
    """Determinism, unchanged arguments and zero-in-zero-out for a module at its input; with
    ``settings.params``, also that parameter gradients accumulate and follow ``scale``.

    Stops early (returning the checks made so far) when backward raises: the block checks
    report that exception.
    """
    x = calls.inputs.copy(calls.input)
    first = _snapshot(output, calls.forward(x))
    checks = [_unchanged("forward leaves input unchanged", [("input", x, calls.input)])]
    second = _snapshot(output, calls.forward())
    checks.append(
        _agree(
            "forward deterministic",
            {"output": first},
            {"output": second},
            hint="a random layer in training mode? call .evaluate() or fix its noise",
        )
    )
    draw = np.random.default_rng(settings.seed).standard_normal(output.size)
    grad_output = output.from_flat(draw)
    try:
        runs = [_backward(calls, output, grad_output) for _ in range(2)]
        zero = _backward(calls, output, output.zeros())
    except Exception:  # reported with its traceback by the block checks
        return checks
    deterministic = _agree("backward deterministic", runs[0][2], runs[1][2])
    checks.append(deterministic)
    x_seen, g_seen, _ = runs[0]
    checks.append(
        _unchanged(
            "backward leaves input and grad_output unchanged",
            [("input", x_seen, calls.input), ("grad_output", g_seen, grad_output)],
        )
    )
    checks.append(_zero_in_zero_out(zero[2], deterministic.ok))
    if settings.params:
        checks += accumulation_properties(calls, output, grad_output, settings, deterministic.ok)
    return checks


def criterion_properties(calls: CriterionCalls) -> list[PropertyCheck]:
    """Determinism and unchanged input/target for a criterion's forward and backward."""
    copies = calls.inputs.copy
    x, t = copies(calls.input), _deep(calls.target)
    first = np.array(calls.forward(x, t), dtype=np.float64)
    checks = [
        _unchanged(
            "forward leaves input and target unchanged",
            [("input", x, calls.input), ("target", t, calls.target)],
        )
    ]
    second = np.array(calls.forward(), dtype=np.float64)
    checks.append(_agree("forward deterministic", {"loss": first}, {"loss": second}))
    try:
        runs = []
        for _ in range(2):
            x, t = copies(calls.input), _deep(calls.target)
            runs.append((x, t, _copies(calls.gradients(1.0, x=x, target=t))))
    except Exception:  # reported with its traceback by the block checks
        return checks
    checks.append(_agree("backward deterministic", runs[0][2], runs[1][2]))
    x, t, _ = runs[0]
    checks.append(
        _unchanged(
            "backward leaves input and target unchanged",
            [("input", x, calls.input), ("target", t, calls.target)],
        )
    )
    return checks


def _backward(
    calls: ModuleCalls, output: Layout, grad_output: object
) -> tuple[object, object, dict[str, np.ndarray]]:
    # forward, zero, backward on copies; return what backward saw and copies of its results.
    x, g = calls.inputs.copy(calls.input), output.copy(grad_output)
    return x, g, _copies(calls.gradients(g, x=x))


def _snapshot(layout: Layout, value: object) -> np.ndarray | None:
    # A flat float64 copy of an output, or None when it lost the output's structure.
    try:
        return layout.read(value, np.empty(layout.size))
    except (TypeError, ValueError):
        return None


def _copies(pairs: object) -> dict[str, np.ndarray]:
    return {name: np.array(a, copy=True) for name, a in pairs if isinstance(a, np.ndarray)}


def _deep(value: object) -> object:
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, list | tuple):
        return type(value)(_deep(item) for item in value)
    return value


def _zero_in_zero_out(grads: dict[str, np.ndarray], deterministic: bool) -> PropertyCheck:
    # J·0 = 0 for a backward linear in grad_output. A nonzero result from a deterministic
    # backward means a term without grad_output; from a noisy one it may be the noise itself.
    nonzero = [(name, g) for name, g in grads.items() if np.any(g != 0)]
    if not nonzero:
        return PropertyCheck("zero grad_output -> zero gradients", True)
    name, g = nonzero[0]
    detail = f"{_what(name)} has max |value| {np.max(np.abs(g)):.3g}"
    if deterministic:
        detail += ": the gradient ignores grad_output"
    else:
        detail += (
            " (backward is also nondeterministic, see above: this may be its noise rather than "
            "a term without grad_output)"
        )
    return PropertyCheck("zero grad_output -> zero gradients", False, detail)


def _agree(
    name: str, first: dict[str, object], second: dict[str, object], hint: str = ""
) -> PropertyCheck:
    for key, a in first.items():
        b = second.get(key)
        if a is None or b is None or a.shape != b.shape:
            return PropertyCheck(name, False, f"two runs give {_what(key)} of different shapes")
        if not np.array_equal(a, b, equal_nan=True):
            with np.errstate(all="ignore"):
                gap = float(np.nanmax(np.abs(a - b))) if a.size else 0.0
            detail = f"two runs differ by up to {gap:.3g} in {_what(key)}"
            return PropertyCheck(name, False, detail + (f" ({hint})" if hint else ""))
    return PropertyCheck(name, True)


def _unchanged(name: str, seen: list[tuple[str, object, object]]) -> PropertyCheck:
    changed = [what for what, after, before in seen if not same_value(after, before)]
    if changed:
        return PropertyCheck(name, False, f"{' and '.join(changed)} modified in place")
    return PropertyCheck(name, True)


def same_value(a: object, b: object) -> bool:
    """True when two inputs or targets hold the same data: arrays bit for bit, recursively."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (
            isinstance(a, np.ndarray)
            and isinstance(b, np.ndarray)
            and a.shape == b.shape
            and a.dtype == b.dtype
            and a.tobytes() == b.tobytes()
        )
    if isinstance(a, tuple | list) and isinstance(b, tuple | list):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    return bool(a == b)


def _what(name: str) -> str:
    return name if name in ("output", "loss") else what(name)
