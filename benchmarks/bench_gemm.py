"""The matrix products inside the MLP benchmark, alone: NumPy's BLAS against PyTorch's.

    PYTHONPATH=. python benchmarks/bench_gemm.py            # Markdown table
    PYTHONPATH=. python benchmarks/bench_gemm.py --json     # the same numbers for machines
    PYTHONPATH=. python benchmarks/bench_gemm.py --quick    # tiny sizes: only checks it runs

A Linear layer with input x (n, in), weight W (out, in) and gradient G = ∂L/∂y (n, out) runs
three products per training step: y = x Wᵀ (forward), ∂L/∂x = G W and ∂L/∂W = Gᵀ x
(backward). Each is timed here as ``np.matmul`` into a preallocated output against
``torch.mm(..., out=)`` on tensors sharing the same memory, one thread each, for the layers of
benchmarks/bench_mlp.py that dominate its step. This explains most of that benchmark's ratio:
whatever the framework around them, the products cost what the BLAS library makes them cost.
"""

from __future__ import annotations

import sys

import _timing

# OpenBLAS reads its thread count when NumPy loads it, so the limit comes before the imports.
_timing.limit_threads(_timing.parse_args(__doc__, sys.argv[1:]).threads)

import numpy as np  # noqa: E402

# (n, in, out, dtype): the two big layers of the MNIST MLP and the spiral's hidden layer
LAYERS = [
    (128, 784, 256, np.float32),
    (128, 256, 256, np.float32),
    (300, 100, 100, np.float64),
]
QUICK_LAYERS = [(4, 6, 5, np.float32), (3, 4, 4, np.float64)]
PRODUCTS = ("x Wᵀ", "G W", "Gᵀ x")


def products(n: int, fan_in: int, fan_out: int, dtype: type, torch) -> dict[str, dict]:
    """For each product: ``ours`` (NumPy) and ``torch`` (or None) closures writing in place."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, fan_in)).astype(dtype)
    weight = rng.normal(size=(fan_out, fan_in)).astype(dtype)
    grad = rng.normal(size=(n, fan_out)).astype(dtype)
    outputs = {
        "x Wᵀ": np.empty((n, fan_out), dtype),
        "G W": np.empty_like(x),
        "Gᵀ x": np.empty_like(weight),
    }
    ours = {
        "x Wᵀ": lambda: np.matmul(x, weight.T, out=outputs["x Wᵀ"]),
        "G W": lambda: np.matmul(grad, weight, out=outputs["G W"]),
        "Gᵀ x": lambda: np.matmul(grad.T, x, out=outputs["Gᵀ x"]),
    }
    cases = {name: {"ours": ours[name], "torch": None} for name in PRODUCTS}
    if torch is not None:
        x_t, w_t, g_t = (torch.from_numpy(a) for a in (x, weight, grad))
        out_t = {name: torch.from_numpy(np.empty_like(a)) for name, a in outputs.items()}
        cases["x Wᵀ"]["torch"] = lambda: torch.mm(x_t, w_t.t(), out=out_t["x Wᵀ"])
        cases["G W"]["torch"] = lambda: torch.mm(g_t, w_t, out=out_t["G W"])
        cases["Gᵀ x"]["torch"] = lambda: torch.mm(g_t.t(), x_t, out=out_t["Gᵀ x"])
        for name, case in cases.items():  # same numbers on both sides before any timing
            case["ours"](), case["torch"]()
            ours_out, theirs_out = outputs[name], out_t[name].numpy()
            # relative to the largest entry: single elements cancel down to rounding noise
            worst = np.max(np.abs(ours_out - theirs_out)) / np.max(np.abs(theirs_out))
            if not worst <= (1e-5 if dtype == np.float32 else 1e-13):
                raise AssertionError(f"{name} at {n, fan_in, fan_out}: results differ by {worst}")
    return cases


def run(args) -> None:
    torch = _timing.import_torch(args.threads)
    layers = QUICK_LAYERS if args.quick else LAYERS
    sample_seconds = 0.001 if args.quick else 0.02
    rows = []
    for n, fan_in, fan_out, dtype in layers:
        for name, case in products(n, fan_in, fan_out, dtype, torch).items():
            functions = {key: f for key, f in case.items() if f is not None}
            samples = _timing.time_interleaved(functions, args.repeats, sample_seconds)
            theirs = samples.get("torch")
            rows.append(
                {
                    "shape": f"({n}, {fan_in}, {fan_out})",
                    "dtype": np.dtype(dtype).name,
                    "product": name,
                    "ours_seconds": _timing.median(samples["ours"]),
                    "torch_seconds": None if theirs is None else _timing.median(theirs),
                    "ratio": None
                    if theirs is None
                    else _timing.paired_ratio(samples["ours"], theirs),
                }
            )
    report = _timing.report("bench_gemm", args, torch, rows)
    table = _timing.markdown_table(
        ["shape (n, in, out)", "dtype", "product", "ours", "PyTorch", "ours/PyTorch"],
        [
            [
                r["shape"],
                r["dtype"],
                r["product"],
                _timing.format_time(r["ours_seconds"]),
                _timing.format_time(r["torch_seconds"]),
                "—" if r["ratio"] is None else f"{r['ratio']:.2f}",
            ]
            for r in rows
        ],
    )
    _timing.emit(report, table, args.json)


if __name__ == "__main__":
    run(_timing.parse_args(__doc__, sys.argv[1:]))
