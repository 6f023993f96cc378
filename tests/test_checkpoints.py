"""Checkpoints: any mix of modules, criteria, optimiser state and data, in both formats.

``save(path, {"model": net, "optim_state": state, "vocab": {...}, "epoch": 7})`` and back, in our
``.npz`` (no pickle) and in ``.t7``; training resumed from a checkpoint is bit-identical to
training that never stopped.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minitorch_l2
from minitorch_l2 import nn, optim

from .strategies import checkpoint_data

X = np.random.default_rng(11).normal(size=(16, 4))
TARGETS = np.random.default_rng(12).integers(0, 3, 16)


def mlp() -> nn.Sequential:
    minitorch_l2.manual_seed(4)
    return nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3), nn.LogSoftMax())


def steps(model, method, config, state, count, losses) -> None:
    """``count`` calls of ``method`` on the whole batch, in the model's dtype."""
    criterion = nn.ClassNLLCriterion()
    params, grads = model.get_parameters()
    x = X.astype(params.dtype)

    def feval(_):
        model.zero_grad_parameters()
        output = model.forward(x)
        loss = criterion.forward(output, TARGETS)
        model.backward(x, criterion.backward(output, TARGETS))
        return loss, grads

    for _ in range(count):
        losses.append([float(f) for f in method(feval, params, config, state)[1]])


ADAM = {"learning_rate": 0.01}


@pytest.mark.parametrize("format", ["npz", "t7"])
def test_training_resumed_from_a_checkpoint_is_bit_identical(tmp_path, format):
    straight, straight_losses = mlp(), []
    steps(straight, optim.adam, dict(ADAM), {}, 30, straight_losses)

    model, state, losses = mlp(), {}, []
    steps(model, optim.adam, dict(ADAM), state, 12, losses)
    path = tmp_path / f"checkpoint.{format}"
    vocab = {"a": 0, "b": 1, "é": 2}
    minitorch_l2.save(path, {"model": model, "optim_state": state, "vocab": vocab, "epoch": 7})
    del model, state

    checkpoint = minitorch_l2.load(path)
    assert checkpoint["epoch"] == 7 and checkpoint["vocab"] == vocab
    assert {"t", "m", "v", "denom"} <= set(checkpoint["optim_state"])  # Lua's names, and buffers
    assert checkpoint["optim_state"]["t"] == 12
    steps(checkpoint["model"], optim.adam, dict(ADAM), checkpoint["optim_state"], 18, losses)

    assert losses == straight_losses
    for resumed, uninterrupted in zip(
        checkpoint["model"].parameters()[0], straight.parameters()[0]
    ):
        assert resumed.tobytes() == uninterrupted.tobytes()


DECAYS = {"weight_decay": 1e-3, "learning_rate_decay": 0.01}
#: Optimisers whose state holds other things than Adam's: momentum buffers and counters (sgd),
#: lists of past directions (lbfgs), asgd's average, rprop's step sizes and bool masks.
OPTIMISERS = {
    "sgd": (
        optim.sgd,
        {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True, "dampening": 0} | DECAYS,
    ),
    "lbfgs": (optim.lbfgs, {"max_iter": 3, "learning_rate": 0.5}),
    "asgd": (optim.asgd, {"eta0": 0.1}),
    "rprop": (optim.rprop, {"stepsize": 0.01}),
}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("format", ["npz", "t7"])
@pytest.mark.parametrize("name", sorted(OPTIMISERS))
def test_every_optimiser_s_state_resumes_bit_identically(tmp_path, name, format, dtype):
    method, config = OPTIMISERS[name]
    make = (lambda: mlp().float()) if dtype == "float32" else mlp
    straight, straight_losses = make(), []
    steps(straight, method, dict(config), {}, 7, straight_losses)
    model, state, losses = make(), {}, []
    steps(model, method, dict(config), state, 3, losses)
    checkpoint = {"model": model, "config": dict(config), "optim_state": state}
    if format == "t7" and name == "rprop":  # its masks are bool arrays, which no Torch tensor is
        with pytest.raises(ValueError, match=r"\['optim_state'\]\['\w+'\] is an array of bool"):
            minitorch_l2.save(tmp_path / "c", checkpoint, format=format)
        return
    minitorch_l2.save(tmp_path / "c", checkpoint, format=format)
    back = minitorch_l2.load(tmp_path / "c")
    steps(back["model"], method, back["config"], back["optim_state"], 4, losses)
    assert losses == straight_losses
    for resumed, uninterrupted in zip(back["model"].parameters()[0], straight.parameters()[0]):
        assert resumed.dtype == np.dtype(dtype) and resumed.tobytes() == uninterrupted.tobytes()


def test_a_char_rnn_style_checkpoint_round_trips_in_t7(tmp_path):
    # char-rnn saves {protos = {rnn = ..., criterion = ...}, opt = {...}, vocab = {...}, ...}.
    protos = {"rnn": mlp(), "criterion": nn.ClassNLLCriterion()}
    opt = {"rnn_size": 128, "learning_rate": 2e-3, "model": "lstm", "gpuid": -1, "seq_length": 50}
    vocab = {"a": 1, "b": 2, "\n": 3}
    value = {"protos": protos, "opt": opt, "vocab": vocab, "val_losses": {100: 1.5, 200: 1.25}}
    minitorch_l2.save(tmp_path / "lm.t7", value)  # the suffix chooses .t7
    loaded = minitorch_l2.load(tmp_path / "lm.t7")
    assert isinstance(loaded["protos"]["rnn"], nn.Sequential)
    assert isinstance(loaded["protos"]["criterion"], nn.ClassNLLCriterion)
    assert loaded["opt"] == opt and loaded["vocab"] == vocab
    assert loaded["val_losses"] == {100: 1.5, 200: 1.25}
    np.testing.assert_array_equal(loaded["protos"]["rnn"].forward(X), protos["rnn"].forward(X))


def test_a_vocabulary_of_numpy_strings_saves_in_both_formats(tmp_path):
    # np.unique over a text's characters gives np.str_ keys (str subclasses).
    vocab = {c: i for i, c in enumerate(np.unique(list("hello world")))}
    for format in ("npz", "t7"):
        minitorch_l2.save(tmp_path / "vocab", {"vocab": vocab}, format=format)
        assert minitorch_l2.load(tmp_path / "vocab")["vocab"] == vocab


@pytest.mark.parametrize("format", ["npz", "t7"])
def test_criteria_and_shared_arrays_round_trip(tmp_path, format):
    net = mlp()
    flat, _ = net.get_parameters()
    value = {"net": net, "loss": nn.CrossEntropyCriterion(weights=[1.0, 2.0, 3.0]), "flat": flat}
    path = tmp_path / "both"
    minitorch_l2.save(path, value, format=format)
    loaded = minitorch_l2.load(path)
    assert type(loaded["loss"]) is nn.CrossEntropyCriterion
    np.testing.assert_array_equal(loaded["loss"].nll.weights, [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(loaded["flat"], flat)
    if format == "t7":  # a .t7 keeps the views of one storage as such
        assert all(p.base is loaded["flat"].base for p in loaded["net"].parameters()[0])


@settings(max_examples=40, deadline=None)
@given(value=checkpoint_data(), format=st.sampled_from(["npz", "t7"]))
def test_plain_data_round_trips_exactly(tmp_path_factory, value, format):
    path = tmp_path_factory.mktemp("data") / "value"
    minitorch_l2.save(path, value, format=format)
    assert_same(minitorch_l2.load(path), value, format)


def assert_same(loaded: object, value: object, format: str) -> None:
    """Equal, arrays bit for bit; a .t7 gives tuples back as lists and empty dicts as lists."""
    if isinstance(value, np.ndarray):
        assert loaded.dtype == value.dtype and loaded.shape == value.shape
        assert loaded.tobytes() == value.tobytes()
    elif isinstance(value, dict) and not (format == "t7" and not value):
        assert isinstance(loaded, dict) and loaded.keys() == value.keys()
        for key in value:
            assert_same(loaded[key], value[key], format)
    elif isinstance(value, list | tuple | dict):
        expected = list if format == "t7" else type(value)
        assert type(loaded) is expected and len(loaded) == len(value)
        for a, b in zip(loaded, value):
            assert_same(a, b, format)
    elif isinstance(value, float) and value != value:
        assert loaded != loaded
    else:
        assert type(loaded) is type(value) and loaded == value
