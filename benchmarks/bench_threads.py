"""The MLP training step with one thread and with the libraries' default threads, each side alone.

    PYTHONPATH=. python benchmarks/bench_threads.py            # Markdown table
    PYTHONPATH=. python benchmarks/bench_threads.py --json     # the same numbers for machines
    PYTHONPATH=. python benchmarks/bench_threads.py --quick    # tiny sizes: only checks it runs

benchmarks/bench_mlp.py pins one thread on each side and interleaves the two, which is fair but
is not what a user runs: NumPy's OpenBLAS and PyTorch each start as many threads as there are
cores. Two thread pools in one process busy-wait against each other, so here every (side,
threads) pair is timed in a process of its own, the training step of bench_mlp.py alone:
- ``1``: ``OPENBLAS_NUM_THREADS=OMP_NUM_THREADS=MKL_NUM_THREADS=1``, ``torch.set_num_threads(1)``;
- ``default``: none of those set, what ``pip install`` and ``python train.py`` give.

The column ``default / 1`` says what the default threads buy (or cost); a value far above 1 is a
pathology worth fixing — minitorch_l2 once called SciPy's BLAS beside NumPy's, two OpenBLAS
copies with two pools, and its default-thread step was 8.7–10× its one-thread step (see
minitorch_l2/_blas.py). The ratio ours/PyTorch at default threads compares separate processes
run one after the other, so it carries more noise than bench_mlp.py's interleaved ratios.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import _timing

HERE = Path(__file__).resolve().parent
SETTINGS = {"1": 1, "default": 0}  # --threads value of the worker process
_NOTES_SHOWN: set[str] = set()


def worker(side: str, model: str, threads: int, quick: bool, repeats: int) -> None:
    """In a fresh process: time one side's training step of ``model``; print seconds as JSON."""
    # bench_mlp applies --threads when it is imported, before NumPy loads.
    sys.argv = ["bench_mlp.py", "--threads", str(threads)] + (["--quick"] if quick else [])
    import bench_mlp
    import numpy as np

    models = bench_mlp.QUICK_MODELS if quick else bench_mlp.MODELS
    sizes, batch, dtype = models[model]
    rng = np.random.default_rng(0)
    x = rng.normal(size=(batch, sizes[0])).astype(dtype)
    target = rng.integers(0, sizes[-1], size=batch)
    bench_mlp.minitorch_l2.manual_seed(0)
    net = bench_mlp.our_model(sizes, dtype)
    net.get(0).compute_grad_input = False  # the same work as PyTorch (see bench_mlp)
    if side == "ours":
        step, _ = bench_mlp.our_step(net, x, target)
    else:
        torch = _timing.import_torch(threads)
        if torch is None:
            print(json.dumps(None))
            return
        step, _ = bench_mlp.torch_step(torch, net, x, target)
    samples = _timing.time_interleaved({side: step}, repeats, 0.001 if quick else 0.02)
    print(json.dumps(_timing.median(samples[side])))


def time_in_process(side: str, model: str, threads: int, args) -> float | None:
    """Seconds per step of ``side`` on ``model``, measured by :func:`worker` in a new process."""
    path = [os.environ.get("PYTHONPATH", ""), str(HERE.parent), str(HERE)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(part for part in path if part)}
    for name in _timing.THREAD_VARIABLES:
        env.pop(name, None)  # the worker sets them, or leaves them unset for "default"
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", side, model]
    command += [str(threads), str(int(args.quick)), str(args.repeats)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"bench_threads worker {side} {model} failed:\n{done.stderr}")
    for line in done.stderr.splitlines():  # e.g. the note that PyTorch is missing, once
        if line not in _NOTES_SHOWN:
            _NOTES_SHOWN.add(line)
            print(line, file=sys.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(args) -> None:
    import bench_mlp  # only for the model names; this process times nothing

    models = bench_mlp.QUICK_MODELS if args.quick else bench_mlp.MODELS
    rows = []
    for model in models:
        times = {
            (side, label): time_in_process(side, model, threads, args)
            for side in ("ours", "torch")
            for label, threads in SETTINGS.items()
        }
        for side in ("ours", "torch"):
            one, default = times[side, "1"], times[side, "default"]
            rows.append(
                {
                    "model": model,
                    "side": side,
                    "seconds_1_thread": one,
                    "seconds_default_threads": default,
                    "default_over_1": None if one is None else default / one,
                    "ours_over_torch_default": _ratio(
                        times["ours", "default"], times["torch", "default"]
                    )
                    if side == "ours"
                    else None,
                }
            )
    torch_missing = all(row["seconds_1_thread"] is None for row in rows if row["side"] == "torch")
    notes = ["each (side, threads) timed in its own process, one after the other"]
    if torch_missing:
        notes.append("PyTorch not installed: its rows are empty")
    args.threads = 0  # the JSON environment's "threads": 0, both settings were run
    report = _timing.report("bench_threads", args, None if torch_missing else _torch(), rows, notes)
    method = (
        f"1 thread and library-default threads, each side alone in its own process; "
        f"median of {args.repeats} rounds"
    )
    table = _timing.markdown_table(
        ["model", "side", "1 thread", "default threads", "default / 1", "ours/PyTorch (default)"],
        [
            [
                r["model"],
                "ours" if r["side"] == "ours" else "PyTorch",
                _timing.format_time(r["seconds_1_thread"]),
                _timing.format_time(r["seconds_default_threads"]),
                _format_ratio(r["default_over_1"]),
                _format_ratio(r["ours_over_torch_default"]) if r["side"] == "ours" else "",
            ]
            for r in rows
        ],
    )
    _timing.emit(report, table, args.json, method)


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a / b


def _format_ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _torch():
    import torch  # installed (a worker measured it); only its version is reported

    return torch


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        side, model, threads, quick, repeats = sys.argv[2:7]
        worker(side, model, int(threads), quick == "1", int(repeats))
    else:
        options = _timing.parse_args(__doc__, sys.argv[1:])
        if options.threads != 1:
            sys.exit("bench_threads: --threads is not an option here; both settings are run")
        run(options)
