"""Where, not only how much: kinks set apart, input values at failures, mask bugs, and parameters
the layer forgot to declare."""

from __future__ import annotations

import numpy as np
import pytest

from minitorch_l2 import nn
from minitorch_l2.gradcheck import GradcheckError, check_criterion, check_module

from .gain_layers import Gain


class PReLU(nn.Module):
    """y = x for x > 0, a·x otherwise, one slope a per column (Lua's nn.PReLU, 0 < a < 1).

    ∂y/∂x = 1 where x > 0, a elsewhere (x = 0 included, as Lua's strict test gives).
    """

    def __init__(self, size, slope=0.25):
        super().__init__()
        self.weight = np.full(size, slope)
        self.grad_weight = np.zeros(size)
        self.bias = None

    def update_output(self, input):
        self.output = np.where(input > 0, input, self.weight * input)
        return self.output

    def update_grad_input(self, input, grad_output):
        self.grad_input = np.where(input > 0, grad_output, self.weight * grad_output)
        return self.grad_input

    def acc_grad_parameters(self, input, grad_output, scale=1.0):
        self.grad_weight += scale * np.sum(np.where(input > 0, 0, input * grad_output), axis=0)


class MasklessPReLU(PReLU):
    """Forgets the mask: a·g everywhere, also where x > 0 (the planted bug of the issue)."""

    def update_grad_input(self, input, grad_output):
        return self.weight * grad_output


class MasklessReLU(nn.ReLU):
    """Passes grad_output through everywhere: ∂L/∂x = g even where x < 0."""

    def update_grad_input(self, input, grad_output):
        return grad_output.copy()


class BlockedReLU(nn.ReLU):
    """Zeroes the gradient where x > 1 too: a mask too strict."""

    def update_grad_input(self, input, grad_output):
        return grad_output * ((input > 0) & (input <= 1))


X = np.random.default_rng(5).uniform(-2, 2, (12, 3))


def on_kinks() -> np.ndarray:
    x = X.copy()
    x[::3] = 0.0  # 4 rows of 3: 12 of the 36 elements at the kink
    return x


# ---------------------------------------------------------------- kinks
def test_a_correct_prelu_at_zero_is_a_kink_not_a_constant_factor():
    report = check_module(PReLU(3), on_kinks())
    assert report.ok, str(report)
    entry = report["input"]
    assert entry.failing == 0 and entry.diagnosis is None
    assert entry.kinks == 12 and entry.max_abs_error < 1e-8  # the kinks are set apart
    assert report.kinks == {"input": (12, 36)}
    text = " ".join(str(report).split())
    assert (
        "12 of 36 input elements sit on a kink (left and right derivatives differ); move the "
        "input off it" in text
    )
    assert "constant factor" not in text
    kink = entry.kink_elements[0]
    assert kink.value == 0.0 and kink.tensor_index == kink.output_index
    assert kink.left == pytest.approx(0.25) and kink.right == pytest.approx(1.0)
    assert kink.analytic == 0.25  # Lua's choice, the left derivative


def test_the_all_zero_input_of_luas_test_is_all_kink_and_no_clean_pass():
    report = check_module(PReLU(3), np.zeros((4, 3)))
    assert report.kinks == {"input": (12, 12)} and not report.failures, str(report)
    assert report.status == "inconclusive" and report.inconclusive and not report.ok
    assert report.kinked_tensors == {"input": 12}
    header = " ".join(str(report).split("  pass when")[0].split())
    assert header.startswith(
        f"gradcheck {report.subject}: inconclusive: 12 of 12 input elements sit on a kink "
        "(left and right derivatives differ); move the input off it"
    ), header
    rows = [line.split() for line in str(report).splitlines()]
    assert ["input", "(4,", "3)", "0", "0/144", "inconclusive"] in rows  # the input's row
    with pytest.raises(GradcheckError):
        check_module(PReLU(3), np.zeros((4, 3)), raise_on_failure=True)


def test_within_eps_of_the_kink_is_a_kink_too():
    x = X.copy()
    x[0, 0] = 3e-7  # x − eps is on the other side
    report = check_module(PReLU(3), x)
    assert report.ok and report.kinks == {"input": (1, 36)}, str(report)


def test_a_kink_does_not_hide_a_bug_elsewhere():
    class Doubled(PReLU):
        def update_grad_input(self, input, grad_output):
            return 2 * super().update_grad_input(input, grad_output)

    report = check_module(Doubled(3), on_kinks())
    entry = report["input"]
    assert not entry.ok and entry.failing == 24, str(report)  # the 24 smooth elements fail
    # At the kink, 2a = 0.5 lies between a = 0.25 and 1: it is a subgradient, set apart.
    assert entry.diagnosis.startswith("off by a constant factor 2 ")


def test_a_value_outside_both_one_sided_derivatives_still_fails():
    class Wild(PReLU):
        def update_grad_input(self, input, grad_output):
            grad = super().update_grad_input(input, grad_output)
            return np.where(input == 0, 5 * grad_output, grad)

    report = check_module(Wild(3), on_kinks())
    entry = report["input"]
    assert entry.failing == 12 and not report.ok, str(report)
    assert entry.kinks == 12  # failing, and still named as on a kink: move the input
    assert {w.tensor_index for w in entry.worst} <= {k.tensor_index for k in entry.kink_elements}


# ---------------------------------------------------------------- kinks that pass
class BadReLU(nn.ReLU):
    """0.5·g for x <= 0 (the mean of the one-sided derivatives at 0), wrong for every x < 0."""

    def update_grad_input(self, input, grad_output):
        return np.where(input > 0, grad_output, 0.5 * grad_output)


class MyAbs(nn.Module):
    """|x| with sign(x)·g: 0 at x = 0, the central difference there too."""

    def update_output(self, input):
        self.output = np.abs(input)
        return self.output

    def update_grad_input(self, input, grad_output):
        self.grad_input = np.sign(input) * grad_output
        return self.grad_input


class AbsAndDouble(nn.Module):
    """x ↦ [|x|, 2x]: a table output with a kink in one block only."""

    def update_output(self, input):
        self.output = [np.abs(input), 2 * input]
        return self.output

    def update_grad_input(self, input, grad_output):
        self.grad_input = np.sign(input) * grad_output[0] + 2 * grad_output[1]
        return self.grad_input


def test_a_wrong_backward_that_passes_at_the_kink_is_not_a_clean_pass():
    # At x = 0 the central difference of ReLU is 0.5, which BadReLU gives: every element passes.
    report = check_module(BadReLU(), np.zeros((3, 4)))
    assert not report.failures and report.kinks == {"input": (12, 12)}, str(report)
    assert not report.ok and report.status == "inconclusive"
    assert "12 of 12 input elements sit on a kink" in " ".join(str(report).split()[:14])
    # Off the kink the bug shows at once.
    x = np.random.default_rng(0).uniform(-2, 2, (3, 4))
    assert report["input"].kink_elements[0].analytic == 0.5
    assert check_module(BadReLU(), x)["input"].failing == int(np.sum(x < 0))


def test_a_users_abs_has_the_kinks_the_librarys_has():
    zeros = np.zeros((2, 3))
    mine, theirs = check_module(MyAbs(), zeros), check_module(nn.Abs(), zeros)
    assert mine.kinks == theirs.kinks == {"input": (6, 6)}, str(mine)
    assert mine.status == theirs.status == "inconclusive"
    kink = mine["input"].kink_elements[0]
    assert (kink.left, kink.right, kink.analytic) == (-1.0, 1.0, 0.0)
    x = X[:2].copy()
    x[0, 0] = 0.0
    partly = check_module(MyAbs(), x)
    assert partly.ok and partly.kinks == {"input": (1, x.size)}, str(partly)


def test_kinks_of_a_table_output_are_found_in_their_block():
    x = X[:3].copy()
    x[1] = 0.0
    report = check_module(AbsAndDouble(), x)
    assert report.ok, str(report)
    assert report["input → output[0]"].kinks == 3 and report["input → output[1]"].kinks == 0
    assert report.kinks == {"input": (3, x.size)}
    on_kinks_only = check_module(AbsAndDouble(), np.zeros((2, 3)))
    assert on_kinks_only.inconclusive and on_kinks_only.kinks == {"input": (6, 6)}


def test_fast_mode_notices_a_kink_and_looks_closer():
    report = check_module(MyAbs(), np.zeros((2, 3)), mode="fast")
    assert report.inconclusive and report["input"].method == "full", str(report)
    assert report.kinks == {"input": (6, 6)}
    smooth = check_module(MyAbs(), X[:2], mode="fast")
    assert smooth.ok and smooth["input"].method == "fast"


def test_relu_at_zero_is_a_kink():
    report = check_module(nn.ReLU(), np.zeros((2, 3)))
    assert report.inconclusive and report.kinks == {"input": (6, 6)}, str(report)


# ---------------------------------------------------------------- where the failures are
def test_a_forgotten_mask_shows_the_input_values_at_the_failures():
    x = X[:4]
    report = check_module(MasklessPReLU(3), x)
    entry = report["input"]
    assert [e.name for e in report.failures] == ["input"], str(report)
    positive = int(np.sum(x > 0))
    assert entry.failing == positive
    assert all(w.value > 0 for w in entry.worst)  # the input values, all positive
    assert all(w.value == x[w.tensor_index] for w in entry.worst)
    assert entry.where == (
        f"every failing element has input > 0; the {x.size - positive} at input <= 0 pass"
    )
    text = str(report)
    assert "input index  output index  input value  analytic  numeric" in text
    assert f"{entry.worst[0].value:.6g}" in text


def test_analytic_where_numeric_is_zero_is_a_missing_mask():
    report = check_module(MasklessReLU(), X[:4])
    entry = report["input"]
    assert entry.diagnosis == "analytic ≠ 0 where numeric = 0 (a missing mask?)", str(report)
    assert entry.where.startswith("every failing element has input < 0")
    assert all(w.numeric == 0 and w.analytic == 1 for w in entry.worst)


def test_zero_where_numeric_is_not_is_the_converse():
    report = check_module(BlockedReLU(), X[:4])
    entry = report["input"]
    assert entry.diagnosis == (
        "analytic = 0 where numeric ≠ 0 (a mask too strict, or a term missing?)"
    ), str(report)
    assert all(w.value > 1 for w in entry.worst)


# ---------------------------------------------------------------- undeclared parameters
def undeclared_gain(size):
    """A Gain whose gradient is wrong (7 times too large), unseen: g is not declared."""
    return Gain(size, factor=7.0)


class LuaSpelling(Gain):
    def __init__(self, size):
        super().__init__(size, factor=7.0)
        del self.grad_gain
        self.gradGain = np.zeros(size)


def test_an_undeclared_weight_like_attribute_is_named_as_unchecked():
    report = check_module(undeclared_gain(3), X)
    assert list(report.entries) == ["input"]
    assert len(report.unchecked) == 1, report.unchecked
    assert report.unchecked[0].startswith(
        "weight-like attribute `gain` (with `grad_gain`) is not a declared parameter"
    )
    text = " ".join(str(report).split())
    assert "1 weight-like attribute(s) unchecked" in text
    assert "unchecked: weight-like attribute `gain`" in text


def test_the_lua_spelling_and_a_container_path():
    report = check_module(nn.Sequential(nn.Tanh(), LuaSpelling(3)), X)
    assert [u.split(" is ")[0] for u in report.unchecked] == [
        "weight-like attribute `1.gain` (with `1.gradGain`)"
    ]


def test_declared_parameters_are_not_reported():
    assert check_module(nn.Linear(3, 2), X).unchecked == []
    assert check_module(PReLU(3), X).unchecked == []


@pytest.mark.parametrize(
    "make, x, count, status",
    [
        (lambda: nn.PReLU(3), on_kinks(), 12, "ok"),
        (nn.Abs, np.zeros((2, 3)), 6, "inconclusive"),
        (nn.LeakyReLU, np.zeros((2, 3)), 6, "inconclusive"),
        (nn.HardTanh, np.array([-1.0, 1.0, 0.5]), 2, "ok"),
    ],
    ids=["PReLU", "Abs", "LeakyReLU", "HardTanh"],
)
def test_the_librarys_own_kinks_are_set_apart(make, x, count, status):
    report = check_module(make(), x)
    assert report.status == status and not report.failures, str(report)
    assert report.kinks == {"input": (count, x.size)}


def test_curvature_under_a_tight_tolerance_is_not_a_kink():
    # A smooth f's one-sided slopes differ by eps·|f''|: above 2·tolerance when the tolerance
    # is tight, yet no kink (the jump of a kink does not shrink with eps).
    tight = {"atol": 1e-8, "rtol": 1e-6}
    report = check_module(nn.L2Normalize(jacobian=False), np.array([0.5, 0.5]), **tight)
    assert report.ok and report.kinks == {}, str(report)
    curved = check_module(nn.Exp(), np.linspace(1.0, 3.0, 6), **tight)
    assert curved.ok and curved.kinks == {}, str(curved)
    assert check_module(nn.ReLU(), np.zeros(3), **tight).kinks == {"input": (3, 3)}
    # At a smooth minimum every slope is 0, and the one-sided ones are ±h·f''/2.
    x = np.ones((1, 3))
    at_minimum = check_criterion(nn.CosineEmbeddingCriterion(), [x, x], np.ones(1), **tight)
    assert at_minimum.ok and at_minimum.kinks == {}, str(at_minimum)
