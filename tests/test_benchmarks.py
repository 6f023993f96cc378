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
}


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
    assert report["environment"]["threads"] == 1
    rows = report["rows"]
    assert len(rows) == SCRIPTS[name]["rows"]
    with_torch = report["environment"]["torch"] is not None
    for row in rows:
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


def test_the_suite_times_every_case_side_and_setting_in_its_own_process():
    done = run_script("bench_suite", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["benchmark"] == "bench_suite"
    sides = ["ours"] + (["torch"] if report["environment"]["torch"] else [])
    settings = ["1 thread", "default", "1 thread, loaded", "default, loaded"]
    found = {(row["case"], row["side"], row["setting"]) for row in report["rows"]}
    cases = {row["case"] for row in report["rows"]}
    assert len(cases) == 4
    assert found == {(c, side, s) for c in cases for side in sides for s in settings}
    assert all(row["seconds"] > 0 for row in report["rows"])
    # our side runs one BLAS thread whatever the setting: the policy of minitorch_l2._threads
    threads = report["environment"]["threads_seen"]
    assert all(threads[f"ours, {s}"] == 1 for s in settings)
    assert report["imports"]["minitorch_l2"] > 0
    assert report["processes"]["ours"] > 0  # the spiral example's whole process
    assert [e["library"] for e in report["epochs"]] == ["ours"]  # no peers in this Python
    goals = {goal["goal"]: goal for goal in report["goals"]}
    loaded = [name for name in goals if name.endswith("ours loaded, default/1 thread")]
    assert len(loaded) == 4 and all(goals[name]["value"] > 0 for name in loaded)
    assert any("autograd is not installed" in note for note in report["notes"])


def test_the_suite_without_torch_and_without_load_prints_its_tables(tmp_path):
    done = run_script("bench_suite", "--no-load", hide_torch=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "torch None" in lines[0]
    header = lines.index("| case | side | 1 thread | default | default/1 (loaded) |")
    table = lines[header + 2 : header + 6]
    assert [line.split(" | ")[1] for line in table] == ["ours"] * 4
    assert "note: PyTorch is not installed: its side is not timed" in lines
