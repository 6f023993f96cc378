"""Smoke test of benchmarks/: each script runs with tiny sizes, and its output has the right shape.

No timing is asserted (the numbers of a --quick run mean nothing); this only keeps the scripts
from rotting. One run per script prints JSON with PyTorch (when installed), one prints the
Markdown table with PyTorch hidden, which is also the "PyTorch missing" path.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = {
    # 13 LeNet layers and the CIFAR block, forward and forward+backward; then the step's table
    "bench_conv": {"rows": 29, "table_rows": 28, "header": "| model | layer | pass | ours |"},
    "bench_gemm": {"rows": 6, "header": "| shape (n, in, out) | dtype | product | ours |"},
    "bench_gradcheck": {"rows": 4, "header": "| layer | mode | checked × outputs | ours |"},
    "bench_mlp": {"rows": 4, "header": "| model | dtype | batch | ours |"},
    "bench_l2normalize": {"rows": 12, "header": "| shape | dtype | pass | ours |"},
    "bench_optim": {"rows": 14, "header": "| vector (parameters) | dtype | update | ours |"},
    # two tiny models x two sides, each timed with one thread and with the libraries' defaults
    "bench_threads": {"rows": 4, "header": "| model | side | 1 thread | default threads |"},
}
# What each script reports as its thread setting: 1 pinned thread, or 0 for both settings run.
THREADS = {"bench_threads": 0}


def run_script(
    name: str, *options: str, hide_torch: Path | None = None
) -> subprocess.CompletedProcess:
    path = str(ROOT)
    if hide_torch is not None:  # a torch that fails to import, found before the real one
        hide_torch.joinpath("torch.py").write_text("raise ImportError('hidden for the test')\n")
        path = os.pathsep.join([str(hide_torch), path])
    env = {**os.environ, "PYTHONPATH": path}
    return subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / f"{name}.py"), "--quick", *options],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_json_output_has_one_row_per_case(name):
    done = run_script(name, "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["benchmark"] == name
    assert report["environment"]["threads"] == THREADS.get(name, 1)
    rows = report["rows"]
    assert len(rows) == SCRIPTS[name]["rows"]
    with_torch = report["environment"]["torch"] is not None
    for row in rows:
        if name == "bench_threads":
            if row["side"] == "ours" or with_torch:
                assert row["seconds_1_thread"] > 0 and row["seconds_default_threads"] > 0
            if row["side"] == "ours" and with_torch:
                assert row["ours_over_torch_default"] > 0
            continue
        assert row["ours_seconds"] > 0
        if with_torch:
            assert row["torch_seconds"] > 0 and row["ratio"] > 0


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_markdown_table_without_torch(name, tmp_path):
    done = run_script(name, hide_torch=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "PyTorch is not installed" in done.stderr
    lines = done.stdout.splitlines()
    assert "torch not installed" in lines[0]
    header = lines.index(next(line for line in lines if line.startswith(SCRIPTS[name]["header"])))
    table = []
    for line in lines[header + 2 :]:
        if not line.startswith("|"):
            break
        table.append(line)
    assert len(table) == SCRIPTS[name].get("table_rows", SCRIPTS[name]["rows"])
    columns = lines[header].count("|")
    assert all(line.count("|") == columns for line in table)
    assert all("—" in line for line in table)  # no PyTorch column, no ratio
