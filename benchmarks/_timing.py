"""What the benchmarks share: thread limits, interleaved timing, medians, the table and the JSON.

Timing method (the machine is shared, so timings are noisy): every function of a case is timed
in *rounds*; in each round every function runs ``inner`` calls back to back (``inner`` is
calibrated once so that a sample lasts about ``sample_seconds``), and the order of the functions
rotates from round to round, so a burst of load from another process hits all of them alike.
A function's time is the median over the rounds of (sample time / inner). The ratio
ours/PyTorch is the median over the rounds of the *per-round* ratio, which pairs samples taken
a few milliseconds apart and so cancels slow drifts in the machine's load.

This module imports neither NumPy nor PyTorch: ``limit_threads`` must run before either is
loaded, because OpenBLAS reads its thread count once, when the library is loaded.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from types import ModuleType

THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def parse_args(description: str, argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The options every benchmark takes: ``--json``, ``--quick``, ``--repeats``, ``--threads``."""
    parser = argparse.ArgumentParser(description=description.strip().split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny sizes and few repeats: checks that the script runs, its numbers mean nothing",
    )
    parser.add_argument("--repeats", type=int, default=31, help="timed rounds per case (31)")
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="BLAS/OpenMP threads for both sides (1); the libraries' default threads are timed by "
        "bench_suite.py, each side in its own process",
    )
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.threads < 1:
        parser.error(
            "--repeats and --threads must be >= 1 (two sides with their default thread pools in "
            "one process measure the pools fighting: use bench_suite.py for default threads)"
        )
    if args.quick:
        args.repeats = min(args.repeats, 3)
    return args


def limit_threads(threads: int) -> None:
    """Give NumPy's OpenBLAS (and any OpenMP runtime) ``threads`` threads; call before importing.

    PyTorch's intra-op pool is set separately, with ``torch.set_num_threads``, in
    :func:`import_torch`.
    """
    if "numpy" in sys.modules:
        raise RuntimeError("limit_threads must run before NumPy is imported")
    for name in THREAD_VARIABLES:
        os.environ[name] = str(threads)


def import_torch(threads: int) -> ModuleType | None:
    """PyTorch with ``threads`` intra-op threads, or None (and a note on stderr) when missing."""
    try:
        import torch
    except ImportError:
        print(
            "note: PyTorch is not installed, so only our side is timed and no ratio is given; "
            "`pip install torch==2.13.0` (CPU) for the comparison",
            file=sys.stderr,
        )
        return None
    if threads:  # 0: the library's default (bench_suite.py's workers)
        torch.set_num_threads(threads)
    return torch


def calibrate(function: Callable[[], object], sample_seconds: float) -> int:
    """How many back-to-back calls of ``function`` last about ``sample_seconds`` (at least 1)."""
    calls = 1
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            function()
        elapsed = time.perf_counter() - start
        if elapsed >= sample_seconds / 4 or calls >= 1 << 20:
            return max(1, round(calls * sample_seconds / max(elapsed, 1e-9)))
        calls *= 2


def time_interleaved(
    functions: dict[str, Callable[[], object]], repeats: int, sample_seconds: float = 0.01
) -> dict[str, list[float]]:
    """Seconds per call of each function, one value per round, the functions interleaved.

    Each function is called a few times first (warm buffers, caches and lazy allocations).
    """
    names = list(functions)
    inner = {}
    for name in names:
        for _ in range(3):
            functions[name]()
        inner[name] = calibrate(functions[name], sample_seconds)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for round_index in range(repeats):
        shift = round_index % len(names)
        for name in names[shift:] + names[:shift]:
            function, calls = functions[name], inner[name]
            start = time.perf_counter()
            for _ in range(calls):
                function()
            samples[name].append((time.perf_counter() - start) / calls)
    return samples


def median(values: Sequence[float]) -> float:
    """The median of ``values``."""
    return statistics.median(values)


def paired_ratio(ours: Sequence[float], theirs: Sequence[float]) -> float:
    """Median over rounds of ours/theirs, each round's two samples taken close together."""
    return statistics.median(a / b for a, b in zip(ours, theirs, strict=True))


def format_time(seconds: float | None) -> str:
    """A duration in µs (below 10 ms) or ms, with 3 significant figures; ``—`` for None."""
    if seconds is None:
        return "—"
    micro = seconds * 1e6
    if micro < 10_000:
        return f"{micro:.3g} µs" if micro < 100 else f"{micro:.0f} µs"
    return f"{micro / 1000:.1f} ms"


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A GitHub Markdown table, cells converted with ``str``."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def describe_threads(threads: int) -> str:
    """``1 thread(s)``, or ``library-default threads`` for 0."""
    return f"{threads} thread(s)" if threads else "library-default threads"


def environment(threads: int, torch: ModuleType | None) -> dict[str, object]:
    """Where the numbers come from: versions, cores, threads."""
    import numpy

    return {
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "torch": None if torch is None else torch.__version__,
        "cpu_count": os.cpu_count(),
        "threads": threads,
    }


def report(
    benchmark: str,
    args: argparse.Namespace,
    torch: ModuleType | None,
    rows: list[dict],
    notes: list[str] | None = None,
) -> dict[str, object]:
    """The JSON document every benchmark prints: its name, environment, repeats, rows, notes."""
    if notes is None:
        notes = [] if torch is not None else ["PyTorch not installed: no ratios"]
    return {
        "benchmark": benchmark,
        "environment": environment(args.threads, torch),
        "repeats": args.repeats,
        "rows": rows,
        "notes": notes,
    }


def emit(report: dict[str, object], table: str, as_json: bool, method: str | None = None) -> None:
    """Print ``report`` as JSON, or the Markdown ``table`` after a line on the environment.

    ``method`` replaces the line's default end (the thread count and the interleaved rounds).
    """
    if as_json:
        json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return
    env = report["environment"]
    torch_part = f"torch {env['torch']}" if env["torch"] else "torch not installed"
    print(
        f"{report['benchmark']}: Python {env['python']}, NumPy {env['numpy']}, {torch_part}, "
        f"{env['cpu_count']} cores, "
        + (
            method
            or f"{describe_threads(env['threads'])} for each side; "
            f"median of {report['repeats']} interleaved rounds"
        )
    )
    print()
    print(table)
    for note in report.get("notes", []):
        print()
        print(f"note: {note}")
