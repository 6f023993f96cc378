"""examples/train_spiral.py: the README's first command trains the spiral past 95% accuracy."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "examples" / "train_spiral.py"
FINAL = re.compile(r"^final accuracy: (\d\.\d{4})$")


def load_example():
    spec = importlib.util.spec_from_file_location("train_spiral", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def final_accuracy(stdout: str) -> float:
    last = stdout.strip().splitlines()[-1]
    match = FINAL.match(last)
    assert match, f"the last line should be 'final accuracy: 0.xxxx', got {last!r}"
    return float(match.group(1))


def test_the_quick_start_command_runs_as_a_script():
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, str(SCRIPT)], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert final_accuracy(result.stdout) >= 0.95
    epochs = [line for line in result.stdout.splitlines() if line.startswith("epoch")]
    assert len(epochs) == 40 and "loss" in epochs[0] and "accuracy" in epochs[0]


@pytest.mark.parametrize(
    "argv",
    [
        ["--epochs", "25", "--n-per-class", "60"],
        ["--optimizer", "sgd", "--epochs", "30", "--n-per-class", "60"],
        ["--optimizer", "lbfgs", "--epochs", "8", "--n-per-class", "60"],
    ],
    ids=["adam", "sgd", "lbfgs"],
)
def test_main_with_small_sizes(capsys, argv):
    assert load_example().main(argv) == 0
    out = capsys.readouterr().out
    assert final_accuracy(out) >= 0.95
    # one log line per epoch, each with the epoch's loss and training accuracy
    epochs = int(argv[argv.index("--epochs") + 1])
    assert sum(line.startswith("epoch") for line in out.splitlines()) == epochs


def test_plot_without_matplotlib_is_a_clear_error_before_training(capsys, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib` fail
    status = load_example().main(["--plot", str(tmp_path / "spiral.png")])
    captured = capsys.readouterr()
    assert status != 0
    assert "--plot needs matplotlib" in captured.err and "pip install" in captured.err
    assert "epoch" not in captured.out and not (tmp_path / "spiral.png").exists()


def test_plot_writes_a_png(capsys, tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib not installed: plot test skipped")
    path = tmp_path / "spiral.png"
    argv = ["--epochs", "3", "--n-per-class", "30", "--plot", str(path)]
    assert load_example().main(argv) == 0
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"decision regions written to {path}" in capsys.readouterr().out


def test_bad_arguments_exit_with_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        load_example().main(["--epochs", "0"])
    assert exit_info.value.code == 2
    assert "--epochs must be >= 1" in capsys.readouterr().err
