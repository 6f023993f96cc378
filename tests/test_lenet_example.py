"""examples/lenet.py: the tutorial's LeNet on generated glyphs, beside its Lua, beats the MLP."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "examples" / "lenet.py"
ACCURACY = re.compile(r"^test accuracy: lenet (\d\.\d{4}), mlp (\d\.\d{4})$", re.MULTILINE)


def run(*args: str, cwd: Path = ROOT) -> str:
    # One BLAS thread: the suite shares its cores, and a two-thread OpenBLAS whose second
    # thread is descheduled spins, making these small products many times slower.
    env = dict(os.environ, PYTHONPATH=str(ROOT), OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_lenet_reaches_095_and_beats_the_mlp_of_its_size():
    out = run("--epochs", "6")
    lenet, mlp = map(float, ACCURACY.search(out).groups())
    assert lenet >= 0.95
    assert lenet - mlp >= 0.1
    epochs = re.findall(
        r"^lenet epoch +\d+  loss \d\.\d{4}  test accuracy \d\.\d{4}  time ", out, re.M
    )
    assert len(epochs) == 6
    assert "(0): nn.SpatialConvolution(1 -> 6, 5x5)" in out and "(12): nn.LogSoftMax" in out
    parameters = [int(n) for n in re.findall(r"(\d+) parameters", out)]
    assert len(parameters) == 2 and abs(parameters[0] - parameters[1]) < 800  # the same size


def test_plot_without_matplotlib_says_what_to_install(tmp_path):
    if importlib.util.find_spec("matplotlib") is not None:
        pytest.skip("matplotlib is installed: the message for its absence is not printed")
    out = run("--epochs", "1", "--per-class", "20", "--plot", cwd=tmp_path)
    assert "matplotlib is not installed: no pictures (pip install matplotlib)" in out
    assert not (tmp_path / "lenet_filters.png").exists()


def test_plot_saves_the_filters_and_the_errors(tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib not installed: the plot is skipped")
    out = run("--epochs", "1", "--per-class", "20", "--plot", cwd=tmp_path)
    assert "saved lenet_filters.png and lenet_errors.png" in out
    assert (tmp_path / "lenet_filters.png").stat().st_size > 0
    assert (tmp_path / "lenet_errors.png").stat().st_size > 0


def test_each_model_and_loop_line_carries_its_lua():
    source = SCRIPT.read_text()
    for lua in (
        "net:add(nn.SpatialConvolution(1, 6, 5, 5))",
        "net:add(nn.SpatialMaxPooling(2, 2, 2, 2))",
        "net:add(nn.View(16*4*4))",
        "net:add(nn.LogSoftMax())",
        "criterion = nn.ClassNLLCriterion()",
        "params, grads = net:getParameters()",
        "optim.sgd(feval, params, config)",
        "net:backward(inputs, df)",
    ):
        assert f"# {lua}" in source or f"#   {lua}" in source, lua
