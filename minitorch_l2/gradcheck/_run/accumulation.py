"""Parameter gradients accumulate and follow ``scale``: the rest of Torch's backward contract.

``acc_grad_parameters(input, grad_output, scale)`` must *add* scale · ∂L/∂θ into each gradient:

- accumulate: two backwards without zeroing in between give gradθ = 2 · ∂L/∂θ (Torch sums
  gradients over a shared module's uses and over pieces of a batch this way), so a layer that
  assigns (``self.grad_weight[...] = …``) instead of adding passes the Jacobian check, which
  zeroes first, and still trains wrongly;
- scale: ``backward(x, g, s)`` gives gradθ = s · ∂L/∂θ, while grad_input does not depend on s
  (``backward`` = ``update_grad_input`` then ``acc_grad_parameters(scale)``).

The Jacobian check cannot see either mistake: it zeroes the gradients before every backward and
uses scale 1. Both checks compare whole gradients with the check's own tolerance,
|got − k·once| ≤ atol + rtol·|k·once|, and the module's gradients are restored afterwards.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..._jacobian import Layout, ModuleCalls, preserved_parameters
from .._diagnosis.patterns import close
from .._report import PropertyCheck
from .settings import Settings

#: The ``scale`` passed to backward: not 1 (ignored scale shows), not −1 (s² = 1 would hide a
#: scale applied twice).
SCALE = 0.5

ACCUMULATE = "parameter gradients accumulate"
SCALED = "backward scale multiplies parameter gradients"


def accumulation_properties(
    calls: ModuleCalls,
    output: Layout,
    grad_output: object,
    settings: Settings,
    deterministic: bool = True,
) -> list[PropertyCheck]:
    """Check that two backwards add up and that ``scale`` scales (only) parameter gradients.

    Parameters
    ----------
    calls : ModuleCalls
        The module at its input; its parameters and gradients are restored on return.
    output : Layout
        The output's layout.
    grad_output : numpy.ndarray or list
        A dense ``grad_output`` of the output's layout.
    settings : Settings
        The tolerances of the check.
    deterministic : bool
        Whether backward passed the determinism check; if not, a failure here says so.

    Returns
    -------
    list of PropertyCheck
        Empty for a module without parameters; else the accumulation and scale checks.
    """
    if not calls.module.named_parameters():
        return []
    atol, rtol = settings.atol, settings.rtol
    note = "" if deterministic else " (backward is also nondeterministic, see above)"

    def run(zero: bool, scale: float | None = None) -> tuple[dict, dict]:
        grads = calls.gradients(output.copy(grad_output), scale=scale, zero=zero)
        inputs = set(calls.inputs.paths)
        pairs = [(n, g) for n, g in grads if n not in inputs]
        return _copies(pairs), _copies([(n, g) for n, g in grads if n in inputs])

    with preserved_parameters(calls.module):
        once, input_once = run(zero=True)
        try:
            twice, _ = run(zero=False)  # on top of `once`
        except Exception as exc:  # only this backward starts from nonzero gradients
            detail = f"a second backward without zeroing raised {type(exc).__name__}: {exc}"
            return [PropertyCheck(ACCUMULATE, False, detail)]
        checks = [_multiple(ACCUMULATE, once, twice, 2.0, atol, rtol, note, _accumulate_text)]
        try:
            scaled, input_scaled = run(zero=True, scale=SCALE)
        except TypeError as exc:  # a backward without Torch's scale argument
            detail = f"backward(input, grad_output, {SCALE:g}) raised TypeError: {exc}"
            return [*checks, PropertyCheck(SCALED, False, detail)]
    check = _multiple(SCALED, once, scaled, SCALE, atol, rtol, note, _scale_text)
    if check.ok:  # grad_input must not follow the scale
        check = _multiple(SCALED, input_once, input_scaled, 1.0, atol, rtol, note, _input_text)
    return [*checks, check]


def _copies(pairs: list[tuple[str, object]]) -> dict[str, np.ndarray]:
    # A None or non-array gradient is left to the Jacobian check, which names it.
    return {name: np.array(g, copy=True) for name, g in pairs if isinstance(g, np.ndarray)}


def _multiple(
    check_name: str,
    base: dict[str, np.ndarray],
    got: dict[str, np.ndarray],
    factor: float,
    atol: float,
    rtol: float,
    note: str,
    explain: Callable[[str, float, float, float], str],
) -> PropertyCheck:
    # got ≈ factor · base for every tensor both runs produced with one shape.
    for name, reference in base.items():
        value = got.get(name)
        if value is None or value.shape != reference.shape:
            continue  # a shape or None problem: the Jacobian check names it
        expected = factor * reference
        if close(value, expected, atol, rtol):
            continue
        with np.errstate(all="ignore"):
            ratio = float(np.vdot(value, reference) / np.vdot(reference, reference))
        return PropertyCheck(check_name, False, explain(name, ratio, factor, rtol) + note)
    return PropertyCheck(check_name, True)


def _accumulate_text(name: str, ratio: float, factor: float, rtol: float) -> str:
    if abs(ratio - 1) <= max(rtol, 1e-9):
        return (
            f"parameter gradient overwritten instead of accumulated: two backwards without "
            f"zeroing leave the gradient of {name} at 1x one backward's, not 2x "
            f"(acc_grad_parameters must add into it: +=)"
        )
    return (
        f"two backwards without zeroing give the gradient of {name} {ratio:.3g}x one "
        f"backward's, not {factor:g}x"
    )


def _scale_text(name: str, ratio: float, factor: float, rtol: float) -> str:
    if abs(ratio - 1) <= max(rtol, 1e-9):
        return (
            f"backward(..., scale={factor:g}) left the gradient of {name} unscaled: "
            f"acc_grad_parameters ignores scale (it must add scale * dL/d{name})"
        )
    return (
        f"backward(..., scale={factor:g}) gives the gradient of {name} {ratio:.3g}x the "
        f"scale-1 gradient, not {factor:g}x"
    )


def _input_text(name: str, ratio: float, factor: float, rtol: float) -> str:
    what = "grad_input" + name[len("input") :]
    return (
        f"backward(..., scale={SCALE:g}) changes {what} ({ratio:.3g}x the scale-1 one): scale "
        f"is for parameter gradients only"
    )
