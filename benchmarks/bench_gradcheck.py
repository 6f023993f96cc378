"""The gradient checker against ``torch.autograd.gradcheck``: time and calls, full and fast mode.

    PYTHONPATH=. python benchmarks/bench_gradcheck.py            # Markdown table
    PYTHONPATH=. python benchmarks/bench_gradcheck.py --json     # the same numbers for machines
    PYTHONPATH=. python benchmarks/bench_gradcheck.py --quick    # tiny sizes: only checks it runs

Ours is ``check_module(layer, x)`` (``mode="full"``) and ``check_module(layer, x,
mode="fast")``; PyTorch's is ``torch.autograd.gradcheck(f, (x, W, b))`` with
``fast_mode=False`` and ``True``, on the same function of the same arrays, every one of them
requiring grad: the same coverage as ours, which checks the input and every parameter. Ours also
runs its checks beyond the Jacobian (determinism, unchanged arguments, accumulation, scale: about
ten calls); PyTorch's its own (reentrant backward, undefined grad). Calls are counted on both
sides: ours from the report, PyTorch's by wrapping the function (forwards) and its output in an
identity ``autograd.Function`` whose backward counts (backwards).

A check takes seconds, not microseconds, so each side is run ``--repeats`` times at most (once
for a check of over a second) and its fastest run kept. The targets: our full check no slower
than PyTorch's (ratio ≤ 1), and our fast mode at least 10× cheaper than our full check on
``Linear(256, 256)``.
"""

from __future__ import annotations

import sys
import time

import _timing

# OpenBLAS reads its thread count when NumPy loads it, so the limit comes before the imports.
_timing.limit_threads(_timing.parse_args(__doc__, sys.argv[1:]).threads)

import numpy as np  # noqa: E402

import minitorch_l2  # noqa: E402
from minitorch_l2 import nn  # noqa: E402
from minitorch_l2.gradcheck import check_module  # noqa: E402

#: Our full check no slower than PyTorch's; our fast mode this many times cheaper than full.
FULL_TARGET = 1.0
FAST_TARGET = 10.0
FAST_CASE = "Linear(256, 256), batch 4"


def linear(n_in: int, n_out: int, batch: int):
    return lambda: (nn.Linear(n_in, n_out), (batch, n_in))


def mlp(sizes: tuple[int, int, int], batch: int):
    def make():
        net = nn.Sequential(nn.Linear(sizes[0], sizes[1]), nn.Tanh(), nn.Linear(sizes[1], sizes[2]))
        return net, (batch, sizes[0])

    return make


CASES = {
    "Linear(16, 8), batch 4": linear(16, 8, 4),
    "Tanh, (4, 16)": lambda: (nn.Tanh(), (4, 16)),
    "MLP 8-16-4 (Tanh), batch 4": mlp((8, 16, 4), 4),
    "Linear(64, 64), batch 4": linear(64, 64, 4),
    FAST_CASE: linear(256, 256, 4),
}
QUICK_CASES = {
    "Linear(3, 2), batch 2": linear(3, 2, 2),
    "Tanh, (2, 3)": lambda: (nn.Tanh(), (2, 3)),
}


def torch_function(torch, layer: nn.Module):
    """``(f, params)``: the layer as a PyTorch function of (x, *params), and its parameters."""
    if isinstance(layer, nn.Tanh):
        return (lambda x: torch.tanh(x)), []
    linears = [m for m in layer.list_modules() if isinstance(m, nn.Linear)]
    params = [torch.tensor(a, requires_grad=True) for m in linears for a in (m.weight, m.bias)]

    def f(x, *weights):
        y = x
        for k in range(len(weights) // 2):
            if k:
                y = torch.tanh(y)
            y = torch.nn.functional.linear(y, weights[2 * k], weights[2 * k + 1])
        return y

    return f, params


def torch_check(torch, f, inputs, fast: bool) -> tuple[float, int, int]:
    """Seconds, forwards and backwards of one ``torch.autograd.gradcheck``."""
    counts = {"forward": 0, "backward": 0}

    class Counted(torch.autograd.Function):
        @staticmethod
        def forward(ctx, y):
            return y.clone()

        @staticmethod
        def backward(ctx, grad):
            counts["backward"] += 1
            return grad

    def counted(*args):
        counts["forward"] += 1
        return Counted.apply(f(*args))

    start = time.perf_counter()
    if not torch.autograd.gradcheck(counted, inputs, fast_mode=fast):
        raise AssertionError("torch.autograd.gradcheck failed on a correct layer")
    return time.perf_counter() - start, counts["forward"], counts["backward"]


def ours_check(layer, x, mode: str) -> tuple[float, int, int]:
    """Seconds, forwards and backwards of one ``check_module``."""
    start = time.perf_counter()
    report = check_module(layer, x, mode=mode, max_seconds=None)
    seconds = time.perf_counter() - start
    if not report.ok:
        raise AssertionError(f"our check failed on a correct layer:\n{report}")
    return seconds, report.forward_calls, report.backward_calls


def fastest(run, repeats: int) -> tuple[float, int, int]:
    """The fastest of up to ``repeats`` runs (one for a run of over a second)."""
    best = run()
    for _ in range(repeats - 1 if best[0] < 1.0 else 0):
        best = min(best, run())
    return best


def measure(torch, layer: nn.Module, x: np.ndarray, repeats: int) -> tuple[dict, dict]:
    """``(ours, theirs)``: {mode: (seconds, forwards, backwards)} for each side."""
    ours = {
        "full": fastest(lambda: ours_check(layer, x, "full"), repeats),
        "fast": fastest(lambda: ours_check(layer, x, "fast"), repeats),
    }
    if torch is None:
        return ours, {}
    f, params = torch_function(torch, layer)
    inputs = (torch.tensor(x, requires_grad=True), *params)
    theirs = {
        "full": fastest(lambda: torch_check(torch, f, inputs, False), repeats),
        "fast": fastest(lambda: torch_check(torch, f, inputs, True), repeats),
    }
    return ours, theirs


def run(args) -> None:
    torch = _timing.import_torch(args.threads)
    cases = QUICK_CASES if args.quick else CASES
    rows = []
    for name, make in cases.items():
        minitorch_l2.manual_seed(0)
        layer, shape = make()
        x = np.random.default_rng(0).uniform(-2, 2, shape)
        ours, theirs = measure(torch, layer, x, args.repeats)
        checked = x.size + sum(p.size for p in layer.parameters()[0])
        outputs = int(np.prod(layer.forward(x).shape))
        for mode in ("full", "fast"):
            seconds, forwards, backwards = ours[mode]
            other = theirs.get(mode)
            ratio = None if other is None else seconds / other[0]
            row = {
                "layer": name,
                "mode": mode,
                "checked_elements": checked,
                "outputs": outputs,
                "ours_seconds": seconds,
                "ours_forwards": forwards,
                "ours_backwards": backwards,
                "torch_seconds": None if other is None else other[0],
                "torch_forwards": None if other is None else other[1],
                "torch_backwards": None if other is None else other[2],
                "ratio": ratio,
            }
            if mode == "full":
                row["target"] = FULL_TARGET
                row["met"] = None if ratio is None else ratio <= FULL_TARGET
            else:
                row["full_over_fast"] = ours["full"][0] / seconds
                row["full_over_fast_calls"] = sum(ours["full"][1:]) / (forwards + backwards)
                if name == FAST_CASE:
                    row["target"] = FAST_TARGET
                    row["met"] = row["full_over_fast"] >= FAST_TARGET
            rows.append(row)
    report = _timing.report("bench_gradcheck", args, torch, rows)
    table = _timing.markdown_table(
        [
            "layer",
            "mode",
            "checked × outputs",
            "ours",
            "ours calls (fwd/bwd)",
            "PyTorch",
            "PyTorch calls (fwd/bwd)",
            "ours/PyTorch",
            "full/fast (ours)",
            "target",
        ],
        [
            [
                r["layer"],
                r["mode"],
                f"{r['checked_elements']} × {r['outputs']}",
                _seconds(r["ours_seconds"]),
                f"{r['ours_forwards']:,} / {r['ours_backwards']:,}",
                _seconds(r["torch_seconds"]),
                "—"
                if r["torch_seconds"] is None
                else f"{r['torch_forwards']:,} / {r['torch_backwards']:,}",  # fmt: skip
                "—" if r["ratio"] is None else f"{r['ratio']:.2f}",
                f"{r['full_over_fast']:.0f}×" if "full_over_fast" in r else "",
                _target(r),
            ]
            for r in rows
        ],
    )
    method = (
        f"{_timing.describe_threads(args.threads)} for each side; fastest of up to "
        f"{args.repeats} runs"
    )
    _timing.emit(report, table, args.json, method)


def _seconds(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.3g} s" if value >= 0.1 else f"{value * 1000:.3g} ms"


def _target(row: dict) -> str:
    if "target" not in row:
        return ""
    kind = "≤" if row["mode"] == "full" else "full/fast ≥"
    if row.get("met") is None:
        return f"{kind} {row['target']:g}"
    return f"{kind} {row['target']:g}: {'met' if row['met'] else 'NOT met'}"


if __name__ == "__main__":
    run(_timing.parse_args(__doc__, sys.argv[1:]))
