"""Checks beyond the Jacobian, the ones ``torch.autograd.gradcheck`` also makes, and a few more.

- forward is deterministic: two forwards at one input give the same output (else the finite
  differences measure noise: a random layer left in training mode);
- forward and backward leave their arguments unchanged (a layer that edits its input in place
  corrupts the layer before it in a Sequential);
- backward is deterministic: two runs with one random grad_output give identical gradients;
- a zero grad_output gives zero gradients: backward is linear in grad_output (J·0 = 0), so
  anything else means the gradient ignores grad_output;
- parameter gradients accumulate and follow ``scale`` (see :mod:`.accumulation`).

Every backward here is preceded by a forward at the same input and by zeroed parameter
gradients; the caller restores the module's parameters afterwards.
"""

from __future__ import annotations

import numpy as np

from ._accumulation import accumulation_properties
from ._inputs import Input, copy_input, copy_target, same_value, split_gradient
from ._report import PropertyCheck
from ._state import zero_gradients


def module_properties(
    module: object,
    input: Input,
    params: bool = True,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> list[PropertyCheck]:
    """Determinism, unchanged arguments and zero-in-zero-out for a module at ``input``; with
    ``params``, also that parameter gradients accumulate and follow ``scale``.

    Stops early (returning the checks made so far) when backward raises: the tensor checks
    report that exception.
    """
    x = copy_input(input)
    first = np.array(module.forward(x), copy=True)
    checks = [_unchanged("forward leaves input unchanged", [("input", x, input)])]
    second = np.array(module.forward(copy_input(input)), copy=True)
    checks.append(
        _agree(
            "forward deterministic",
            {"output": first},
            {"output": second},
            hint="a random layer in training mode? call .evaluate() or fix its noise",
        )
    )
    grad_output = np.random.default_rng(0).standard_normal(first.shape).astype(first.dtype)
    try:
        runs = [_backward(module, input, grad_output, params) for _ in range(2)]
        zero = _backward(module, input, np.zeros_like(grad_output), params)
    except Exception:  # reported with its traceback by the tensor checks
        return checks
    deterministic = _agree("backward deterministic", runs[0][2], runs[1][2])
    checks.append(deterministic)
    x_seen, g_seen, _ = runs[0]
    checks.append(
        _unchanged(
            "backward leaves input and grad_output unchanged",
            [("input", x_seen, input), ("grad_output", g_seen, grad_output)],
        )
    )
    checks.append(_zero_in_zero_out(zero[2], deterministic.ok))
    if params:
        checks += accumulation_properties(module, input, grad_output, atol, rtol, deterministic.ok)
    return checks


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


def criterion_properties(criterion: object, input: Input, target: object) -> list[PropertyCheck]:
    """Determinism and unchanged input/target for a criterion's forward and backward."""
    x, t = copy_input(input), copy_target(target, None, None)
    first = np.array(criterion.forward(x, t), dtype=np.float64)
    checks = [
        _unchanged(
            "forward leaves input and target unchanged",
            [("input", x, input), ("target", t, target)],
        )
    ]
    second = np.array(
        criterion.forward(copy_input(input), copy_target(target, None, None)), dtype=np.float64
    )
    checks.append(_agree("forward deterministic", {"loss": first}, {"loss": second}))
    try:
        runs = []
        for _ in range(2):
            x, t = copy_input(input), copy_target(target, None, None)
            criterion.forward(x, t)
            grads = _copies(split_gradient(criterion.backward(x, t), input))
            runs.append((x, t, grads))
    except Exception:  # reported with its traceback by the tensor checks
        return checks
    checks.append(_agree("backward deterministic", runs[0][2], runs[1][2]))
    x, t, _ = runs[0]
    checks.append(
        _unchanged(
            "backward leaves input and target unchanged",
            [("input", x, input), ("target", t, target)],
        )
    )
    return checks


def _backward(
    module: object, input: Input, grad_output: np.ndarray, params: bool
) -> tuple[Input, np.ndarray, dict[str, np.ndarray]]:
    # forward, zero the gradients, backward; return what backward saw and copies of its results.
    x, g = copy_input(input), grad_output.copy()
    module.forward(x)
    zero_gradients(module)
    grads = _copies(split_gradient(module.backward(x, g), input))
    if params:
        grads.update(_copies((name, grad) for name, _, grad in module.named_parameters()))
    return x, g, grads


def _copies(pairs: object) -> dict[str, np.ndarray]:
    return {name: np.array(a, copy=True) for name, a in pairs if isinstance(a, np.ndarray)}


def _agree(
    name: str, first: dict[str, np.ndarray], second: dict[str, np.ndarray], hint: str = ""
) -> PropertyCheck:
    for key, a in first.items():
        b = second.get(key)
        if b is None or a.shape != b.shape:
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


def _what(name: str) -> str:
    if name.startswith("input"):
        return "grad_input" + name[len("input") :]
    if name in ("output", "loss"):
        return name
    return f"the gradient of {name}"
