"""Convolution layers and a LeNet training step against PyTorch, float32, in one run.

    PYTHONPATH=. python benchmarks/bench_conv.py              # Markdown tables, one thread
    PYTHONPATH=. python benchmarks/bench_conv.py --json       # the same numbers for machines
    PYTHONPATH=. python benchmarks/bench_conv.py --quick      # tiny sizes: only checks it runs

What is timed, ours and PyTorch's interleaved (benchmarks/_timing.py):
- every layer of a LeNet, batch 64 of 1×28×28: SpatialConvolution(1, 6, 5, 5), ReLU,
  SpatialMaxPooling(2, 2), SpatialConvolution(6, 16, 5, 5), ReLU, SpatialMaxPooling(2, 2),
  View, Linear(256, 120), ReLU, Linear(120, 84), ReLU, Linear(84, 10), LogSoftMax; each on the
  input it sees in the network, forward alone and forward + backward. The first layer skips
  ∂L/∂input (``compute_grad_input = False``), as PyTorch does for data that needs no gradient;
  PyTorch's layers are ``torch.nn``'s, each fed a leaf input that requires grad.
- a CIFAR-sized block: SpatialConvolution(64, 64, 3, 3, 1, 1, 1, 1) on 32×64×16×16.
- the whole LeNet training step with ClassNLLCriterion and ``optim.sgd`` on the flat
  parameters, against ``zero_grad``, forward, ``NLLLoss``, ``backward``, ``SGD.step``. Goal:
  ours/PyTorch ≤ 1.5. Both start from the same weights and one step of each is compared first.

At the libraries' default threads, each side alone in a process of its own and under load, the
LeNet step is timed by benchmarks/bench_suite.py (which imports this module's step functions).

Each layer's *share* is its forward + backward time over the sum of all layers' (the step less
the criterion and the optimiser). *Buffers* is what a convolution keeps between calls after a
training step (the padded input, the columns, the widened gradient, the fold image): its peak
memory, since every buffer is allocated once and reused.
"""

from __future__ import annotations

import sys
from pathlib import Path

import _timing

HERE = Path(__file__).resolve().parent

# OpenBLAS reads its thread count when NumPy loads it, so the limit comes before the imports
# (only when run: bench_suite.py imports the step functions in a process of its own).
if __name__ == "__main__":
    _timing.limit_threads(_timing.parse_args(__doc__, sys.argv[1:]).threads)

import numpy as np  # noqa: E402
from _mlp import LEARNING_RATE  # noqa: E402
from _mlp import our_step as mlp_step  # noqa: E402

import minitorch_l2  # noqa: E402
from minitorch_l2 import nn  # noqa: E402

TARGET = 1.5
DTYPE = np.float32
# (batch, image side, LeNet's classifier widths), and the CIFAR block (batch, channels, side)
FULL = {"lenet": (64, 28, (120, 84)), "block": (32, 64, 16)}
QUICK = {"lenet": (2, 16, (6, 5)), "block": (2, 4, 6)}


def lenet(side: int, widths: tuple[int, ...]) -> nn.Sequential:
    """The "Deep Learning with Torch" LeNet for 1×side×side images and 10 classes, float32."""
    pooled = ((side - 4) // 2 - 4) // 2  # the side after two 5×5 convolutions and 2×2 pools
    flat = 16 * pooled * pooled
    layers = [
        nn.SpatialConvolution(1, 6, 5, 5),
        nn.ReLU(),
        nn.SpatialMaxPooling(2, 2, 2, 2),
        nn.SpatialConvolution(6, 16, 5, 5),
        nn.ReLU(),
        nn.SpatialMaxPooling(2, 2, 2, 2),
        nn.View(flat),  # Lua: nn.View(16*4*4)
    ]
    for fan_in, fan_out in zip((flat, *widths), widths):
        layers += [nn.Linear(fan_in, fan_out), nn.ReLU()]
    layers += [nn.Linear(widths[-1], 10), nn.LogSoftMax()]
    net = nn.Sequential(*layers).type(DTYPE)
    net.get(0).compute_grad_input = False
    return net


def torch_layer(torch, module: nn.Module):
    """The ``torch.nn`` layer computing what ``module`` computes, with its weights."""
    name = type(module).__name__
    if name == "SpatialConvolution":
        layer = torch.nn.Conv2d(
            module.n_input_plane,
            module.n_output_plane,
            (module.k_h, module.k_w),
            (module.d_h, module.d_w),
            (module.pad_h, module.pad_w),
        )
    elif name == "Linear":
        layer = torch.nn.Linear(module.input_size, module.output_size)
    elif name == "SpatialMaxPooling":
        return torch.nn.MaxPool2d((module.k_h, module.k_w), (module.d_h, module.d_w))
    else:
        return {
            "ReLU": torch.nn.ReLU,
            "LogSoftMax": lambda: torch.nn.LogSoftmax(dim=1),
        }.get(name, torch.nn.Flatten)()
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(module.weight.reshape(layer.weight.shape)))
        layer.bias.copy_(torch.from_numpy(module.bias))
    return layer


def layer_functions(torch, module: nn.Module, x: np.ndarray, first: bool) -> dict:
    """Forward and forward+backward of ``module`` at ``x``, ours and (if present) PyTorch's."""
    g = np.random.default_rng(1).standard_normal(module.forward(x).shape).astype(DTYPE)
    functions = {
        "ours forward": lambda: module.forward(x),
        "ours forward+backward": lambda: (module.forward(x), module.backward(x, g)),
    }
    if torch is None:
        return functions
    layer = torch_layer(torch, module)
    xt, gt = torch.from_numpy(x).requires_grad_(not first), torch.from_numpy(g)

    def forward() -> None:
        with torch.no_grad():
            layer(xt)

    def forward_backward() -> None:
        xt.grad = None
        layer(xt).backward(gt)

    functions["torch forward"] = forward
    functions["torch forward+backward"] = forward_backward
    return functions


def buffer_bytes(module: nn.Module) -> int:
    """Bytes of every internal buffer ``module`` keeps between calls."""
    return sum(buffer.nbytes for buffer in module.__dict__.get("_buffers", {}).values())


def our_step(net: nn.Sequential, x: np.ndarray, target: np.ndarray):
    """The Torch 7 training step, ClassNLLCriterion after the net's LogSoftMax; (step, grads)."""
    return mlp_step(net, x, target, nn.ClassNLLCriterion())


def torch_step(torch, net: nn.Sequential, x: np.ndarray, target: np.ndarray):
    """The same network in PyTorch with ``net``'s weights; returns (step, model)."""
    model = torch.nn.Sequential(*(torch_layer(torch, module) for module in net.modules))
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    loss_fn = torch.nn.NLLLoss()
    x_t, target_t = torch.from_numpy(x), torch.from_numpy(target)

    def step() -> None:
        optimizer.zero_grad()
        loss_fn(model(x_t), target_t).backward()
        optimizer.step()

    return step, model


def check_same_step(net: nn.Sequential, grads: np.ndarray, model) -> float:
    """Largest relative difference of the gradients and weights after one step of each."""
    import torch

    ours_params = net.get_parameters()[0]
    theirs_grad = torch.cat([p.grad.reshape(-1) for p in model.parameters()]).numpy()
    theirs_params = torch.cat([p.detach().reshape(-1) for p in model.parameters()]).numpy()
    worst = 0.0
    for a, b in ((grads, theirs_grad), (ours_params, theirs_params)):
        worst = max(worst, float(np.max(np.abs(a - b)) / np.max(np.abs(b))))
    if not worst <= 1e-4:
        raise AssertionError(f"ours and PyTorch disagree after one step: {worst:.3g}")
    return worst


def time_layers(torch, name: str, net: nn.Sequential, x: np.ndarray, args, seconds) -> list:
    """One row per layer and pass; ``share`` is filled in by the caller."""
    rows = []
    current = x
    for index, module in enumerate(net.modules):
        functions = layer_functions(torch, module, current, first=index == 0)
        samples = _timing.time_interleaved(functions, args.repeats, seconds)
        for which in ("forward", "forward+backward"):
            ours, theirs = samples[f"ours {which}"], samples.get(f"torch {which}")
            rows.append(
                {
                    "model": name,
                    "layer": f"({index}) {module!r}",
                    "pass": which,
                    "ours_seconds": _timing.median(ours),
                    "torch_seconds": None if theirs is None else _timing.median(theirs),
                    "ratio": None if theirs is None else _timing.paired_ratio(ours, theirs),
                    "buffer_bytes": buffer_bytes(module) or None,
                }
            )
        current = module.forward(current).copy()
    both = [row for row in rows if row["pass"] == "forward+backward"]
    total = sum(row["ours_seconds"] for row in both)
    for row in both:
        row["share"] = row["ours_seconds"] / total
    return rows


def _step_inputs(sizes: dict):
    batch, side, widths = sizes["lenet"]
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, 1, side, side)).astype(DTYPE)
    target = rng.integers(0, 10, size=batch)
    minitorch_l2.manual_seed(0)
    return lenet(side, widths), x, target


def run(args) -> None:
    torch = _timing.import_torch(args.threads)
    sizes = QUICK if args.quick else FULL
    seconds = 0.001 if args.quick else 0.02
    net, x, target = _step_inputs(sizes)
    batch = x.shape[0]
    rows = time_layers(torch, "LeNet", net, x, args, seconds)
    rng = np.random.default_rng(1)

    n, planes, block_side = sizes["block"]
    block = nn.Sequential(nn.SpatialConvolution(planes, planes, 3, 3, 1, 1, 1, 1)).type(DTYPE)
    block_x = rng.standard_normal((n, planes, block_side, block_side)).astype(DTYPE)
    block_rows = time_layers(torch, "CIFAR block", block, block_x, args, seconds)
    for row in block_rows:
        row.pop("share", None)
    rows += block_rows

    functions, grads = {}, None
    functions["ours"], grads = our_step(net, x, target)
    disagreement = None
    if torch is not None:
        reference = net.clone()
        reference.get(0).compute_grad_input = False
        step, reference_grads = our_step(reference, x, target)
        functions["torch"], model = torch_step(torch, reference, x, target)
        step()
        functions["torch"]()
        disagreement = check_same_step(reference, reference_grads, model)
    samples = _timing.time_interleaved(functions, args.repeats, seconds)
    theirs = samples.get("torch")
    ratio = None if theirs is None else _timing.paired_ratio(samples["ours"], theirs)
    step_row = {
        "model": "LeNet",
        "layer": f"training step, batch {batch}",
        "pass": "step",
        "ours_seconds": _timing.median(samples["ours"]),
        "torch_seconds": None if theirs is None else _timing.median(theirs),
        "ratio": ratio,
        "target": TARGET,
        "met": None if ratio is None else ratio <= TARGET,
        "max_relative_difference_after_one_step": disagreement,
    }
    rows.append(step_row)
    report = _timing.report("bench_conv", args, torch, rows)
    _timing.emit(report, _tables(rows), args.json)


def _tables(rows: list[dict]) -> str:
    layers = _timing.markdown_table(
        ["model", "layer", "pass", "ours", "PyTorch", "ours/PyTorch", "share", "buffers"],
        [
            [
                r["model"],
                r["layer"],
                r["pass"],
                _timing.format_time(r["ours_seconds"]),
                _timing.format_time(r["torch_seconds"]),
                _ratio(r["ratio"]),
                f"{r['share']:.0%}" if r.get("share") is not None else "",
                _bytes(r["buffer_bytes"]),
            ]
            for r in rows
            if r["pass"] != "step"
        ],
    )
    step = _timing.markdown_table(
        ["model", "pass", "ours", "PyTorch", "ours/PyTorch", "target"],
        [
            [
                r["layer"],
                r["pass"],
                _timing.format_time(r["ours_seconds"]),
                _timing.format_time(r["torch_seconds"]),
                _ratio(r["ratio"]),
                _target(r),
            ]
            for r in rows
            if r["pass"] == "step"
        ],
    )
    return f"{layers}\n\n{step}"


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _bytes(count: int | None) -> str:
    if not count:
        return ""
    return f"{count / 2**20:.2f} MiB" if count >= 2**20 else f"{count / 2**10:.0f} KiB"


def _target(row: dict) -> str:
    if row["met"] is None:
        return f"≤ {row['target']}"
    return f"≤ {row['target']}: {'met' if row['met'] else 'NOT met'}"


if __name__ == "__main__":
    run(_timing.parse_args(__doc__, sys.argv[1:]))
