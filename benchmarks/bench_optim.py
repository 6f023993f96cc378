"""One optimiser step alone, on a flat parameter vector: ours against ``torch.optim``.

    PYTHONPATH=. python benchmarks/bench_optim.py            # Markdown table
    PYTHONPATH=. python benchmarks/bench_optim.py --json     # the same numbers for machines
    PYTHONPATH=. python benchmarks/bench_optim.py --quick    # tiny sizes: only checks it runs

``feval`` hands back a fixed gradient, so only the update is timed: ours is
``optim.METHOD(feval, x, config)`` (with its checks: the options, and one read of the gradient
for NaN/inf), PyTorch's ``optimizer.step()`` on a tensor sharing x's memory whose ``.grad``
shares the gradient's. The sizes are the flat vectors of the two MLPs of bench_mlp.py.
``x += g`` is the floor: one pass over the two vectors (``x.add_(g)`` for PyTorch), less than any
update can do.
"""

from __future__ import annotations

import sys

import _timing

# OpenBLAS reads its thread count when NumPy loads it, so the limit comes before the imports.
_timing.limit_threads(_timing.parse_args(__doc__, sys.argv[1:]).threads)

import numpy as np  # noqa: E402

from minitorch_l2 import optim  # noqa: E402

# (name, parameters, dtype): the MNIST MLP 784-256-256-10 and the spiral MLP 2-100-100-3
SIZES = [("MNIST MLP", 269_322, np.float32), ("spiral MLP", 10_703, np.float64)]
QUICK_SIZES = [("tiny", 64, np.float32), ("tiny", 32, np.float64)]
# (row, our method and config, PyTorch's optimizer and options)
CASES = [
    ("x += g (floor)", None, None),
    ("sgd", (optim.sgd, {"learningRate": 0.01}), ("SGD", {"lr": 0.01})),
    (
        "sgd momentum, dampening 0",
        (optim.sgd, {"learningRate": 0.01, "momentum": 0.9, "dampening": 0}),
        ("SGD", {"lr": 0.01, "momentum": 0.9}),
    ),
    (
        "sgd momentum, Lua's dampening",
        (optim.sgd, {"learningRate": 0.01, "momentum": 0.9}),
        ("SGD", {"lr": 0.01, "momentum": 0.9, "dampening": 0.9}),
    ),
    (
        "sgd nesterov",
        (optim.sgd, {"learningRate": 0.01, "momentum": 0.9, "dampening": 0, "nesterov": True}),
        ("SGD", {"lr": 0.01, "momentum": 0.9, "nesterov": True}),
    ),
    ("adam", (optim.adam, {"learningRate": 1e-3}), ("Adam", {"lr": 1e-3})),
    ("rmsprop", (optim.rmsprop, {"learningRate": 1e-3}), ("RMSprop", {"lr": 1e-3})),
]


def steps(size: int, dtype: type, torch) -> dict[str, dict]:
    """For each row: ``ours`` and ``torch`` (or None) closures doing one update in place."""
    rng = np.random.default_rng(0)
    start = rng.normal(size=size).astype(dtype)
    grad = (rng.normal(size=size) * 1e-3).astype(dtype)
    cases = {}
    for row, ours, theirs in CASES:
        x = start.copy()
        if ours is None:
            cases[row] = {"ours": lambda x=x: x.__iadd__(grad), "torch": None}
            if torch is not None:
                tensor, gradient = torch.from_numpy(x.copy()), torch.from_numpy(grad)
                cases[row]["torch"] = lambda t=tensor, g=gradient: t.add_(g)
            continue
        method, config = ours
        config = dict(config)
        cases[row] = {
            "ours": lambda x=x, m=method, c=config: m(lambda _: (0.0, grad), x, c),
            "torch": None,
        }
        if torch is not None:
            parameter = torch.from_numpy(start.copy())
            parameter.grad = torch.from_numpy(grad)
            name, options = theirs
            optimizer = getattr(torch.optim, name)([parameter], **options)
            cases[row]["torch"] = optimizer.step
    return cases


def run(args) -> None:
    torch = _timing.import_torch(args.threads)
    sizes = QUICK_SIZES if args.quick else SIZES
    sample_seconds = 0.001 if args.quick else 0.02
    rows = []
    for model, size, dtype in sizes:
        for name, case in steps(size, dtype, torch).items():
            functions = {key: f for key, f in case.items() if f is not None}
            samples = _timing.time_interleaved(functions, args.repeats, sample_seconds)
            theirs = samples.get("torch")
            rows.append(
                {
                    "vector": f"{model} ({size})",
                    "dtype": np.dtype(dtype).name,
                    "update": name,
                    "ours_seconds": _timing.median(samples["ours"]),
                    "torch_seconds": None if theirs is None else _timing.median(theirs),
                    "ratio": None
                    if theirs is None
                    else _timing.paired_ratio(samples["ours"], theirs),
                }
            )
    report = _timing.report("bench_optim", args, torch, rows)
    table = _timing.markdown_table(
        ["vector (parameters)", "dtype", "update", "ours", "PyTorch", "ours/PyTorch"],
        [
            [
                r["vector"],
                r["dtype"],
                r["update"],
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
