"""``save`` refuses what ``load`` would refuse, before anything is written.

A module changed after its constructor into a state its ``validate()`` refuses (an int weight, a
bias deleted, a weight of the wrong shape, Dropout ``p=2.5``, one module's weight the array of
another's gradient) used to be written without complaint, and the checkpoint then failed to
load. Each kind is tampered here in a module nested in a checkpoint, saved in both formats, and
must be refused with load's error naming ``save``, the path and the module's place; the previous
file must be untouched. Legitimate sharing (clone, share, flattened parameters) still saves.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import minitorch_l2
from minitorch_l2 import nn

FORMATS = ["npz", "t7"]


def net() -> nn.Sequential:
    return nn.Sequential(nn.Linear(3, 3), nn.Tanh(), nn.Dropout(0.2), nn.Linear(3, 3))


def set_int_weight(model):
    model.get(3).weight = model.get(3).weight.astype(np.int64)


def delete_bias(model):
    del model.get(3).bias


def wrong_shape(model):
    model.get(3).weight = np.zeros((2, 4))


def dropout_p(model):
    model.get(2).p = 2.5


def non_bool_train(model):
    model.get(1).train = "no"


def aliased_gradient(model):
    model.get(3).weight = model.get(0).grad_weight  # weights that move at every backward


def aliased_view(model):
    model.get(3).bias = model.get(0).grad_weight[1]  # a view of another module's gradient


def class_constant(model):
    model.get(3).parameter_names = ()  # the class's, which a file may not set


#: (tampering, the exception, words of load's message, where: the module's place).
TAMPERINGS = [
    (set_int_weight, TypeError, "nn.Linear: weight must be float32 or float64", "(3)"),
    (delete_bias, ValueError, "bias", "(3)"),
    (wrong_shape, ValueError, "nn.Linear: weight must have shape", "(3)"),
    (dropout_p, ValueError, "nn.Dropout: p must be", "(2)"),
    (non_bool_train, TypeError, "nn.Tanh: train must be True or False", "(1)"),
    (aliased_gradient, ValueError, "share memory", "modules[3]"),
    (aliased_view, ValueError, "share memory", "modules[3]"),
    (class_constant, ValueError, "'parameter_names'", "(3)"),
]


@pytest.fixture
def previous(tmp_path):
    """A good checkpoint at each format's path, and its bytes."""
    files = {}
    for format in FORMATS:
        path = tmp_path / f"checkpoint.{format}"
        minitorch_l2.save(path, {"model": net(), "epoch": 1}, format=format)
        files[format] = path, path.read_bytes()
    return files


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize(
    "tamper, error, words, where", TAMPERINGS, ids=[t[0].__name__ for t in TAMPERINGS]
)
def test_a_tampered_module_is_refused_at_save(previous, format, tamper, error, words, where):
    path, before = previous[format]
    model = net()
    tamper(model)
    with pytest.raises(error) as raised:
        minitorch_l2.save(path, {"epoch": 2, "model": model}, format=format)
    message = str(raised.value)
    assert message.startswith(f"minitorch_l2.save: {str(path)!r} not written"), message
    assert words in message and where in message and "value['model']" in message, message
    assert "nn.Sequential" in message, message
    assert path.read_bytes() == before  # the previous checkpoint is untouched
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no temporary file


@pytest.mark.parametrize(
    "tamper, error, words, where", TAMPERINGS[:5], ids=[t[0].__name__ for t in TAMPERINGS[:5]]
)
def test_save_gives_the_words_load_gives(tmp_path, tamper, error, words, where):
    """The same check: save's message ends with load's (which names the file and place too)."""
    from minitorch_l2.serialization.saving import _save_unchecked

    model = net()
    tamper(model)
    path = tmp_path / "broken.npz"
    _save_unchecked(path, model)
    with pytest.raises(ValueError) as loading:
        minitorch_l2.load(path)
    with pytest.raises(error) as saving:
        minitorch_l2.save(tmp_path / "other.npz", model)
    reason = str(loading.value).split(": nn.", 1)[1]
    assert str(saving.value).endswith(reason)


def test_the_place_names_nested_containers_and_checkpoint_keys(tmp_path):
    inner = nn.Sequential(nn.Linear(2, 2), nn.Dropout())
    model = nn.Sequential(nn.Tanh(), nn.Concat(0).add(nn.Identity()).add(inner))
    inner.get(1).p = math.nan
    with pytest.raises(ValueError) as raised:
        minitorch_l2.save(tmp_path / "c.npz", [{"nets": (1, model)}])
    message = str(raised.value)
    place = (
        "value[0]['nets'][1].modules[1].modules[1].modules[1] (module (1) of nn.Sequential, "
        "in module (1) of nn.Concat, in module (1) of nn.Sequential): nn.Dropout: p"
    )
    assert place in message, message


def test_a_gmodule_s_child_is_checked(tmp_path):
    x = nn.Identity()()
    linear = nn.Linear(3, 3)
    graph = nn.gModule([x], [nn.Tanh()(linear(x))])
    linear.bias = np.ones(1)
    for format in FORMATS:
        with pytest.raises(ValueError, match=r"of nn\.gModule\): nn\.Linear: bias must have shape"):
            minitorch_l2.save(tmp_path / "g", graph, format=format)
    assert not (tmp_path / "g").exists()


def test_a_gmodule_whose_graph_is_broken_is_refused(tmp_path):
    x = nn.Identity()()
    graph = nn.gModule([x], [nn.Tanh()(x)])
    graph.output_nodes = [7]
    with pytest.raises(ValueError, match="nn.gModule"):
        minitorch_l2.save(tmp_path / "g.npz", graph)


@pytest.mark.parametrize("format", FORMATS)
def test_criteria_are_checked(tmp_path, format):
    criterion = nn.MultiCriterion().add(nn.MSECriterion()).add(nn.ClassNLLCriterion())
    criterion.criterions[0].size_average = "yes"
    with pytest.raises(TypeError, match=r"value\.criterions\[0\]: nn\.MSECriterion: size_average"):
        minitorch_l2.save(tmp_path / "c", criterion, format=format)
    outer = nn.ParallelCriterion()
    outer.add(criterion)
    criterion.criterions[0].size_average = True
    criterion.criterions.append(outer)  # a criterion holding itself
    criterion.weights.append(1.0)
    with pytest.raises(ValueError, match="itself"):
        minitorch_l2.save(tmp_path / "c", outer, format=format)


class Checked(nn.Module):
    """A user's module with a validate() of its own."""

    def __init__(self, scale: float) -> None:
        super().__init__()
        self.scale = scale
        self.validate()

    def validate(self) -> None:
        if not self.scale > 0:
            raise ValueError(f"Checked: scale must be positive, got {self.scale}")
        super().validate()

    def update_output(self, input: np.ndarray) -> np.ndarray:
        self.output = input * self.scale
        return self.output


def test_a_user_module_s_own_validate_runs(tmp_path):
    module = Checked(2.0)
    minitorch_l2.save(tmp_path / "ok.npz", {"m": module})
    assert minitorch_l2.load(tmp_path / "ok.npz")["m"].scale == 2.0
    module.scale = -1.0
    with pytest.raises(ValueError, match=r"value\['m'\]: Checked: scale must be positive"):
        minitorch_l2.save(tmp_path / "bad.npz", {"m": module})
    assert not (tmp_path / "bad.npz").exists()


def test_the_checks_leave_the_module_as_it_was(tmp_path):
    """validate() normalises (p = 1 → 1.0) and load resets per-call state: save does neither to
    the user's module."""
    model = nn.Sequential(nn.Linear(3, 2), nn.Dropout())
    model.get(1).p = np.float64(0.25)  # normalised to a float by validate()
    output = model.forward(np.ones((2, 3)))
    minitorch_l2.save(tmp_path / "m.npz", model)
    assert type(model.get(1).p) is np.float64
    assert model.output is output and model.get(0).output is not None


@pytest.mark.parametrize("format", FORMATS)
def test_legitimate_sharing_still_saves_and_loads(tmp_path, format):
    first = nn.Linear(3, 3)
    twin = first.clone("weight", "bias", "grad_weight", "grad_bias")
    other = nn.Linear(3, 3)
    shared = nn.Linear(3, 3).share(other, "weight", "bias")
    flat = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 3))
    flat.get_parameters()  # every parameter a view of one storage
    model = nn.Sequential(first, twin, other, shared, flat)
    path = tmp_path / "shared"
    minitorch_l2.save(path, {"model": model, "clones": [twin.clone("weight", "bias")]}, format)
    loaded = minitorch_l2.load(path)["model"]
    assert loaded.get(0).weight is loaded.get(1).weight
    assert np.shares_memory(loaded.get(2).weight, loaded.get(3).weight)
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(loaded.forward(x), model.forward(x))


def test_a_char_rnn_checkpoint_with_clones_saves(tmp_path):
    """Clones sharing one flattened storage, as char-rnn's clone_many_times makes them."""
    x, prev = nn.Identity()(), nn.Identity()()
    h = nn.Tanh()(nn.CAddTable()([nn.Linear(3, 4)(x), nn.Linear(4, 4)(prev)]))
    cell = nn.gModule([x, prev], [h])
    nn.utils.combine_all_parameters(cell)
    clones = nn.utils.clone_many_times(cell, 3)
    checkpoint = {"protos": {"rnn": cell, "criterion": nn.ClassNLLCriterion()}, "clones": clones}
    for format in FORMATS:
        minitorch_l2.save(tmp_path / f"lm.{format}", checkpoint, format=format)
        loaded = minitorch_l2.load(tmp_path / f"lm.{format}")
        assert len(loaded["clones"]) == 3
