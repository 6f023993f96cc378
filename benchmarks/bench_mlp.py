"""One MLP training step against PyTorch: zero the gradients, forward, cross-entropy, backward, SGD.

    PYTHONPATH=. python benchmarks/bench_mlp.py            # Markdown table
    PYTHONPATH=. python benchmarks/bench_mlp.py --json     # the same numbers for machines
    PYTHONPATH=. python benchmarks/bench_mlp.py --quick    # tiny sizes: only checks it runs

Ours is the Torch 7 loop: ``params, grads = net.get_parameters()`` once, then per step
``optim.sgd(feval, params, config)`` with a ``feval`` that zeroes the gradients, runs
``Sequential.forward``, ``CrossEntropyCriterion`` and ``Sequential.backward``. PyTorch's is
``optimizer.zero_grad(); loss_fn(model(x), t).backward(); optimizer.step()`` with the same
``torch.nn.Sequential`` of ``Linear`` and ``ReLU``, ``torch.nn.CrossEntropyLoss`` and
``torch.optim.SGD`` (plain SGD, default options). Both start from the same weights, and one step
of each is compared (gradients and updated weights) before anything is timed.

PyTorch never computes the gradient with respect to the data (the data does not require it); a
Torch-style ``Sequential`` computes every module's ``grad_input``, the first layer's included.
So each model is timed twice: as Torch computes it, and with the first layer's
``compute_grad_input = False`` (the same work as PyTorch). The target (ratio <= 0.8) is about
the second row.
"""

from __future__ import annotations

import sys

import _timing

# OpenBLAS reads its thread count when NumPy loads it, so the limit comes before the imports.
_timing.limit_threads(_timing.parse_args(__doc__, sys.argv[1:]).threads)

import numpy as np  # noqa: E402
from _mlp import check_same_step, our_model, our_step, torch_step  # noqa: E402

import minitorch_l2  # noqa: E402

TARGET = 0.8
# name -> (layer sizes, batch size, dtype)
MODELS = {
    "MNIST MLP 784-256-256-10": ((784, 256, 256, 10), 128, np.float32),
    "spiral MLP 2-100-100-3": ((2, 100, 100, 3), 300, np.float64),
}
QUICK_MODELS = {
    "tiny MLP 6-5-5-3 float32": ((6, 5, 5, 3), 4, np.float32),
    "tiny MLP 2-4-4-3 float64": ((2, 4, 4, 3), 5, np.float64),
}


def run(args) -> None:
    torch = _timing.import_torch(args.threads)
    models = QUICK_MODELS if args.quick else MODELS
    sample_seconds = 0.001 if args.quick else 0.02
    rows = []
    for name, (sizes, batch, dtype) in models.items():
        rng = np.random.default_rng(0)
        x = rng.normal(size=(batch, sizes[0])).astype(dtype)
        target = rng.integers(0, sizes[-1], size=batch)
        minitorch_l2.manual_seed(0)
        torch_like = our_model(sizes, dtype)
        torch_like.get(0).compute_grad_input = False
        full = torch_like.clone()
        full.get(0).compute_grad_input = True
        functions = {}
        for variant, net in (("all grad_input (Torch)", full), ("first layer skips", torch_like)):
            functions[variant], grads = our_step(net, x, target)
        disagreement = None
        if torch is not None:
            reference = torch_like.clone()
            step, reference_grads = our_step(reference, x, target)
            functions["torch"], model = torch_step(torch, reference, x, target)
            step()
            functions["torch"]()
            disagreement = check_same_step(torch, reference, reference_grads, model, dtype)
        samples = _timing.time_interleaved(functions, args.repeats, sample_seconds)
        for variant in ("all grad_input (Torch)", "first layer skips"):
            ours = samples[variant]
            theirs = samples.get("torch")
            ratio = None if theirs is None else _timing.paired_ratio(ours, theirs)
            rows.append(
                {
                    "model": name,
                    "dtype": np.dtype(dtype).name,
                    "batch": batch,
                    "ours": variant,
                    "ours_seconds": _timing.median(ours),
                    "torch_seconds": None if theirs is None else _timing.median(theirs),
                    "ratio": ratio,
                    "target": TARGET if variant == "first layer skips" else None,
                    "met": None
                    if ratio is None or variant != "first layer skips"
                    else ratio <= TARGET,
                    "max_relative_difference_after_one_step": disagreement,
                }
            )
    report = _timing.report("bench_mlp", args, torch, rows)
    table = _timing.markdown_table(
        ["model", "dtype", "batch", "ours", "ours step", "PyTorch step", "ours/PyTorch", "target"],
        [
            [
                r["model"],
                r["dtype"],
                r["batch"],
                r["ours"],
                _timing.format_time(r["ours_seconds"]),
                _timing.format_time(r["torch_seconds"]),
                "—" if r["ratio"] is None else f"{r['ratio']:.2f}",
                _target_cell(r),
            ]
            for r in rows
        ],
    )
    _timing.emit(report, table, args.json)


def _target_cell(row: dict) -> str:
    if row["target"] is None:
        return ""
    if row["met"] is None:
        return f"≤ {row['target']}"
    return f"≤ {row['target']}: {'met' if row['met'] else 'NOT met'}"


if __name__ == "__main__":
    run(_timing.parse_args(__doc__, sys.argv[1:]))
