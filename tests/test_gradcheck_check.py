"""check_module / check_criterion: the traps naive checkers fall into, and state restoration."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings

import minitorch_l2
from minitorch_l2 import nn
from minitorch_l2.gradcheck import (
    GradcheckError,
    analytic_jacobian,
    check_criterion,
    check_module,
)

from .strategies import linear_cases

X = np.random.default_rng(3).uniform(-2, 2, (4, 3))


def mlp() -> nn.Sequential:
    return nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2))


def properties(report):
    return {check.name: check for check in report.properties}


# ---------------------------------------------------------------- what a pass looks like
def test_built_in_layers_pass_with_their_tensor_names():
    for module, names in [
        (nn.Linear(3, 2), ["input", "weight", "bias"]),
        (nn.Linear(3, 2).no_bias(), ["input", "weight"]),
        (nn.Tanh(), ["input"]),
        (mlp(), ["input", "0.weight", "0.bias", "2.weight", "2.bias"]),
    ]:
        report = check_module(module, X)
        assert report.ok, str(report)
        assert list(report.entries) == names
        assert report.max_abs_error < 1e-7
        assert all(check.ok for check in report.properties)
        with_parameters = names != ["input"]
        assert [c.name for c in report.properties] == [
            "forward leaves input unchanged",
            "forward deterministic",
            "backward deterministic",
            "backward leaves input and grad_output unchanged",
            "zero grad_output -> zero gradients",
        ] + with_parameters * [
            "parameter gradients accumulate",
            "backward scale multiplies parameter gradients",
        ]
    # params=False checks no parameter gradient at all, so neither of their properties.
    assert len(check_module(mlp(), X, params=False).properties) == 5


class TransposedWeightLinear(nn.Linear):
    """grad_weight += xᵀG instead of Gᵀx (the same shape for a square layer)."""

    def acc_grad_parameters(self, input, grad_output, scale=1.0):
        self.grad_weight += scale * input.T @ grad_output
        self.grad_bias += scale * grad_output.sum(0)


def test_nested_containers_name_tensors_by_their_path():
    # (0) Linear(3, 2), (1) Sequential((0) Tanh, (1) Linear(2, 2) with a planted bug).
    net = nn.Sequential(nn.Linear(3, 2), nn.Sequential(nn.Tanh(), TransposedWeightLinear(2, 2)))
    inner = net.get(1).get(1)
    inner.grad_weight[...] = 3.0
    report = check_module(net, X)
    assert list(report.entries) == ["input", "0.weight", "0.bias", "1.1.weight", "1.1.bias"]
    assert [entry.name for entry in report.failures] == ["1.1.weight"], str(report)
    assert report["1.1.weight"].diagnosis == "analytic ≈ numeric transposed"
    assert "1.1.weight: analytic ≈ numeric transposed" in str(report)
    assert np.all(inner.grad_weight == 3.0)  # restored inside the nested container too


def test_params_false_checks_only_the_input():
    report = check_module(mlp(), X, params=False)
    assert list(report.entries) == ["input"]


def test_jacobians_are_kept_in_the_report():
    layer = nn.Linear(3, 2)
    x = np.array([1.0, -2.0, 0.5])
    entry = check_module(layer, x)["input"]
    np.testing.assert_allclose(entry.analytic, layer.weight.T, atol=1e-15)
    np.testing.assert_allclose(entry.numeric, layer.weight.T, atol=1e-8)


def test_raise_on_failure_raises_an_assertion_error_carrying_the_report():
    class Doubled(nn.Tanh):
        def update_grad_input(self, input, grad_output):
            return 2 * grad_output * (1 - self.output**2)

    with pytest.raises(GradcheckError) as caught:
        check_module(Doubled(), X, raise_on_failure=True)
    assert isinstance(caught.value, AssertionError)
    assert "off by a constant factor 2 " in str(caught.value)
    assert not caught.value.report.ok
    check_module(nn.Tanh(), X, raise_on_failure=True)  # no raise when it passes


def test_bad_settings_and_inputs_are_clear_errors():
    with pytest.raises(ValueError, match="eps"):
        check_module(nn.Tanh(), X, eps=-1.0)
    with pytest.raises(ValueError, match="rtol"):
        check_module(nn.Tanh(), X, rtol=float("nan"))
    with pytest.raises(TypeError, match="floating"):
        check_module(nn.Tanh(), np.arange(3))
    with pytest.raises(TypeError, match="numpy.ndarray"):
        check_module(nn.Tanh(), [1.0, 2.0])
    with pytest.raises(TypeError, match=r"float32.*\.float\(\)"):  # the module's own message
        check_module(nn.Linear(3, 2), X.astype(np.float32))


# ---------------------------------------------------------------- forward before backward
class RecordingTanh(nn.Tanh):
    """Tanh (whose backward reads self.output) that records what each backward relied on."""

    def __init__(self):
        super().__init__()
        self.stale_backwards = 0
        self.backwards = 0

    def update_grad_input(self, input, grad_output):
        self.backwards += 1
        if not np.array_equal(self.output, np.tanh(input)):
            self.stale_backwards += 1
        return super().update_grad_input(input, grad_output)


def test_forward_is_rerun_at_the_unperturbed_input_before_every_backward():
    layer = RecordingTanh()
    layer.forward(X + 1.0)  # leave self.output at another input, as a previous step would
    report = check_module(layer, X)
    assert report.ok, str(report)
    assert layer.backwards >= X.size  # one backward per output element at least
    assert layer.stale_backwards == 0


class OutputRecyclingTanh(nn.Module):
    """Tanh whose backward turns the output buffer into grad_input (saves memory, as some Torch
    layers do): right for every forward/backward pair, wrong for a backward after a backward."""

    def update_output(self, input):
        self.output = np.tanh(input)
        return self.output

    def update_grad_input(self, input, grad_output):
        grad = self.output  # y, overwritten below by (1 − y²) g
        np.multiply(grad, grad, out=grad)
        np.subtract(1, grad, out=grad)
        grad *= grad_output
        self.grad_input = grad
        return grad


def test_a_backward_that_consumes_forward_buffers_is_checked_correctly():
    layer = OutputRecyclingTanh()
    report = check_module(layer, X)
    assert report.ok, str(report)
    np.testing.assert_allclose(
        report["input"].analytic, np.diag(1 - np.tanh(X.ravel()) ** 2), atol=1e-15
    )
    # Without a forward in between, the second backward is wrong:
    layer.forward(X)
    layer.backward(X, np.ones_like(X))
    again = layer.backward(X, np.ones_like(X))
    assert not np.allclose(again, 1 - np.tanh(X) ** 2)


def test_a_stale_output_really_would_corrupt_the_gradient():
    # Why the re-run matters: Tanh's backward at x after a forward at x + h is wrong by O(h).
    layer = nn.Tanh()
    layer.forward(X + 1e-3)
    stale = layer.backward(X, np.ones_like(X)).copy()
    assert np.max(np.abs(stale - (1 - np.tanh(X) ** 2))) > 1e-4


def test_module_output_is_left_at_the_input_after_the_check():
    layer = nn.Tanh()
    check_module(layer, X)
    assert np.array_equal(layer.output, np.tanh(X))


def test_layers_returning_their_input_and_grad_output_are_copied():
    class Identity(nn.Module):
        def update_output(self, input):
            self.output = input
            return input

        def update_grad_input(self, input, grad_output):
            self.grad_input = grad_output
            return grad_output

    report = check_module(Identity(), X)
    assert report.ok, str(report)
    np.testing.assert_allclose(report["input"].numeric, np.eye(X.size), atol=1e-9)


# ---------------------------------------------------------------- exact restoration
@settings(max_examples=30, deadline=None)
@given(case=linear_cases())
def test_parameters_gradients_and_input_are_restored_bit_for_bit(case):
    x, weight, bias, grad_weight, grad_bias = case
    layer = nn.Linear(weight.shape[1], weight.shape[0])
    layer.weight[...] = weight
    layer.bias[...] = bias
    layer.grad_weight[...] = grad_weight
    layer.grad_bias[...] = grad_bias
    flat_params, flat_grads = layer.get_parameters()
    arrays = [layer.weight, layer.bias, layer.grad_weight, layer.grad_bias]
    before = [a.tobytes() for a in arrays]
    x_before = x.tobytes()
    report = check_module(layer, x)
    assert report.ok, str(report)
    now = [layer.weight, layer.bias, layer.grad_weight, layer.grad_bias]
    assert all(a is b for a, b in zip(now, arrays))  # the same array objects
    assert [a.tobytes() for a in arrays] == before
    assert x.tobytes() == x_before
    assert layer.get_parameters()[0] is flat_params  # the flat views survived
    assert np.shares_memory(layer.grad_weight, flat_grads)


def test_state_is_restored_when_the_check_fails_and_when_backward_rebinds_gradients():
    class Rebinding(nn.Linear):
        def acc_grad_parameters(self, input, grad_output, scale=1.0):
            self.grad_weight = self.grad_weight + 1.01 * scale * grad_output.T @ input
            self.grad_bias = self.grad_bias + scale * grad_output.sum(0)

    layer = Rebinding(3, 2)
    layer.grad_weight[...] = 5.0
    grad_weight, weight_bits = layer.grad_weight, layer.weight.tobytes()
    report = check_module(layer, X)
    assert not report["weight"].ok and report["bias"].ok
    assert layer.grad_weight is grad_weight and np.all(grad_weight == 5.0)
    assert layer.weight.tobytes() == weight_bits


def test_state_is_restored_when_backward_raises():
    class Exploding(nn.Linear):
        def acc_grad_parameters(self, input, grad_output, scale=1.0):
            self.grad_weight += 1.0
            raise RuntimeError("planted")

    layer = Exploding(3, 2)
    report = check_module(layer, X)
    assert "RuntimeError: planted" in report.problems[0]
    assert np.all(layer.grad_weight == 0)


# ---------------------------------------------------------------- compute_grad_input=False
class ScaledGradInputLinear(nn.Linear):
    """grad_input 1% too large: findable only if grad_input is computed at all."""

    def update_grad_input(self, input, grad_output):
        return 1.01 * (grad_output @ self.weight)


class FirstLayerLinear(ScaledGradInputLinear):
    compute_grad_input = False  # the class default, no instance attribute


def test_compute_grad_input_false_is_switched_on_for_the_check_and_restored():
    layer = ScaledGradInputLinear(3, 2)
    layer.compute_grad_input = False
    report = check_module(layer, X)
    # The input is really checked: its planted 1% error is found, with the usual diagnosis.
    assert [entry.name for entry in report.failures] == ["input"], str(report)
    assert report["input"].diagnosis.startswith("off by a constant factor 1.01 ")
    assert report.subject.endswith(":ScaledGradInputLinear [nn.Linear(3 -> 2)]")
    assert any(f"compute_grad_input was False on {report.subject}" in n for n in report.notes)
    assert "compute_grad_input was False" in str(report)
    assert vars(layer)["compute_grad_input"] is False
    assert layer.backward(X, np.ones((4, 2))) is None  # still skipping after the check


def test_a_class_default_compute_grad_input_leaves_no_instance_attribute_behind():
    layer = FirstLayerLinear(3, 2)
    report = check_module(layer, X)
    assert report["input"].diagnosis.startswith("off by a constant factor 1.01 ")
    assert "compute_grad_input" not in vars(layer)


def test_compute_grad_input_false_on_a_sequential_checks_its_input():
    net = mlp()
    net.compute_grad_input = False  # the first Linear's flag
    report = check_module(net, X)
    assert report.ok, str(report)
    assert list(report.entries)[0] == "input"
    assert report["input"].failing == 0 and report["input"].problem is None
    assert net.get(0).compute_grad_input is False
    jacobian = analytic_jacobian(net, X, params=False)["input"]  # the building block too
    assert jacobian.shape == (X.size, 8)
    assert net.get(0).compute_grad_input is False


# ---------------------------------------------------------------- float32
def test_float32_module_is_checked_through_a_float64_clone():
    layer = nn.Linear(3, 2).float()
    layer.grad_bias[...] = 1.5
    bits = [a.tobytes() for a in (layer.weight, layer.bias, layer.grad_weight, layer.grad_bias)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the default path must not warn
        report = check_module(layer, X.astype(np.float32))
    assert report.ok, str(report)
    assert report.dtype == np.float64
    assert report.max_abs_error < 1e-7  # float64 accuracy, impossible in float32
    assert any("float64 clone" in note for note in report.notes)
    assert "float64 clone" in str(report)
    assert layer.weight.dtype == np.float32
    after = [a.tobytes() for a in (layer.weight, layer.bias, layer.grad_weight, layer.grad_bias)]
    assert after == bits


def test_float32_bug_is_still_found_through_the_clone():
    class ScaledLinear(nn.Linear):
        def update_grad_input(self, input, grad_output):
            return 1.01 * (grad_output @ self.weight)

    report = check_module(ScaledLinear(3, 2).float(), X.astype(np.float32))
    assert report["input"].diagnosis.startswith("off by a constant factor 1.01 ")


def test_forcing_float32_warns_and_is_noise_at_the_default_eps():
    layer = nn.Linear(3, 2)
    with pytest.warns(UserWarning, match="float32") as record:
        report = check_module(layer, X, dtype=np.float32)
    assert record[0].filename == __file__  # the warning points at the caller
    assert report.dtype == np.float32
    assert "float32 as asked" in str(report)
    # float32 rounding (~6e-8 on outputs near 1) divided by 2e-6 dwarfs atol=1e-5.
    assert report.max_abs_error > 1e-4
    with pytest.warns(UserWarning):
        loose = check_module(layer, X, dtype=np.float32, eps=1e-2, atol=1e-2, rtol=1e-2)
    assert loose.ok, str(loose)
    assert layer.weight.dtype == np.float64  # a float32 clone was checked, not the layer


def test_float32_input_to_a_parameter_free_layer_is_checked_in_float64():
    report = check_module(nn.Tanh(), X.astype(np.float32))
    assert report.ok and report.dtype == np.float64
    assert "the input is float32: checked in float64" in str(report)


# ---------------------------------------------------------------- checks beyond the Jacobian
def test_in_place_forward_is_flagged_but_the_jacobian_stays_right():
    class InPlaceTanh(nn.Module):  # Torch's inplace=true: forward overwrites its input
        def update_output(self, input):
            np.tanh(input, out=input)
            self.output = input
            return input

        def update_grad_input(self, input, grad_output):
            return grad_output * (1 - self.output**2)

    report = check_module(InPlaceTanh(), X)
    assert report["input"].ok, str(report)  # every call sees a fresh copy
    check = properties(report)["forward leaves input unchanged"]
    assert not check.ok and check.detail == "input modified in place"
    assert not report.ok


def test_backward_modifying_grad_output_is_flagged():
    class Clobbering(nn.Tanh):
        def update_grad_input(self, input, grad_output):
            grad_output *= 1 - self.output**2
            return grad_output

    report = check_module(Clobbering(), X)
    check = properties(report)["backward leaves input and grad_output unchanged"]
    assert not check.ok and "grad_output modified in place" in check.detail


def test_backward_modifying_its_input_is_flagged():
    class InputClobberingTanh(nn.Tanh):
        def update_grad_input(self, input, grad_output):
            grad = grad_output * (1 - self.output**2)
            input *= 0  # reuses the input as scratch space: the layer before it sees zeros
            return grad

    report = check_module(InputClobberingTanh(), X)
    assert report["input"].ok, str(report)  # every backward got its own copy
    check = properties(report)["backward leaves input and grad_output unchanged"]
    assert not check.ok and check.detail == "input modified in place"
    assert "FAIL backward leaves input and grad_output unchanged: input modified" in str(report)


def test_random_forward_and_random_backward_are_flagged():
    class Noisy(nn.Module):
        def __init__(self, where):
            super().__init__()
            self.where = where
            self.rng = np.random.default_rng(0)

        def update_output(self, input):
            noise = self.rng.normal(size=input.shape) if self.where == "forward" else 0.0
            return input + noise

        def update_grad_input(self, input, grad_output):
            noise = self.rng.normal(size=input.shape) * 1e-12 if self.where == "backward" else 0
            return grad_output + noise

    forward = properties(check_module(Noisy("forward"), X))["forward deterministic"]
    assert not forward.ok and ".evaluate()" in forward.detail
    report = check_module(Noisy("backward"), X)
    assert report["input"].ok  # noise far below atol: only the determinism check sees it
    backward = properties(report)["backward deterministic"]
    assert not backward.ok and "grad_input" in backward.detail
    assert not report.ok
    # Its noise also makes a zero grad_output give a nonzero gradient; that is not evidence
    # of a gradient ignoring grad_output, and the detail must not claim it.
    zero = properties(report)["zero grad_output -> zero gradients"]
    assert not zero.ok
    assert "ignores grad_output" not in zero.detail
    assert "nondeterministic" in zero.detail and zero.detail.startswith("grad_input has max")


# ---------------------------------------------------------------- criteria
class SquaredError(nn.Criterion):
    """L = Σ (x − t)² / N (N = x.size with size_average); ∂L/∂x = 2 (x − t) / N."""

    def update_output(self, input, target):
        n = input.size if self.size_average else 1
        self.output = float(np.sum((input - target) ** 2) / n)
        return self.output

    def update_grad_input(self, input, target):
        n = input.size if self.size_average else 1
        self.grad_input = 2 * (input - target) / n
        return self.grad_input


class ForgetsAverage(SquaredError):
    def update_grad_input(self, input, target):
        return 2 * (input - target)


class BackwardsDifference(SquaredError):
    def update_grad_input(self, input, target):
        return 2 * (target - input) / input.size


class FlatGradient(SquaredError):
    def update_grad_input(self, input, target):
        return (2 * (input - target) / input.size).ravel()


class PickLoss(nn.Criterion):
    """L = −Σᵢ x[i, tᵢ] / n with integer targets; ∂L/∂x[i, k] = −[k = tᵢ] / n."""

    def update_output(self, input, target):
        return float(-input[np.arange(len(target)), target].sum() / len(target))

    def update_grad_input(self, input, target):
        grad = np.zeros_like(input)
        grad[np.arange(len(target)), target] = -1.0 / len(target)
        return grad


class DotLoss(nn.Criterion):
    """A table input (x1, x2): L = Σ x1 ⊙ x2 − t·Σ x1; ∂L/∂x1 = x2 − t, ∂L/∂x2 = x1."""

    def __init__(self, wrong_second=False):
        super().__init__()
        self.wrong_second = wrong_second

    def forward(self, input, target):  # a table input: the base class expects one array
        x1, x2 = input
        self.output = float(np.sum(x1 * x2) - target * np.sum(x1))
        return self.output

    def backward(self, input, target):
        x1, x2 = input
        self.grad_input = (x2 - target, -x1 if self.wrong_second else x1)
        return self.grad_input


TARGET = np.random.default_rng(4).uniform(-2, 2, X.shape)


def test_correct_criterion_passes_and_its_arguments_are_untouched():
    x, target = X.copy(), TARGET.copy()
    report = check_criterion(SquaredError(), x, target)
    assert report.ok, str(report)
    assert list(report.entries) == ["input"]
    assert report["input"].output_shape == ()
    np.testing.assert_allclose(report["input"].numeric.ravel(), 2 * (X - TARGET).ravel() / 12)
    assert np.array_equal(x, X) and np.array_equal(target, TARGET)
    assert [c.name for c in report.properties] == [
        "forward leaves input and target unchanged",
        "forward deterministic",
        "backward deterministic",
        "backward leaves input and target unchanged",
    ]


@pytest.mark.parametrize(
    "criterion, diagnosis",
    [
        (ForgetsAverage(), "off by a constant factor 12 "),  # N = 12 elements
        (BackwardsDifference(), "sign flipped"),
        (FlatGradient(), "the values are right once reshaped to (4, 3)"),
    ],
    ids=["forgets size_average", "sign", "shape"],
)
def test_planted_criterion_bugs_are_diagnosed(criterion, diagnosis):
    report = check_criterion(criterion, X, TARGET)
    assert not report.ok
    assert diagnosis in f"{report['input'].diagnosis} "
    assert diagnosis.strip() in str(report)


def test_criterion_shape_error_names_both_shapes():
    report = check_criterion(FlatGradient(), X, TARGET)
    assert report["input"].problem == "grad_input has shape (12,), but the input has shape (4, 3)"


def test_integer_targets_stay_integers_and_float_targets_follow_a_float32_input():
    labels = np.array([0, 2, 1, 2])
    report = check_criterion(PickLoss(), X.astype(np.float32), labels)
    assert report.ok and report.dtype == np.float64, str(report)
    seen = []

    class Recording(SquaredError):
        def update_output(self, input, target):
            seen.append((input.dtype, target.dtype))
            return super().update_output(input, target)

    report = check_criterion(Recording(), X.astype(np.float32), TARGET.astype(np.float32))
    assert report.ok, str(report)
    float32, float64 = np.dtype(np.float32), np.dtype(np.float64)
    assert seen[0] == (float32, float32)  # first, as given
    assert set(seen[1:]) == {(float64, float64)}


def test_table_input_is_checked_per_array():
    x = (X.copy(), TARGET.copy())
    report = check_criterion(DotLoss(), x, 0.5)
    assert report.ok, str(report)
    assert list(report.entries) == ["input[0]", "input[1]"]
    broken = check_criterion(DotLoss(wrong_second=True), x, 0.5)
    assert [e.name for e in broken.failures] == ["input[1]"]
    assert broken["input[1]"].diagnosis.startswith("sign flipped")


def test_criterion_check_raises_on_failure_when_asked():
    with pytest.raises(GradcheckError, match="sign flipped"):
        check_criterion(BackwardsDifference(), X, TARGET, raise_on_failure=True)


def test_seeded_generator_is_not_consumed_by_a_check():
    minitorch_l2.manual_seed(5)
    expected = minitorch_l2.generator().uniform(size=3)
    minitorch_l2.manual_seed(5)
    check_module(nn.Tanh(), X)
    assert np.array_equal(minitorch_l2.generator().uniform(size=3), expected)


def test_a_forward_that_raises_at_a_perturbed_point_is_reported_not_raised():
    class Root(nn.Module):
        def update_output(self, input):
            if np.any(input < 0):
                raise ValueError("negative input")
            return np.sqrt(input)

        def update_grad_input(self, input, grad_output):
            return grad_output / (2 * np.sqrt(input))

    x = np.array([1e-7, 1.0, 4.0])  # 1e-7 − eps < 0
    report = check_module(Root(), x)
    assert not report.ok
    assert report.problems[0].startswith("forward at a perturbed input raised ValueError")
    assert not report["input"].checked


def test_the_keywords_are_one_definition_shown_as_the_signature():
    import inspect

    from minitorch_l2.gradcheck import check_criterion
    from minitorch_l2.gradcheck._run.settings import OPTIONS

    module_keywords = inspect.signature(check_module).parameters
    assert list(module_keywords)[2:] == list(OPTIONS)
    assert module_keywords["atol"].default == 1e-5
    assert module_keywords["max_memory"].kind is inspect.Parameter.KEYWORD_ONLY
    criterion_keywords = list(inspect.signature(check_criterion).parameters)[3:]
    assert criterion_keywords == [name for name in OPTIONS if name != "params"]
    with pytest.raises(TypeError, match="unexpected keyword argument 'atoll' .did you mean 'atol'"):
        check_module(nn.Tanh(), np.ones(3), atoll=1e-3)
    with pytest.raises(
        TypeError, match="check_criterion.. got an unexpected keyword argument 'params'"
    ):
        check_criterion(nn.MSECriterion(), np.ones(3), np.zeros(3), params=True)
