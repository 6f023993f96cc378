"""check_float32: a float32 module's own forward and backward against its float64 clone's.

Finite differences in float32 are noise, so the gradient check takes a float64 clone; this is
the check of the float32 code path itself, and what every "float32" recipe runs.
"""

from __future__ import annotations

import numpy as np
import pytest

from minitorch_l2 import nn
from minitorch_l2.gradcheck import check_float32
from minitorch_l2.gradcheck._recipes import RECIPES

X = np.random.default_rng(0).uniform(-2, 2, (5, 4)).astype(np.float32)


class HalfPrecisionGradInput(nn.Linear):
    """In float32 only, rounds grad_input through float16: the float64 clone is right."""

    def update_grad_input(self, input, grad_output):
        grad = super().update_grad_input(input, grad_output)
        if grad.dtype == np.float32:
            self.grad_input = grad.astype(np.float16).astype(np.float32)
        return self.grad_input


class Float32BiasForgotten(nn.Linear):
    """In float32 only, acc_grad_parameters skips the bias (a dtype branch gone wrong)."""

    def acc_grad_parameters(self, input, grad_output, scale=1.0):
        saved = self.grad_bias.copy()
        super().acc_grad_parameters(input, grad_output, scale)
        if self.grad_bias.dtype == np.float32:
            self.grad_bias[...] = saved


class LeaksFloat64(nn.Tanh):
    def update_output(self, input):
        self.output = np.tanh(input.astype(np.float64))
        return self.output


def test_a_right_float32_module_matches_its_clone_and_is_left_as_it_was():
    layer = nn.Linear(4, 3).float()
    layer.grad_weight[...] = 1.5  # accumulated before the check
    weight = layer.weight.copy()
    report = check_float32(layer, X)
    assert report.ok and report.mode == "float32" and report.dtype == np.float32, str(report)
    assert list(report.entries) == ["output", "input", "weight", "bias"]
    assert 0 < report.max_abs_error < 1e-5
    assert np.all(layer.grad_weight == 1.5) and np.array_equal(layer.weight, weight)
    assert "float32 module against its float64 clone" in " ".join(str(report).split())


def test_float32_only_bugs_are_caught_where_they_are():
    rounded = check_float32(HalfPrecisionGradInput(4, 3).float(), X)
    assert [e.name for e in rounded.failures] == ["input"], str(rounded)
    assert "input index  float32    float64    abs error" in str(rounded)
    forgotten = check_float32(Float32BiasForgotten(4, 3).float(), X)
    assert [e.name for e in forgotten.failures] == ["bias"], str(forgotten)
    leak = check_float32(LeaksFloat64(), X)
    assert not leak.ok and leak.problems == ["output is float64, not float32: forward left float32"]


def test_tables_and_refusals():
    pair = [X[:, :3], X]
    report = check_float32(nn.Bilinear(3, 4, 2).float(), pair)
    assert report.ok and {"input[0]", "input[1]"} <= set(report.entries), str(report)
    with pytest.raises(TypeError, match="expected a float32 module and float32 input"):
        check_float32(nn.Linear(4, 3), X)
    with pytest.raises(TypeError, match="expected a float32 module and float32 input"):
        check_float32(nn.Linear(4, 3).float(), X.astype(np.float64))
    with pytest.raises(ValueError, match="rtol must be a positive number"):
        check_float32(nn.Linear(4, 3).float(), X, rtol=0)


def test_every_float32_recipe_runs_the_float32_code_path():
    named = [name for name in RECIPES if "float32" in name]
    assert len(named) >= 7
    for name in named:
        report = RECIPES[name].check(np.random.default_rng(0))
        assert report.ok and report.mode == "float32" and report.dtype == np.float32, name
        assert name.endswith("float32 = float64 clone")
