"""Planted bugs: each is flagged on the right tensor, with the diagnosis its pattern implies.

Every planted layer is a correct layer with one deliberate mistake; the expected diagnosis
follows from the mistake (a gradient multiplied by 1.01 is "off by a constant factor 1.01").
"""

from __future__ import annotations

import numpy as np
import pytest

from minitorch_l2 import nn
from minitorch_l2.gradcheck import analytic_jacobian, check_module

RNG = np.random.default_rng(7)
BATCH = RNG.uniform(-2, 2, (4, 3))


class SignFlippedLinear(nn.Linear):
    """grad_input = −G W instead of G W."""

    def update_grad_input(self, input, grad_output):
        self.grad_input = -(grad_output @ self.weight)
        return self.grad_input


class SignFlippedWeightLinear(nn.Linear):
    """grad_weight −= Gᵀx instead of +=."""

    def acc_grad_parameters(self, input, grad_output, scale=1.0):
        self.grad_weight -= scale * grad_output.T @ input
        self.grad_bias += scale * grad_output.sum(0)


class TransposedWeightLinear(nn.Linear):
    """grad_weight += xᵀG instead of Gᵀx (same shape only for a square layer)."""

    def acc_grad_parameters(self, input, grad_output, scale=1.0):
        self.grad_weight += scale * input.T @ grad_output
        self.grad_bias += scale * grad_output.sum(0)


class MissingBiasGradLinear(nn.Linear):
    """Forgets the bias: grad_bias never changes."""

    def acc_grad_parameters(self, input, grad_output, scale=1.0):
        self.grad_weight += scale * grad_output.T @ input


class DoubleBiasGradLinear(nn.Linear):
    """Adds the bias gradient twice."""

    def acc_grad_parameters(self, input, grad_output, scale=1.0):
        super().acc_grad_parameters(input, grad_output, scale)
        self.grad_bias += scale * grad_output.sum(0)


class ScaledTanh(nn.Tanh):
    """grad_input 1% too large."""

    def update_grad_input(self, input, grad_output):
        return 1.01 * grad_output * (1 - self.output**2)


class TanhIgnoringGradOutput(nn.Tanh):
    """Returns the derivative 1 − y² itself, forgetting to multiply by grad_output."""

    def update_grad_input(self, input, grad_output):
        return 1 - self.output**2


class Square(nn.Module):
    """y = x², ∂y/∂x = 2x."""

    def update_output(self, input):
        self.output = input * input
        return self.output

    def update_grad_input(self, input, grad_output):
        self.grad_input = 2 * input * grad_output
        return self.grad_input


class UnsqueezedSquare(Square):
    """Returns grad_input as a column (n, 1) for a vector input (n,): a missing squeeze."""

    def update_grad_input(self, input, grad_output):
        return (2 * input * grad_output)[:, None]


class TransposedGradInputScale(nn.Module):
    """y = 3x; returns (3G)ᵀ, of shape (d, n) for an (n, d) input."""

    def update_output(self, input):
        return 3 * input

    def update_grad_input(self, input, grad_output):
        return (3 * grad_output).T


class SquareReadingOutputAsInput(Square):
    """Reads self.output where it means the input: 2·y·g = 2x²g instead of 2xg."""

    def update_grad_input(self, input, grad_output):
        return 2 * self.output * grad_output


class KeepdimsBiasLinear(nn.Linear):
    """Rebinds grad_bias to a (1, out) array: sum(0, keepdims=True) where a squeeze was due."""

    def acc_grad_parameters(self, input, grad_output, scale=1.0):
        self.grad_weight += scale * grad_output.T @ input
        self.grad_bias = self.grad_bias + scale * grad_output.sum(0, keepdims=True)


def linear(cls, n_in=3, n_out=2):
    return cls(n_in, n_out)


PLANTED = [
    # (id, module factory, input, failing tensor, expected diagnosis text)
    ("wrong sign", lambda: linear(SignFlippedLinear), BATCH, "input", "sign flipped"),
    (
        "wrong sign of weight",
        lambda: linear(SignFlippedWeightLinear),
        BATCH,
        "weight",
        "sign flipped",
    ),
    (
        "transposed weight gradient",
        lambda: linear(TransposedWeightLinear, 3, 3),
        BATCH,
        "weight",
        "analytic ≈ numeric transposed",
    ),
    (
        "missing bias gradient",
        lambda: linear(MissingBiasGradLinear),
        BATCH,
        "bias",
        "parameter gradient is zero",
    ),
    (
        "bias gradient added twice",
        lambda: linear(DoubleBiasGradLinear),
        BATCH,
        "bias",
        "off by a constant factor 2 ",
    ),
    ("1% scale error", ScaledTanh, BATCH, "input", "off by a constant factor 1.01 "),
    (
        "derivative ignores grad_output",
        TanhIgnoringGradOutput,
        BATCH,
        "input",
        "gradient ignores grad_output",
    ),
    (
        "missing squeeze",
        UnsqueezedSquare,
        BATCH[:, 0].copy(),
        "input",
        "a missing squeeze",
    ),
    (
        "transposed grad_input",
        TransposedGradInputScale,
        BATCH,
        "input",
        "analytic ≈ numeric transposed",
    ),
    (
        "bias gradient kept its reduced axis",
        lambda: linear(KeepdimsBiasLinear),
        BATCH,
        "bias",
        "a missing squeeze",
    ),
]


@pytest.mark.parametrize(
    "make, input, tensor, diagnosis", [p[1:] for p in PLANTED], ids=[p[0] for p in PLANTED]
)
def test_planted_bug_is_flagged_with_its_diagnosis(make, input, tensor, diagnosis):
    report = check_module(make(), input)
    assert not report.ok
    failing = [entry.name for entry in report.failures]
    assert failing == [tensor], str(report)
    entry = report[tensor]
    assert diagnosis in f"{entry.diagnosis} ", str(report)
    text = str(report)
    assert f"{tensor}: " in text and diagnosis.strip() in text


def test_a_correct_version_of_each_planted_layer_passes():
    for module, input in [
        (nn.Linear(3, 2), BATCH),
        (nn.Linear(3, 3), BATCH),
        (nn.Tanh(), BATCH),
        (Square(), BATCH[:, 0].copy()),
    ]:
        report = check_module(module, input)
        assert report.ok, str(report)


def test_worst_elements_carry_the_true_values():
    # Reading y = x² as if it were x: analytic ∂yᵢ/∂xᵢ = 2xᵢ², numeric 2xᵢ; off-diagonal 0.
    x = np.array([0.5, -1.5, 2.0, 1.0])
    report = check_module(SquareReadingOutputAsInput(), x)
    entry = report["input"]
    assert not entry.ok and entry.failing == 3  # x = 1 is the one place where 2x² = 2x
    worst = entry.worst[0]
    i = worst.tensor_index[0]
    assert worst.output_index == (i,)
    assert worst.analytic == pytest.approx(2 * x[i] ** 2)
    assert worst.numeric == pytest.approx(2 * x[i], abs=1e-8)
    assert worst.abs_error == pytest.approx(abs(2 * x[i] ** 2 - 2 * x[i]), abs=1e-8)
    assert i == int(np.argmax(np.abs(2 * x**2 - 2 * x)))
    assert worst.rel_error == pytest.approx(worst.abs_error / abs(2 * x[i]))
    assert f"[{i}]" in str(report)
    assert "input: 3 of 16 elements differ" in str(report)  # no pattern: the count and the table


def test_missing_squeeze_names_both_shapes():
    report = check_module(UnsqueezedSquare(), np.array([0.5, -1.5, 2.0, 1.0]))
    problem = report["input"].problem
    assert problem == "grad_input has shape (4, 1), but the input has shape (4,)"
    assert report.max_abs_error == np.inf


def test_parameter_gradient_of_wrong_shape_names_both_and_is_restored():
    layer = KeepdimsBiasLinear(3, 2)
    grad_bias = layer.grad_bias
    report = check_module(layer, BATCH)
    assert (
        report["bias"].problem == "the gradient of bias has shape (1, 2), but bias has shape (2,)"
    )
    assert layer.grad_bias is grad_bias  # the rebinding done by backward is undone
    assert np.all(grad_bias == 0)


def test_backward_that_raises_is_reported_not_raised():
    # A non-square layer cannot even hold xᵀG: NumPy raises inside acc_grad_parameters.
    report = check_module(TransposedWeightLinear(3, 2), BATCH)
    assert not report.ok
    assert len(report.problems) == 1
    assert report.problems[0].startswith("backward raised ValueError")
    assert "acc_grad_parameters" in report.problems[0]
    assert all(not entry.checked for entry in report.entries.values())
    assert "not checked" in str(report)


def test_ignoring_grad_output_also_fails_the_zero_grad_output_check():
    report = check_module(TanhIgnoringGradOutput(), BATCH)
    zero = {check.name: check for check in report.properties}["zero grad_output -> zero gradients"]
    assert not zero.ok and "ignores grad_output" in zero.detail


# ---------------------------------------------------------------- None instead of a gradient
class TanhWithoutReturn(nn.Module):
    """Computes grad_input into a local and forgets both ``return`` and ``self.grad_input``."""

    def update_output(self, input):
        self.output = np.tanh(input)
        return self.output

    def update_grad_input(self, input, grad_output):
        grad = grad_output * (1 - self.output**2)  # noqa: F841 (the planted bug)


class NoneWeightGradLinear(nn.Linear):
    """Sets grad_weight to None (a "reset" in the wrong place) and accumulates only the bias."""

    def acc_grad_parameters(self, input, grad_output, scale=1.0):
        self.grad_weight = None
        self.grad_bias += scale * grad_output.sum(0)


def test_backward_returning_none_says_so_and_not_that_a_shape_is_wrong():
    report = check_module(TanhWithoutReturn(), BATCH)
    assert [entry.name for entry in report.failures] == ["input"]
    problem = report["input"].problem
    assert problem == (
        "backward returned None for grad_input (does update_grad_input return or set "
        "self.grad_input?)"
    )
    assert "shape" not in problem
    assert problem in str(report)


def test_a_none_parameter_gradient_is_named_and_the_layer_restored():
    layer = NoneWeightGradLinear(3, 2)
    grad_weight = layer.grad_weight
    report = check_module(layer, BATCH)
    assert [entry.name for entry in report.failures] == ["weight"], str(report)
    assert report["weight"].problem.startswith("the gradient of weight is None")
    assert "shape ()" not in str(report)
    assert layer.grad_weight is grad_weight  # the None rebinding is undone


def test_analytic_jacobian_names_a_none_gradient():
    with pytest.raises(ValueError, match="backward returned None for grad_input"):
        analytic_jacobian(TanhWithoutReturn(), BATCH)


# ---------------------------------------------------------------- diagnoses that must not mislead
class MicroScaledTanh(nn.Tanh):
    """grad_input scaled by 1e-6 (a stray unit conversion): tiny, but not zero."""

    def update_grad_input(self, input, grad_output):
        return 1e-6 * grad_output * (1 - self.output**2)


def test_a_tiny_gradient_is_a_factor_not_zero():
    report = check_module(MicroScaledTanh(), BATCH)
    diagnosis = report["input"].diagnosis
    assert "zero" not in diagnosis, str(report)
    assert diagnosis.startswith("off by a constant factor 1e-06 "), str(report)


def test_one_nonzero_element_is_no_evidence_of_a_constant_factor():
    # Linear(1, 1) on a vector: each Jacobian is one element, so any wrong value is "a factor".
    report = check_module(DoubleBiasGradLinear(1, 1), np.array([0.7]))
    assert [entry.name for entry in report.failures] == ["bias"]
    assert report["bias"].diagnosis is None
    assert "bias: 1 of 1 elements differ" in str(report)


# ---------------------------------------------------------------- accumulation and scale
class OverwritingLinear(nn.Linear):
    """Assigns the weight gradient (``[...] =``) where it must add (``+=``)."""

    def acc_grad_parameters(self, input, grad_output, scale=1.0):
        self.grad_weight[...] = scale * grad_output.T @ input
        self.grad_bias += scale * grad_output.sum(0)


class ScaleIgnoringLinear(nn.Linear):
    """Adds the bias gradient without its ``scale``."""

    def acc_grad_parameters(self, input, grad_output, scale=1.0):
        self.grad_weight += scale * grad_output.T @ input
        self.grad_bias += grad_output.sum(0)


class ScaledGradInputLinear(nn.Linear):
    """Applies ``scale`` to grad_input too (Torch applies it to parameter gradients only)."""

    def backward(self, input, grad_output, scale=1.0):
        return scale * super().backward(input, grad_output, scale)


class NoScaleArgumentLinear(nn.Linear):
    """A backward written without Torch's ``scale`` argument."""

    def backward(self, input, grad_output):
        return super().backward(input, grad_output)


PLANTED_CONTRACT = [
    # (id, module class, failing property, expected detail text)
    (
        "gradient assigned, not accumulated",
        OverwritingLinear,
        "parameter gradients accumulate",
        "parameter gradient overwritten instead of accumulated: two backwards without zeroing "
        "leave the gradient of weight at 1x",
    ),
    (
        "scale ignored",
        ScaleIgnoringLinear,
        "backward scale multiplies parameter gradients",
        "backward(..., scale=0.5) left the gradient of bias unscaled: acc_grad_parameters "
        "ignores scale",
    ),
    (
        "scale applied to grad_input",
        ScaledGradInputLinear,
        "backward scale multiplies parameter gradients",
        "backward(..., scale=0.5) changes grad_input (0.5x the scale-1 one)",
    ),
    (
        "no scale argument",
        NoScaleArgumentLinear,
        "backward scale multiplies parameter gradients",
        "backward(input, grad_output, 0.5) raised TypeError",
    ),
]


@pytest.mark.parametrize(
    "cls, failing, detail", [p[1:] for p in PLANTED_CONTRACT], ids=[p[0] for p in PLANTED_CONTRACT]
)
def test_a_broken_gradient_contract_fails_with_its_diagnosis(cls, failing, detail):
    layer = cls(3, 2)
    layer.grad_weight[...] = 0.25  # accumulated by the user before the check
    layer.grad_bias[...] = -1.5
    before = [a.tobytes() for a in (layer.weight, layer.bias, layer.grad_weight, layer.grad_bias)]
    report = check_module(layer, BATCH)
    # The Jacobians are right (the checker zeroes first, with scale 1): only the contract fails.
    assert all(entry.ok for entry in report.entries.values()), str(report)
    assert not report.ok
    failed = [check for check in report.properties if not check.ok]
    assert [check.name for check in failed] == [failing], str(report)
    assert failed[0].detail.startswith(detail), failed[0].detail
    assert f"FAIL {failing}: {detail}" in " ".join(str(report).split())  # as wrapped
    after = [a.tobytes() for a in (layer.weight, layer.bias, layer.grad_weight, layer.grad_bias)]
    assert after == before  # the user's accumulated gradients are back, bit for bit
