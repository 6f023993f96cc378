"""``mode="fast"``: random projections vᵀJu catch every planted bug, then the full check says
where; a correct layer passes in a few calls."""

from __future__ import annotations

import numpy as np
import pytest

from minitorch_l2 import nn
from minitorch_l2.gradcheck import check_criterion, check_module

from .test_gradcheck_check import TARGET, DotLoss, ForgetsAverage, SquaredError, X
from .test_gradcheck_kinks import MasklessPReLU, MasklessReLU, PReLU, on_kinks
from .test_gradcheck_planted import (
    BATCH,
    PLANTED,
    PLANTED_CONTRACT,
    NoneWeightGradLinear,
    TanhWithoutReturn,
    TransposedWeightLinear,
)
from .test_gradcheck_tables import PLANTED_TABLES

BUGS = (
    [(p[0], p[1], p[2]) for p in PLANTED]
    + [(p[0], p[1], p[2]) for p in PLANTED_TABLES]
    + [
        ("forgotten mask", lambda: MasklessPReLU(3), BATCH),
        ("mask missing in relu", MasklessReLU, BATCH),
        ("None grad_input", TanhWithoutReturn, BATCH),
        ("None grad_weight", lambda: NoneWeightGradLinear(3, 2), BATCH),
        ("backward raises", lambda: TransposedWeightLinear(3, 2), BATCH),
    ]
)


@pytest.mark.parametrize("make, input", [b[1:] for b in BUGS], ids=[b[0] for b in BUGS])
def test_fast_mode_catches_every_planted_bug_and_locates_it(make, input):
    layer = make()
    full = check_module(layer, input)
    fast = check_module(layer, input, mode="fast")
    assert not fast.ok, str(fast)
    # The projections disagreed for the failing tensors, which were then checked in full.
    assert [e.name for e in fast.failures] == [e.name for e in full.failures], str(fast)
    for entry in fast.failures:
        assert entry.method == "full"
        assert entry.diagnosis == full[entry.name].diagnosis
    assert fast.problems == full.problems


@pytest.mark.parametrize(
    "cls, failing", [p[1:3] for p in PLANTED_CONTRACT], ids=[p[0] for p in PLANTED_CONTRACT]
)
def test_fast_mode_keeps_the_contract_checks(cls, failing):
    report = check_module(cls(3, 2), BATCH, mode="fast")
    assert all(e.ok and e.method == "fast" for e in report.entries.values()), str(report)
    assert [c.name for c in report.properties if not c.ok] == [failing]


def test_a_correct_layer_passes_in_a_few_calls():
    layer = nn.Linear(256, 256)
    x = np.random.default_rng(0).uniform(-2, 2, (4, 256))
    fast = check_module(layer, x, mode="fast")
    assert fast.ok, str(fast)
    assert [e.method for e in fast.entries.values()] == ["fast"] * 3
    assert fast["weight"].total == 4  # 2 vectors v × 2 directions u
    assert "0/4 v'Ju" in str(fast)
    calls = fast.forward_calls + fast.backward_calls
    assert calls < 40
    # The full check needs 2 forwards per checked element (66,816 of them) and a backward
    # per output element (1,024): the cost the benchmark compares with PyTorch's.
    full_calls = 2 * (256 * 256 + 256 + 4 * 256) + 2 * 4 * 256
    assert full_calls / calls > 1000


def test_fast_mode_at_a_kink_falls_back_and_sets_the_kinks_apart():
    report = check_module(PReLU(3), on_kinks(), mode="fast")
    assert report.ok, str(report)
    assert report.kinks == {"input": (12, 36)}
    assert report["input"].method == "full" and report["weight"].method == "fast"


def test_fast_mode_is_repeatable_and_follows_its_seed():
    layer = nn.Sequential(nn.Linear(3, 4), nn.Tanh())
    runs = [check_module(layer, BATCH, mode="fast", seed=s) for s in (0, 0, 1)]
    errors = [[e.max_abs_error for e in r.entries.values()] for r in runs]
    assert errors[0] == errors[1] and errors[0] != errors[2]


def test_an_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="mode must be 'full' or 'fast'"):
        check_module(nn.Tanh(), BATCH, mode="quick")


def test_fast_mode_for_criteria():
    good = check_criterion(SquaredError(), X, TARGET, mode="fast")
    assert good.ok and good["input"].method == "fast", str(good)
    bad = check_criterion(ForgetsAverage(), X, TARGET, mode="fast")
    assert bad["input"].diagnosis.startswith("off by a constant factor 12 "), str(bad)
    pair = check_criterion(DotLoss(wrong_second=True), (X, TARGET), 0.5, mode="fast")
    assert [e.name for e in pair.failures] == ["input[1]"]
    assert pair["input[0]"].method == "fast"
