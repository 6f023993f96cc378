"""Integer inputs are held fixed: LookupTable's and Index's indices are never perturbed, their
grad_input is never compared, and the float leaves and parameters are checked as usual."""

from __future__ import annotations

import numpy as np
import pytest

from minitorch_l2 import nn
from minitorch_l2.gradcheck import check_module
from minitorch_l2.gradcheck._recipes import RECIPES
from minitorch_l2.gradcheck._recipes.normalization import PaddingHeldFixed

INDICES = np.array([[0, 2, 2, 5], [5, 1, 0, 2]])  # 0, 2, 5 repeated; 1 once; 3, 4 unused


class LosesRepeats(nn.LookupTable):
    """The classic embedding bug: a fancy-indexed += keeps one of each repeated index."""

    def acc_grad_parameters(self, input, grad_output, scale=1.0):
        rows = grad_output.reshape(-1, self.n_output)
        self.grad_weight[input.reshape(-1)] += scale * rows


class SumsOverPadding(PaddingHeldFixed):
    """Forgets the padding skip: adds the gradient of padding positions too."""

    def acc_grad_parameters(self, input, grad_output, scale=1.0):
        padding, self.padding_value = self.padding_value, None
        try:
            super().acc_grad_parameters(input, grad_output, scale)
        finally:
            self.padding_value = padding


class IndexLosesRepeats(nn.Index):
    def update_grad_input(self, input, grad_output):
        tensor, indices = input
        grad = np.zeros_like(tensor)
        grad[indices] += grad_output
        return [grad, np.zeros(indices.shape)]


def test_a_lookup_table_is_checked_through_its_weight():
    report = check_module(nn.LookupTable(6, 3), INDICES)
    assert report.ok, str(report)
    assert list(report.entries) == ["weight"]
    assert report["weight"].total == 18 * INDICES.size * 3
    assert any("input (int64) held fixed" in note for note in report.notes)


def test_repeated_indices_that_lose_their_sum_fail():
    report = check_module(LosesRepeats(6, 3), INDICES)
    entry = report["weight"]
    assert not report.ok and entry.failing > 0, str(report)
    assert {w.tensor_index[0] for w in entry.worst} <= {0, 2, 5}  # only the repeated rows


def test_the_padding_recipe_catches_a_backward_that_adds_at_padding():
    padded = np.array([[0, 1, 2, 1], [1, 5, 2, 2]])
    assert check_module(PaddingHeldFixed(6, 3, padding_value=1), padded).ok
    held = PaddingHeldFixed(6, 3, padding_value=1)
    assert np.array_equal(held.forward(padded), nn.LookupTable.forward(held, padded))
    report = check_module(SumsOverPadding(6, 3, padding_value=1), padded)
    assert report["weight"].diagnosis == "analytic ≠ 0 where numeric = 0 (a missing mask?)"
    assert {w.tensor_index[0] for w in report["weight"].worst} == {1}


def test_index_checks_the_tensor_and_holds_the_indices():
    x = np.random.default_rng(0).uniform(-2, 2, (4, 3))
    indices = np.array([2, 0, 2])
    report = check_module(nn.Index(0), [x, indices])
    assert report.ok and list(report.entries) == ["input[0]"], str(report)
    assert any("input[1] (int64) held fixed" in note for note in report.notes)
    bad = check_module(IndexLosesRepeats(0), [x, indices])
    assert [e.name for e in bad.failures] == ["input[0]"], str(bad)
    assert {w.tensor_index[0] for w in bad["input[0]"].worst} == {2}


def test_a_float32_table_keeps_its_indices_integer_in_the_float64_clone():
    report = check_module(nn.LookupTable(6, 3).float(), INDICES)
    assert report.ok and report.dtype == np.float64, str(report)
    assert any("checked a float64 clone" in note for note in report.notes)


def test_nothing_to_check_and_other_dtypes_are_refused():
    with pytest.raises(ValueError, match="nothing to check: every input leaf is integer"):
        check_module(nn.LookupTable(6, 3), INDICES, params=False)
    with pytest.raises(TypeError, match="an integer one .indices, held fixed., got bool"):
        check_module(nn.Identity(), np.zeros(3, bool))


def test_the_recipes_cover_lookup_table_and_index_directly():
    names = {"LookupTable, batch, repeated indices", "LookupTable, padding", "Index, last dim"}
    assert names <= set(RECIPES)
    for name in names:
        assert RECIPES[name].check(np.random.default_rng(0)).ok, name
