"""The other examples run as scripts, with small sizes, and say what they claim."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FINAL = re.compile(r"^final accuracy: (\d\.\d{4})$", re.MULTILINE)


def run_example(name: str, *args: str) -> str:
    """Run examples/<name> in a subprocess; return its stdout (a failure shows stderr)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / name), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_lua_port_trains_and_prints_the_torch_layout():
    out = run_example("lua_port.py", "5")
    assert "[input -> (0) -> (1) -> (2) -> (3) -> output]" in out
    assert "(3): nn.LogSoftMax" in out
    assert "ConfusionMatrix:\n[[" in out and "]]  " in out and "[class: c]" in out  # Lua's print
    match = FINAL.search(out)
    assert match and float(match.group(1)) >= 0.95


EPOCH_TIME = re.compile(r"^epoch +(\d+) .*  time (\d+\.\d{3}) s$", re.MULTILINE)


def load_example(name: str) -> object:
    """examples/<name> imported as a module, to call its main() in this process."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        name.removesuffix(".py"), ROOT / "examples" / name
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Terminal:
    """A stand-in for a terminal's standard output: isatty() is True, the text is kept."""

    def __init__(self):
        self.text = []

    def isatty(self):
        return True

    def write(self, text):
        self.text.append(text)

    def flush(self):
        pass


@pytest.mark.parametrize(
    ("name", "args", "epochs"), [("lua_port.py", ["3"], 3), ("siamese.py", ["2"], 2)]
)
def test_the_examples_time_every_epoch_and_draw_a_bar_on_request(name, args, epochs, monkeypatch):
    example = load_example(name)
    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    example.main([*args, "--progress"])
    out = "".join(terminal.text)
    shown = "\n".join(line.split("\r")[-1] for line in out.split("\n"))  # as a terminal shows it
    timed = EPOCH_TIME.findall(shown)
    assert [int(e) for e, _ in timed] == list(
        range(epochs) if name == "lua_port.py" else range(1, epochs + 1)
    )
    assert "\r[" in out and "]" in out  # the bar, redrawn in place
    plain = Terminal()
    plain.isatty = lambda: False  # a pipe or a log: no bar, the same lines
    monkeypatch.setattr(sys, "stdout", plain)
    example.main(args)
    assert "\r" not in "".join(plain.text)
    assert len(EPOCH_TIME.findall("".join(plain.text))) == epochs


def test_lua_port_transcribes_every_python_line_it_claims():
    # Side by side means each statement of the training loop carries its Lua line.
    source = (ROOT / "examples" / "lua_port.py").read_text()
    loop = source[source.index("# fmt: off") : source.index("# fmt: on")]
    needles = ("model:getParameters()", "optim.sgd(feval", "criterion:backward", "model:add")
    for needle in (*needles, '{"learningRate": 0.1', "confusion:batchAdd"):
        assert needle in loop


def test_embeddings_normalised_model_ignores_document_length_and_the_plain_head_does_not():
    out = run_example("embeddings.py", "150")
    rows = {
        line.split()[0]: [float(v) for v in line.split()[1:]]
        for line in out.splitlines()
        if line.startswith(("plain ", "normalised "))
    }
    plain, normalised = rows["plain"], rows["normalised"]
    # columns: train, test, the same test documents repeated six times (accuracies), then the
    # test loss on both. A model that sees only the words' proportions scores the same on both.
    assert normalised[1] >= 0.95
    assert normalised[2] == normalised[1] and normalised[4] == normalised[3]
    assert plain[4] > 2 * plain[3]  # the plain head's logits grew with the length
    assert "(0): nn.LookupTable" in out and "(5): nn.Normalize(2)" in out
    assert float(FINAL.search(out).group(1)) == normalised[1]


def test_custom_layer_report_points_at_the_weight_gradient():
    out = run_example("custom_layer.py")
    buggy, fixed = out.split("The fixed layer:")
    assert "gradcheck __main__:BuggyScaleShift: FAIL" in buggy  # the user's class, by module
    # the summary table: tensor, shape, max abs error, failing count, result
    row = re.compile(r"^\s+(input|weight|bias)\s+\(.*\)\s+\S+\s+\d+/\d+\s+(ok|FAIL)$", re.M)
    table = dict(row.findall(buggy))
    assert table == {"input": "ok", "weight": "FAIL", "bias": "ok"}
    assert "gradcheck __main__:ScaleShift: ok" in fixed


def test_siamese_separates_unseen_pairs_with_one_set_of_shared_weights():
    out = run_example("siamese.py")
    shares = re.search(r"^matching pairs: ([\d.]+)% score above 0\.9", out, re.M)
    others = re.search(r"^other pairs: ([\d.]+)% score below 0\.1", out, re.M)
    assert shares and others and float(shares.group(1)) >= 95 and float(others.group(1)) >= 95
    # Before training the shared offset makes every pair look alike: the network learnt this.
    before = re.search(r"^epoch   0  matching > 0\.9: [\d.]+  others < 0\.1: ([\d.]+)$", out, re.M)
    assert before and float(before.group(1)) < 0.5
    sizes = re.search(r"^parameters: (\d+) numbers, one branch has (\d+)$", out, re.M)
    assert sizes and sizes.group(1) == sizes.group(2)  # the clones' weights take one place
    assert "nn.ParallelTable {" in out and "(1): nn.CosineDistance" in out


def test_load_lua_model_loads_runs_and_gradient_checks_a_lua_file():
    out = run_example("load_lua_model.py")
    assert "(0): nn.Linear(4 -> 8)" in out and "(3): nn.LogSoftMax" in out
    assert out.rstrip().endswith("gradient check: passed")
    match = re.search(r"largest difference from Lua's own output: (\S+)", out)
    if match:  # the shared Lua reference is there: Lua's own numbers, to rounding
        assert float(match.group(1)) < 1e-12


def test_load_lua_model_works_without_the_lua_files(tmp_path):
    import minitorch_l2
    from minitorch_l2 import nn

    path = tmp_path / "net.t7"
    minitorch_l2.save(path, nn.Sequential(nn.Linear(3, 2), nn.Sigmoid()))
    out = run_example("load_lua_model.py", str(path))
    assert "(1): nn.Sigmoid" in out and "gradient check: passed" in out
