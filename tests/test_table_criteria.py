"""MarginRankingCriterion, ParallelCriterion, MultiCriterion: Lua's numbers, PyTorch, errors."""

from __future__ import annotations

import numpy as np
import pytest

from minitorch_l2 import nn

from . import lua_reference as ref


class AbsCriterionFixture(nn.Criterion):
    """Lua's AbsCriterion (L = Σ|x − t| / N), for the Lua cases until nn.AbsCriterion exists."""

    def update_output(self, input, target):
        self.output = float(np.abs(input - target).sum())
        return self.output / input.size if self.size_average else self.output

    def update_grad_input(self, input, target):
        self.grad_input = np.sign(input - target) / (input.size if self.size_average else 1)
        return self.grad_input


def absolute():
    return getattr(nn, "AbsCriterion", AbsCriterionFixture)()


def zero_based_classes(target):
    return [target[0], ref.lua_target_to_zero_based(target[1])]


# case name: (Lua's constructor and setup; ours; the target in our convention, or None)
CRITERIA = {
    "MarginRankingCriterion": (
        "nn.MarginRankingCriterion(0.5)",
        lambda: nn.MarginRankingCriterion(0.5),
        None,
    ),
    "MarginRankingCriterion_single": (
        "nn.MarginRankingCriterion(0.5)",
        lambda: nn.MarginRankingCriterion(0.5),
        None,
    ),
    "MarginRankingCriterion_sum": (
        "nn.MarginRankingCriterion(0.5)",  # setup: c.sizeAverage = false
        lambda: nn.MarginRankingCriterion(0.5, size_average=False),
        None,
    ),
    "MultiCriterion": (
        "nn.MultiCriterion():add(nn.MSECriterion(), 0.5):add(nn.AbsCriterion())",
        lambda: nn.MultiCriterion().add(nn.MSECriterion(), 0.5).add(absolute()),
        None,
    ),
    "ParallelCriterion": (
        "nn.ParallelCriterion():add(nn.MSECriterion(), 0.5):add(nn.ClassNLLCriterion())",
        lambda: nn.ParallelCriterion().add(nn.MSECriterion(), 0.5).add(nn.ClassNLLCriterion()),
        zero_based_classes,
    ),
    "ParallelCriterion_repeatTarget": (
        "nn.ParallelCriterion(true):add(nn.MSECriterion()):add(nn.AbsCriterion(), 2)",
        lambda: nn.ParallelCriterion(True).add(nn.MSECriterion()).add(absolute(), 2),
        None,
    ),
}


@pytest.mark.parametrize("name", sorted(CRITERIA))
def test_criterion_matches_lua(name):
    entry = ref.case("criteria", name)
    lua, make, translate = CRITERIA[name]
    assert entry["lua"] == lua
    flat = ref.arrays("criteria", name)
    target = ref.table(flat, "target")
    ref.run_criterion_case(make(), name, target=translate(target) if translate else target)


def test_every_lua_case_of_these_criteria_is_run():
    ref.require()
    classes = {f"nn.{type(make()).__name__}" for _, make, _ in CRITERIA.values()}
    cases = {name for name, entry in ref.cases("criteria").items() if entry["class"] in classes}
    assert cases == set(CRITERIA)
    assert ref.case("criteria", "MarginRankingCriterion_sum")["setup"] == "c.sizeAverage = false"


def test_margin_ranking_matches_pytorch(torch):
    rng = np.random.default_rng(0)
    x1, x2 = rng.normal(size=7), rng.normal(size=7)
    y = rng.choice([-1.0, 1.0], 7)
    t1, t2 = (torch.tensor(x, requires_grad=True) for x in (x1, x2))
    loss = torch.nn.functional.margin_ranking_loss(t1, t2, torch.tensor(y), margin=0.3)
    loss.backward()
    criterion = nn.MarginRankingCriterion(0.3)
    assert criterion.forward([x1, x2], y) == pytest.approx(loss.item(), rel=1e-12)
    grads = criterion.backward([x1, x2], y)
    np.testing.assert_allclose(grads[0], t1.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(grads[1], t2.grad.numpy(), rtol=1e-12)


def test_margin_ranking_counts_a_pair_exactly_on_the_margin_as_lua_does():
    # Lua's mask is dist >= 0: a pair with −y (x1 − x2) + margin = 0 still gets a gradient.
    criterion = nn.MarginRankingCriterion(1.0, size_average=False)
    x = [np.array([2.0, 0.0]), np.array([1.0, 5.0])]
    y = np.array([1.0, 1.0])
    assert criterion.forward(x, y) == 6.0
    assert [g.tolist() for g in criterion.backward(x, y)] == [[-1.0, -1.0], [1.0, 1.0]]


def test_parallel_criterion_weights_each_part_and_zeros_unread_entries():
    mse = nn.MSECriterion()
    criterion = nn.ParallelCriterion().add(mse, 3.0)
    x = [np.array([1.0, 2.0]), np.array([7.0])]
    t = [np.zeros(2)]
    assert criterion.forward(x, t) == pytest.approx(3.0 * 2.5)
    grads = criterion.backward(x, t)
    assert grads[0].tolist() == [3.0, 6.0] and grads[1].tolist() == [0.0]
    again = criterion.backward(x, t)
    assert again is grads and again[0] is grads[0]  # reused buffers


def test_multi_criterion_sums_gradients_of_table_inputs():
    cosine = nn.CosineEmbeddingCriterion(0.0)
    ranking = nn.MarginRankingCriterion(0.1)
    criterion = nn.MultiCriterion().add(cosine, 2.0).add(ranking, 0.5)
    x = [np.array([1.0]), np.array([-2.0])]
    y = np.array([1.0])
    expected_loss = 2.0 * cosine.forward(x, y) + 0.5 * ranking.forward(x, y)
    c_grad = [g.copy() for g in cosine.backward(x, y)]
    r_grad = [g.copy() for g in ranking.backward(x, y)]
    assert criterion.forward(x, y) == pytest.approx(expected_loss, rel=1e-15)
    grads = criterion.backward(x, y)
    for index in (0, 1):
        np.testing.assert_allclose(grads[index], 2 * c_grad[index] + 0.5 * r_grad[index])


def test_table_criteria_read_a_tuple_input_as_a_list():
    criterion = nn.MarginRankingCriterion()
    grads = criterion.backward((np.zeros(2), np.ones(2)), np.array([1, -1]))
    assert type(grads) is list


def test_float32_table_criteria_give_float32_gradients():
    criterion = nn.ParallelCriterion().add(nn.MSECriterion()).add(nn.MarginRankingCriterion())
    criterion.float()
    x = [np.ones(3, np.float32), [np.ones(2, np.float32), np.zeros(2, np.float32)]]
    t = [np.zeros(3, np.float32), np.array([1, -1])]
    criterion.forward(x, t)
    grads = criterion.backward(x, t)
    assert grads[0].dtype == grads[1][0].dtype == grads[1][1].dtype == np.float32


@pytest.mark.parametrize(
    ("criterion", "input", "target", "error", "message"),
    [
        (nn.MarginRankingCriterion(), np.ones(2), np.ones(2), TypeError, r"a pair \[x1, x2\]"),
        (
            nn.MarginRankingCriterion(),
            [np.ones(2), np.ones(3)],
            np.ones(2),
            ValueError,
            r"nn.MarginRankingCriterion: expected x1 and x2 of one shape",
        ),
        (
            nn.MarginRankingCriterion(),
            [np.ones(2), np.ones(2)],
            np.array([1, 0]),
            ValueError,
            r"targets must be \+1 .* or -1",
        ),
        (
            nn.MarginRankingCriterion(),
            [np.ones(2), np.ones(2)],
            1.0,
            ValueError,
            r"a single target ranks one pair of 1-element tensors",
        ),
        (
            nn.ParallelCriterion().add(nn.MSECriterion()).add(nn.ClassNLLCriterion()),
            [np.ones(2), np.ones((2, 3))],
            [np.ones(2), np.array([0, 3])],
            ValueError,
            r"^In criterion \(1\) of nn.ParallelCriterion: nn.ClassNLLCriterion: class targets",
        ),
        (
            nn.ParallelCriterion().add(nn.MSECriterion()).add(nn.MSECriterion()),
            [np.ones(2)],
            [np.ones(2), np.ones(2)],
            ValueError,
            r"nn.ParallelCriterion: expected a table of at least 2 entries",
        ),
        (
            nn.ParallelCriterion().add(nn.MSECriterion()),
            [np.ones(2)],
            np.ones(2),
            ValueError,
            r"expected a table of at least 1 targets .*repeat_target=True",
        ),
        (nn.ParallelCriterion(), [np.ones(2)], [np.ones(2)], ValueError, r"has no criteria"),
        (
            nn.MultiCriterion().add(nn.MSECriterion()),
            np.ones(2),
            np.ones(3),
            ValueError,
            r"^In criterion \(0\) of nn.MultiCriterion: nn.MSECriterion: expected target",
        ),
    ],
)
def test_bad_input_is_a_clear_error_naming_the_criterion(criterion, input, target, error, message):
    with pytest.raises(error, match=message):
        criterion.forward(input, target)


def test_constructors_and_add_refuse_bad_arguments():
    with pytest.raises(TypeError, match=r"nn.ParallelCriterion: repeat_target must be True"):
        nn.ParallelCriterion(1)
    with pytest.raises(TypeError, match=r"nn.MultiCriterion: expected an nn.Criterion"):
        nn.MultiCriterion().add(nn.Linear(2, 2))
    with pytest.raises(TypeError, match=r"nn.ParallelCriterion: weight must be a real number"):
        nn.ParallelCriterion().add(nn.MSECriterion(), "2")
    with pytest.raises(ValueError, match=r"nn.MultiCriterion: weight must be a finite number"):
        nn.MultiCriterion().add(nn.MSECriterion(), float("nan"))
    with pytest.raises(ValueError, match=r"nn.MarginRankingCriterion: margin must be a finite"):
        nn.MarginRankingCriterion(float("inf"))
