"""benchmarks/bench_conv_layouts.py runs with tiny sizes; each alternative computed the same."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_step_is_timed_both_ways():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_conv_layouts.py"), "--quick", "--json"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr  # the script checks the two agree before timing
    rows = json.loads(done.stdout)["rows"]
    assert [row["step"] for row in rows] == ["unfold", "bias", "grad_weight", "fold", "max pooling"]
    assert all(row["alternative_seconds"] > 0 and row["chosen_seconds"] > 0 for row in rows)
