"""``check_float32``: does a float32 module compute what its float64 clone computes?

Finite differences in float32 are noise, so :func:`check_module` checks a float32 module
through a float64 clone — which says nothing about the float32 code path itself (a constant
kept in float64, a buffer of the wrong dtype, a cast that loses a term). This check runs the
module as it is, in float32, and its float64 clone on the same input (converted exactly) and
the same random ``grad_output``, and compares the output, every grad_input leaf and every
parameter gradient element by element:

    |a₃₂ − a₆₄| ≤ rtol · (|a₆₄| + max |a₆₄|)

(max over the tensor: an element near 0 may differ by rounding of the tensor's scale). The
float32 results must also *be* float32. Together with the float64 gradient check of the same
layer this covers both precisions.
"""

from __future__ import annotations

import numpy as np

from ..._jacobian import (
    Layout,
    grad_input_enabled,
    preserved_parameters,
    subject_name,
    zero_gradients,
)
from .._report import GradcheckReport, TensorCheck, WorstElement

FLOAT32 = np.dtype(np.float32)


def check_float32(
    module: object, input: object, *, rtol: float = 1e-5, seed: int = 0
) -> GradcheckReport:
    """Compare a float32 module's forward and backward with those of its float64 clone.

    Parameters
    ----------
    module : nn.Module
        A float32 module (``.float()``); its parameters and accumulated gradients are left
        as they were.
    input : numpy.ndarray or list
        A float32 tensor or (nested) table; integer leaves (indices) are passed as they are.
    rtol : float
        An element passes when |float32 − float64| ≤ rtol·(|float64| + max |float64| of its
        tensor); the default 1e-5 is about 170 float32 roundings (2⁻²⁴ each).
    seed : int
        Seed of the random ``grad_output`` (the same values for both).

    Returns
    -------
    GradcheckReport
        ``mode == "float32"``; one entry per compared tensor: ``output``, ``input`` (the
        grad_input; ``input[0]``, ... for a table), then each parameter's gradient.
    """
    if not (isinstance(rtol, float | int) and not isinstance(rtol, bool) and rtol > 0):
        raise ValueError(f"check_float32: rtol must be a positive number, got {rtol!r}")
    inputs = Layout.of(input, "input", "check_float32")
    params = {p.dtype for _, p, _ in module.named_parameters()}
    floats = {d for path, d in zip(inputs.paths, inputs.dtypes) if path not in inputs.fixed}
    if not (params | floats) <= {FLOAT32} or not floats:
        raise TypeError(
            f"check_float32: expected a float32 module and float32 input (.float(), "
            f".astype(np.float32)), got parameters {sorted(map(str, params))} and input "
            f"{sorted(map(str, floats))}"
        )
    clone = module.clone().double()
    results = []
    grad_output = None
    for subject, dtype in ((module, FLOAT32), (clone, np.dtype(np.float64))):
        with grad_input_enabled(subject), preserved_parameters(subject):
            x = inputs.copy(input, dtype)
            output = subject.forward(x)
            out = Layout.of(output, "output", "check_float32")
            if grad_output is None:
                wrong = sorted({str(d) for d in out.dtypes} - {"float32"})
                if wrong:  # no float32 backward can follow a forward that left float32
                    problem = f"output is {'/'.join(wrong)}, not float32: forward left float32"
                    return _refused(module, out, problem, rtol)
                draw = np.random.default_rng(seed).standard_normal(out.size)
                grad_output = out.from_flat(draw.astype(np.float32).astype(np.float64))
            zero_gradients(subject)
            grad_input = subject.backward(x, out.copy(grad_output, dtype))
            found = {"output": _leaves(out, output)}
            found.update(_split(inputs, grad_input))
            for name, _, grad in subject.named_parameters():
                found[name] = grad.copy() if isinstance(grad, np.ndarray) else grad
            results.append(found)
    module.forward(inputs.copy(input))  # leave output at the input, as check_module does
    entries, problems = {}, []
    for name, ours in results[0].items():
        entries[name] = _compare(name, ours, results[1].get(name), rtol, problems)
    return GradcheckReport(
        subject=subject_name(module),
        entries=entries,
        properties=[],
        eps=0.0,
        atol=0.0,
        rtol=rtol,
        dtype=FLOAT32,
        problems=problems,
        mode="float32",
        forward_calls=3,
        backward_calls=2,
    )


def _refused(module: object, output: Layout, problem: str, rtol: float) -> GradcheckReport:
    """The report of a float32 forward whose output is not float32: nothing else compared."""
    shape = output.shapes[0] if not output.is_table else (output.size,)
    entry = TensorCheck("output", shape, (), np.inf, output.size, problem=problem, method="float32")
    return GradcheckReport(
        subject_name(module), {"output": entry}, [], 0.0, 0.0, rtol, FLOAT32,
        problems=[problem], mode="float32", forward_calls=1,
    )  # fmt: skip


def _leaves(layout: Layout, value: object) -> np.ndarray | list:
    leaves = [np.array(leaf, copy=True) for leaf in layout.leaves(value)]
    return leaves[0] if len(leaves) == 1 else np.concatenate([a.reshape(-1) for a in leaves])


def _split(inputs: Layout, grad_input: object) -> dict[str, object]:
    if grad_input is None:
        return {path: None for path in inputs.paths if path not in inputs.fixed}
    pieces = zip(inputs.paths, inputs.leaves(grad_input))
    return {path: np.array(g, copy=True) for path, g in pieces if path not in inputs.fixed}


def _compare(
    name: str, ours: object, reference: object, rtol: float, problems: list[str]
) -> TensorCheck:
    # One tensor, float32 against float64; a wrong dtype or shape is a problem of its own.
    what = name if name in ("output", "input") or name.startswith("input[") else f"∂L/∂{name}"
    shape = getattr(reference, "shape", ())
    if not isinstance(ours, np.ndarray) or not isinstance(reference, np.ndarray):
        problem = f"{what}: not an array in float32 ({type(ours).__name__})"
    elif ours.shape != reference.shape:
        problem = f"{what}: shape {ours.shape} in float32, {reference.shape} in float64"
    elif ours.dtype != FLOAT32:
        problem = f"{what} is {ours.dtype}, not float32: the float32 path leaves float32"
    else:
        problem = None
    if problem is not None:
        problems.append(problem)
        size = int(np.prod(shape))
        return TensorCheck(name, tuple(shape), (), np.inf, size, problem=problem, method="float32")
    error = np.abs(ours.astype(np.float64) - reference)
    scale = float(np.max(np.abs(reference))) if reference.size else 0.0
    allowed = rtol * (np.abs(reference) + scale)
    fails = ~(error <= allowed)
    worst = []
    for flat in np.argsort(-np.where(fails, error, -1).reshape(-1))[: int(fails.sum())][:5]:
        index = tuple(int(i) for i in np.unravel_index(flat, reference.shape))
        a, n, e = float(ours[index]), float(reference[index]), float(error[index])
        worst.append(WorstElement(index, (), a, n, e, e / abs(n) if n else np.inf))
    return TensorCheck(
        name=name,
        shape=tuple(reference.shape),
        output_shape=(),
        max_abs_error=float(error.max()) if error.size else 0.0,
        failing=int(fails.sum()),
        worst=worst,
        method="float32",
    )
