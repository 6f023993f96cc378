"""examples/char_rnn.py: its LSTM is Lua's char-rnn LSTM, and the script trains and reports."""

from __future__ import annotations

import importlib.util
import re

import numpy as np

from minitorch_l2 import nn

from . import lua_reference as ref
from .test_examples import ROOT, run_example


def load_example():
    spec = importlib.util.spec_from_file_location("char_rnn", ROOT / "examples" / "char_rnn.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_examples_lstm_is_the_one_lua_saved():
    # models/lstm is char-rnn's LSTM.lstm(5, 8, 2) with OneHot replaced by an Identity on one-hot
    # rows; the example feeds one-hot rows straight in, which computes the same.
    model = load_example().lstm(5, 8, 2)
    entry = ref.case("models", "lstm")
    flat = ref.arrays("models", "lstm")
    params, grads = model.parameters()
    for parameter in entry["parameters"]:
        params[parameter["index"] - 1][...] = flat[parameter["key"]]
    input = ref.table(flat, "input")
    ref.assert_close(model.forward(input), ref.table(flat, "output"), "char_rnn.lstm: output")
    model.zero_grad_parameters()
    grad_input = model.backward(input, ref.table(flat, "gradOutput"))
    ref.assert_close(grad_input, ref.table(flat, "gradInput"), "char_rnn.lstm: grad_input")
    for parameter in entry["parameters"]:
        ref.assert_close(grads[parameter["index"] - 1], flat[parameter["grad_key"]], "gradient")


def test_dropout_sits_between_layers_and_before_the_decoder():
    model = load_example().lstm(5, 8, 3, dropout=0.25)
    dropouts = model.find_modules(nn.Dropout)[0]
    assert len(dropouts) == 3 and all(d.p == 0.25 for d in dropouts)
    names = [n.annotations.get("name") for n in model.forwardnodes]
    assert [n for n in names if n] == [
        "i2h_1",
        "h2h_1",
        "i2h_2",
        "h2h_2",
        "i2h_3",
        "h2h_3",
        "decoder",
    ]
    assert len(load_example().lstm(5, 8, 3).find_modules(nn.Dropout)[0]) == 0


def test_every_line_of_the_port_carries_its_lua():
    source = (ROOT / "examples" / "char_rnn.py").read_text()
    blocks = re.findall(r"# fmt: off\n(.*?)# fmt: on", source, re.S)
    assert len(blocks) == 2
    for block in blocks:
        for line in block.splitlines():
            code = line.split("#", 1)[0].strip()
            if code and not code.startswith(
                ('"""', "def ", "if x is", "start", "chunk", "inputs,")
            ):
                assert "#" in line, f"no Lua beside: {line.strip()}"
    for needle in ("model_utils.clone_many_times", "optim.rmsprop", ":split(4)", "clamp("):
        assert needle in source


def test_the_tiny_run_trains_and_reports():
    out = run_example("char_rnn.py", "--tiny")
    losses = [float(v) for v in re.findall(r"train_loss = ([\d.]+)", out)]
    assert len(losses) >= 4 and losses[-1] < losses[0]
    assert re.search(r"^sample: '", out, re.M)
    match = re.search(r"^held-out digit accuracy: (\d\.\d{4}) \(", out, re.M)
    assert match and 0.0 <= float(match.group(1)) <= 1.0
    assert re.search(r"^held-out sums: 1000, exact \d\.\d{4}$", out, re.M)


def test_digit_accuracy_scores_place_by_place():
    example = load_example()
    pairs = np.array([[23, 58], [5, 5]])
    assert example.digit_accuracy(pairs, ["81", "1"]) == (3 / 4, 1 / 2)
    assert example.digit_accuracy(pairs, ["18", "10"]) == (2 / 4, 1 / 2)
