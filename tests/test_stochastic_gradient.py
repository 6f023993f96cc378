"""nn.StochasticGradient: Lua's trainer — the nn docs' XOR example, schedule, hooks, printing."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest

import minitorch_l2
from minitorch_l2 import nn


class Dataset(list):
    """Lua's dataset protocol: ``dataset:size()`` and ``dataset[i] = {input, target}``."""

    def size(self) -> int:
        return len(self)


def xor_dataset(n: int = 100) -> Dataset:
    """The nn docs' dataset: x ~ N(0, I₂), target −1 when x₁x₂ > 0 else 1, as a 1-vector."""
    rng = minitorch_l2.generator()
    dataset = Dataset()
    for _ in range(n):
        x = rng.standard_normal(2)
        dataset.append((x, np.array([-1.0 if x[0] * x[1] > 0 else 1.0])))
    return dataset


def xor_mlp() -> nn.Sequential:
    return nn.Sequential(nn.Linear(2, 20), nn.Tanh(), nn.Linear(20, 1))


def test_the_nn_docs_xor_example_learns_xor(capsys):
    minitorch_l2.manual_seed(0)
    dataset = xor_dataset()
    mlp = xor_mlp()
    trainer = nn.StochasticGradient(mlp, nn.MSECriterion())  # Lua: nn.StochasticGradient(...)
    trainer.learningRate = 0.01
    error = trainer.train(dataset)
    # The docs: (0.5, 0.5) → −0.35, (0.5, −0.5) → 1.06, (−0.5, 0.5) → 0.86, (−0.5, −0.5) → −0.29
    outputs = [mlp.forward(np.array(p))[0] for p in [(0.5, 0.5), (0.5, -0.5), (-0.5, 0.5)]]
    outputs.append(mlp.forward(np.array([-0.5, -0.5]))[0])
    assert outputs[0] < 0 < outputs[1] and outputs[2] > 0 > outputs[3]
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "# StochasticGradient: training"
    epochs = [line for line in lines if line.startswith("# current error = ")]
    assert len(epochs) == 25  # Lua's default maxIteration
    errors = [float(re.match(r"# current error = (\S+)", line).group(1)) for line in epochs]
    assert errors[-1] < errors[0] and errors[-1] == pytest.approx(error, rel=1e-13)
    assert all(re.search(r"\(\d+\.\d\d s\)$", line) for line in epochs)  # the epoch's time
    assert "accuracy" not in epochs[0]  # MSE targets are not class indices
    assert lines[-2:] == [
        "# StochasticGradient: you have reached the maximum number of iterations",
        f"# training error = {error:.14g}",
    ]


def test_each_example_is_one_sgd_step_with_luas_rate_schedule():
    minitorch_l2.manual_seed(3)
    dataset = xor_dataset(6)
    mlp, copy = xor_mlp(), None
    copy = mlp.clone()
    criterion = nn.MSECriterion()
    trainer = nn.StochasticGradient(
        mlp, criterion, learning_rate=0.1, learning_rate_decay=0.5, max_iteration=3
    )
    trainer.shuffle_indices = False
    trainer.verbose = False
    trainer.train(dataset)
    # By hand: epoch 1 at η, then η / (1 + kρ) for epochs k = 2, 3 (Lua's schedule)
    for rate in (0.1, 0.1 / (1 + 2 * 0.5), 0.1 / (1 + 3 * 0.5)):
        for x, y in dataset:
            copy.zero_grad_parameters()
            out = copy.forward(x)
            copy.backward(x, criterion.backward(out, y))
            for param, grad in zip(*copy.parameters()):
                param -= rate * grad
    for ours, expected in zip(mlp.parameters()[0], copy.parameters()[0]):
        np.testing.assert_allclose(ours, expected, rtol=1e-14, atol=1e-15)


def test_hooks_see_every_example_and_epoch_in_one_shuffled_order():
    minitorch_l2.manual_seed(5)
    dataset = xor_dataset(8)
    seen, epochs = [], []
    trainer = nn.StochasticGradient(xor_mlp(), nn.MSECriterion(), max_iteration=3, verbose=False)
    trainer.hookExample = lambda t, example: seen.append(
        next(i for i, e in enumerate(dataset) if e is example)
    )
    trainer.hookIteration = lambda t, iteration, error: epochs.append((t, iteration, error))
    last = trainer.train(dataset)
    orders = [seen[0:8], seen[8:16], seen[16:24]]
    assert sorted(orders[0]) == list(range(8)) and orders[0] != list(range(8))
    assert orders[0] == orders[1] == orders[2]  # Lua draws one permutation for the whole run
    assert [(t, i) for t, i, _ in epochs] == [(trainer, 1), (trainer, 2), (trainer, 3)]
    assert epochs[-1][2] == last


def test_accuracy_is_printed_for_class_targets(capsys):
    minitorch_l2.manual_seed(0)
    X = minitorch_l2.generator().standard_normal((40, 2))
    dataset = [(x, int(x[0] > 0)) for x in X]  # a plain list works too
    model = nn.Sequential(nn.Linear(2, 2), nn.LogSoftMax())
    nn.StochasticGradient(model, nn.ClassNLLCriterion(), learning_rate=0.2, max_iteration=5).train(
        dataset
    )
    epochs = [s for s in capsys.readouterr().out.splitlines() if s.startswith("# current")]
    accuracies = [float(re.search(r"accuracy (\d\.\d{4})", line).group(1)) for line in epochs]
    assert len(accuracies) == 5 and accuracies[-1] >= 0.9


def test_max_iteration_zero_runs_until_a_hook_stops_it():
    class Enough(Exception):
        pass

    def stop_after_four(trainer, iteration, error):
        if iteration == 4:
            raise Enough

    trainer = nn.StochasticGradient(
        xor_mlp(), nn.MSECriterion(), max_iteration=0, verbose=False, hook_iteration=stop_after_four
    )
    with pytest.raises(Enough):
        trainer.train(xor_dataset(4))


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_progress_draws_a_bar_on_a_terminal_only(monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr("sys.stdout", terminal)
    nn.StochasticGradient(xor_mlp(), nn.MSECriterion(), max_iteration=1, progress=True).train(
        xor_dataset(5)
    )
    drawn = terminal.getvalue()
    assert "\r[" in drawn and "] 5/5" in drawn  # the last redraw shows every example
    epoch = next(line for line in drawn.split("\n") if "# current error = " in line)
    assert epoch.split("\r")[-1].startswith("# current error = ")  # the bar wiped first
    pipe = io.StringIO()  # not a terminal: no bar, no carriage returns
    monkeypatch.setattr("sys.stdout", pipe)
    nn.StochasticGradient(xor_mlp(), nn.MSECriterion(), max_iteration=1, progress=True).train(
        xor_dataset(5)
    )
    assert "\r" not in pipe.getvalue() and "# current error = " in pipe.getvalue()


def test_quiet_training_prints_nothing(capsys):
    nn.StochasticGradient(xor_mlp(), nn.MSECriterion(), max_iteration=2, verbose=False).train(
        xor_dataset(3)
    )
    assert capsys.readouterr().out == ""


def test_lua_field_names_are_the_settings():
    trainer = nn.StochasticGradient(xor_mlp(), nn.MSECriterion())
    assert (trainer.learningRate, trainer.maxIteration, trainer.shuffleIndices) == (0.01, 25, True)
    trainer.learningRateDecay = 0.1
    assert trainer.learning_rate_decay == 0.1


@pytest.mark.parametrize(
    ("setting", "value", "error", "message"),
    [
        ("learning_rate", -0.1, ValueError, r"learning_rate must be a finite number in \[0"),
        ("max_iteration", -1, ValueError, r"max_iteration must be in \[0"),
        ("max_iteration", 2.5, TypeError, r"max_iteration must be an int"),
        ("shuffle_indices", "yes", TypeError, r"shuffle_indices must be True or False"),
        ("hook_example", "print", TypeError, r"hook_example must be a function or None"),
    ],
)
def test_bad_settings_are_refused_when_training(setting, value, error, message):
    trainer = nn.StochasticGradient(xor_mlp(), nn.MSECriterion(), verbose=False)
    setattr(trainer, setting, value)  # Lua code sets the fields after construction
    with pytest.raises(error, match=rf"nn\.StochasticGradient: {message}"):
        trainer.train(xor_dataset(2))


def test_bad_datasets_and_losses_are_clear_errors():
    trainer = nn.StochasticGradient(xor_mlp(), nn.MSECriterion(), verbose=False)
    with pytest.raises(TypeError, match=r"the dataset must have size\(\) \(or len\) >= 1"):
        trainer.train(object())
    with pytest.raises(TypeError, match=r"dataset\[0\] must be a pair \(input, target\)"):
        trainer.train([np.zeros(2)])
    overflowing = [(np.array([1e200, 0.0]), np.array([1.0]))]  # finite input, (1e200)² = inf
    with pytest.raises(ValueError, match=r"the loss of example 0 is inf; stopping"):
        with pytest.warns(RuntimeWarning):
            nn.StochasticGradient(nn.Identity(), nn.MSECriterion(), verbose=False).train(
                [(x[:1], y) for x, y in overflowing]
            )
    with pytest.raises(TypeError, match=r"module must be an nn.Module"):
        nn.StochasticGradient(nn.MSECriterion(), nn.MSECriterion())
