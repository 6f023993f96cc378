"""optim.sgd, optim.adam, optim.lbfgs: hand-computed steps, PyTorch trajectories, the spiral."""

from __future__ import annotations

import math

import numpy as np
import pytest

import minitorch_l2
from minitorch_l2 import data, nn, optim

RNG = np.random.default_rng(42)
M = RNG.normal(size=(5, 5))
A = M @ M.T / 5 + np.eye(5)  # symmetric positive definite
B = RNG.normal(size=5)
X0 = RNG.normal(size=5)


def quadratic(x):
    """f(x) = ½ xᵀAx − bᵀx, ∇f = Ax − b; minimum at A⁻¹b."""
    return 0.5 * x @ A @ x - B @ x, A @ x - B


def half_square(x):
    """f(x) = ½ Σ x², ∇f = x: every step can be followed by hand."""
    return 0.5 * float(x @ x), x.copy()


def run(method, config, steps, x0=X0, state=None):
    x = x0.copy()
    path, losses = [], []
    for _ in range(steps):
        returned, values = method(quadratic, x, config, state)
        assert returned is x and len(values) == 1
        path.append(x.copy())
        losses.append(values[0])
    return np.array(path), losses


def torch_run(torch, make_optimizer, steps, x0=X0):
    p = torch.tensor(x0.copy(), requires_grad=True)
    a, b = torch.tensor(A), torch.tensor(B)
    optimizer = make_optimizer([p])
    path, losses = [], []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = 0.5 * p @ a @ p - b @ p
        loss.backward()
        optimizer.step()
        path.append(p.detach().numpy().copy())
        losses.append(loss.item())
    return np.array(path), losses


# ---------------------------------------------------------------- sgd by hand
def test_sgd_plain_step():
    x = np.array([1.0, -2.0])
    optim.sgd(half_square, x, {"learning_rate": 0.25})
    np.testing.assert_array_equal(x, [0.75, -1.5])  # x − 0.25 x


def test_sgd_default_dampening_is_the_momentum_as_in_torch7():
    x, config = np.array([1.0]), {"learning_rate": 0.1, "momentum": 0.5}
    optim.sgd(half_square, x, config)  # g = 1, v = 1, x = 1 − 0.1
    assert x[0] == pytest.approx(0.9, rel=1e-15)
    optim.sgd(half_square, x, config)  # g = 0.9, v = 0.5·1 + (1 − 0.5)·0.9 = 0.95
    assert x[0] == pytest.approx(0.9 - 0.1 * 0.95, rel=1e-15)


def test_sgd_learning_rate_decay():
    x, config = np.array([1.0]), {"learning_rate": 0.1, "learning_rate_decay": 0.5}
    expected = 1.0
    for k in range(4):
        optim.sgd(half_square, x, config)
        expected -= 0.1 / (1 + 0.5 * k) * expected  # step k uses η / (1 + kρ)
        assert x[0] == pytest.approx(expected, rel=1e-15)
    assert config["eval_counter"] == 4


def test_sgd_weight_decay_leaves_the_callers_gradient_alone():
    grad = np.array([1.0, 1.0])
    x = np.array([2.0, -2.0])
    optim.sgd(lambda x: (0.0, grad), x, {"learning_rate": 0.5, "weight_decay": 0.25})
    np.testing.assert_array_equal(x, [2.0 - 0.5 * 1.5, -2.0 - 0.5 * 0.5])  # g + λx
    np.testing.assert_array_equal(grad, [1.0, 1.0])


# ---------------------------------------------------------------- sgd against PyTorch
@pytest.mark.parametrize(
    ("momentum", "dampening", "nesterov", "weight_decay"),
    [
        (0.0, 0.0, False, 0.0),
        (0.9, 0.0, False, 0.0),
        (0.9, 0.3, False, 0.01),
        (0.9, 0.0, True, 0.0),
        (0.5, 0.0, True, 0.1),
    ],
)
def test_sgd_trajectory_matches_pytorch(torch, momentum, dampening, nesterov, weight_decay):
    config = {
        "learning_rate": 0.05,
        "momentum": momentum,
        "dampening": dampening,
        "nesterov": nesterov,
        "weight_decay": weight_decay,
    }
    path, losses = run(optim.sgd, config, 15)

    def make(params):
        return torch.optim.SGD(
            params,
            lr=0.05,
            momentum=momentum,
            dampening=dampening,
            nesterov=nesterov,
            weight_decay=weight_decay,
        )

    expected_path, expected_losses = torch_run(torch, make, 15)
    np.testing.assert_allclose(path, expected_path, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(losses, expected_losses, rtol=1e-12)


# ---------------------------------------------------------------- adam
def test_adam_first_step_follows_torch7s_epsilon():
    # Torch 7: x₁ = x₀ − η √(1−β₂)/(1−β₁) · (1−β₁)g / (√((1−β₂)g²) + ε) = x₀ − η g/(|g| + ε/√(1−β₂))
    x = np.array([2.0])
    optim.adam(half_square, x, {"learning_rate": 0.1, "epsilon": 0.1})
    expected = 2.0 - 0.1 * 2.0 / (2.0 + 0.1 / math.sqrt(1 - 0.999))
    assert x[0] == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize("epsilon", [0.0, 1e-8])
def test_adam_trajectory_matches_pytorch(torch, epsilon):
    config = {"learning_rate": 0.05, "beta1": 0.8, "beta2": 0.99, "epsilon": epsilon}
    path, losses = run(optim.adam, config, 20)
    expected_path, expected_losses = torch_run(
        torch, lambda p: torch.optim.Adam(p, lr=0.05, betas=(0.8, 0.99), eps=epsilon), 20
    )
    # ε = 0: the same formula; ε = 1e-8: Torch 7 and PyTorch place ε differently (O(ε) apart)
    tolerance = 1e-12 if epsilon == 0 else 1e-7
    np.testing.assert_allclose(path, expected_path, rtol=tolerance, atol=tolerance)
    np.testing.assert_allclose(losses, expected_losses, rtol=tolerance)
    assert config["t"] == 20


@pytest.mark.parametrize("method", [optim.sgd, optim.adam])
def test_float32_parameters_stay_float32(method):
    x = X0.astype(np.float32)
    config = {"learning_rate": 0.01}
    for _ in range(3):
        method(lambda x: (0.0, (A @ x - B).astype(np.float32)), x, config)
    assert x.dtype == np.float32 and np.isfinite(x).all()


# ---------------------------------------------------------------- config and state
def test_the_config_dict_is_the_state_when_no_state_is_given():
    config = {"learning_rate": 0.1, "momentum": 0.9, "dampening": 0.0}
    x = np.array([1.0])
    optim.sgd(half_square, x, config)
    optim.sgd(half_square, x, config)
    # v₁ = 1, x₁ = 0.9; v₂ = 0.9·1 + 0.9 = 1.8, x₂ = 0.9 − 0.18
    assert x[0] == pytest.approx(0.72, rel=1e-15)
    assert config["velocity"][0] == pytest.approx(1.8) and config["eval_counter"] == 2


def test_a_separate_state_dict_keeps_the_config_clean():
    config = {"learning_rate": 0.1, "beta1": 0.5}
    state: dict = {}
    run(optim.adam, config, 3, state=state)
    assert config == {"learning_rate": 0.1, "beta1": 0.5}
    assert state["t"] == 3 and state["m"].shape == X0.shape


def test_a_fresh_config_each_call_carries_no_momentum():
    x = np.array([1.0])
    for _ in range(2):
        optim.sgd(half_square, x, {"learning_rate": 0.1, "momentum": 0.9, "dampening": 0.0})
    assert x[0] == pytest.approx(0.81, rel=1e-15)  # two plain steps: 1 · 0.9 · 0.9


def test_sgd_updates_a_modules_flat_parameters_in_place():
    net = nn.Sequential(nn.Linear(3, 2))
    params, grads = net.get_parameters()
    before = params.copy()
    x = np.ones((4, 3))

    def feval(p):
        assert p is params
        net.zero_grad_parameters()
        net.forward(x)
        net.backward(x, np.ones((4, 2)))
        return 0.0, grads

    optim.sgd(feval, params, {"learning_rate": 0.1})
    np.testing.assert_allclose(params, before - 0.1 * grads)
    assert np.shares_memory(net.get(0).weight, params)
    np.testing.assert_allclose(net.get(0).bias, before[-2:] - 0.1 * 4)  # Σₙ 1 = 4 per output


# ---------------------------------------------------------------- lbfgs
def test_lbfgs_finds_the_minimum_of_a_quadratic_in_place():
    x = X0.copy()
    seen = []

    def feval(p):
        seen.append(p)
        return quadratic(p)

    config = {"max_iter": 50, "max_eval": 200, "tol_fun": 1e-12, "tol_x": 0.0}
    returned, history = optim.lbfgs(feval, x, config)
    assert returned is x and all(p is x for p in seen)
    np.testing.assert_allclose(x, np.linalg.solve(A, B), rtol=1e-7, atol=1e-9)
    assert history[0] == pytest.approx(quadratic(X0)[0], rel=1e-15)
    assert history[-1] == pytest.approx(quadratic(x)[0], rel=1e-12)
    assert history[-1] < history[0]
    assert config["func_eval"] == len(seen) and 0 < config["n_iter"] <= 50


def test_lbfgs_respects_max_iter_and_accumulates_counters():
    state: dict = {}
    x = X0.copy()
    for _ in range(2):
        optim.lbfgs(quadratic, x, {"max_iter": 2}, state)
    assert state["n_iter"] <= 4 and state["func_eval"] >= 2


def test_lbfgs_float32_parameters_are_written_in_place():
    x = X0.astype(np.float32)
    optim.lbfgs(lambda p: (float(quadratic(p)[0]), quadratic(p)[1].astype(np.float32)), x)
    assert x.dtype == np.float32
    assert quadratic(x.astype(np.float64))[0] < quadratic(X0)[0]


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize("method", [optim.sgd, optim.adam, optim.lbfgs])
def test_bad_calls_are_clear_errors(method):
    name = method.__name__
    x = X0.copy()
    with pytest.raises(ValueError, match=rf"optim\.{name}: unknown option 'learningRate'"):
        method(quadratic, x, {"learningRate": 0.1})
    with pytest.raises(TypeError, match=rf"optim\.{name}: expected x to be a float32/float64"):
        method(quadratic, [1.0, 2.0])
    with pytest.raises(TypeError, match=rf"optim\.{name}: expected x to be a float32/float64"):
        method(quadratic, np.arange(5))
    with pytest.raises(TypeError, match=rf"optim\.{name}: feval\(x\) must return a pair"):
        method(lambda p: 1.0, x)
    with pytest.raises(ValueError, match=rf"optim\.{name}: feval\(x\) returned a gradient of"):
        method(lambda p: (1.0, np.ones(3)), x)
    with pytest.raises(TypeError, match=rf"optim\.{name}: expected config to be a dict"):
        method(quadratic, x, [("max_iter", 3)])
    np.testing.assert_array_equal(x, X0)  # nothing moved


def test_lua_option_names_get_a_hint():
    with pytest.raises(ValueError, match=r"did you mean 'learning_rate'\?"):
        optim.sgd(quadratic, X0.copy(), {"learningRate": 0.1})
    with pytest.raises(ValueError, match=r"did you mean 'max_iter'\?"):
        optim.lbfgs(quadratic, X0.copy(), {"maxIter": 3})


def test_bad_option_values():
    x = X0.copy()
    with pytest.raises(ValueError, match=r"optim\.sgd: learning_rate must be a number"):
        optim.sgd(quadratic, x, {"learning_rate": -0.1})
    with pytest.raises(ValueError, match=r"optim\.sgd: Nesterov momentum requires"):
        optim.sgd(quadratic, x, {"momentum": 0.9, "nesterov": True})  # dampening defaults to 0.9
    with pytest.raises(ValueError, match=r"optim\.sgd: Nesterov momentum requires"):
        optim.sgd(quadratic, x, {"nesterov": True, "dampening": 0.0})
    with pytest.raises(ValueError, match=r"optim\.adam: beta1 and beta2 must be < 1"):
        optim.adam(quadratic, x, {"beta2": 1.0})
    with pytest.raises(ValueError, match=r"optim\.adam: epsilon must be a number"):
        optim.adam(quadratic, x, {"epsilon": float("nan")})
    with pytest.raises(ValueError, match=r"optim\.lbfgs: max_iter must be a positive int"):
        optim.lbfgs(quadratic, x, {"max_iter": 0})


# ---------------------------------------------------------------- training the spiral
def spiral_problem(hidden=32):
    minitorch_l2.manual_seed(0)
    X, y = data.make_spiral(100, 3, 0.2, seed=0)
    net = nn.Sequential(
        nn.Linear(2, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, 3)
    )
    criterion = nn.CrossEntropyCriterion()
    params, grads = net.get_parameters()

    def feval(p):
        net.zero_grad_parameters()
        scores = net.forward(X)
        loss = criterion.forward(scores, y)
        net.backward(X, criterion.backward(scores, y))
        return loss, grads

    def accuracy():
        return float(np.mean(net.forward(X).argmax(axis=1) == y))

    return params, feval, accuracy


@pytest.mark.parametrize(
    ("method", "config", "calls"),
    [
        (optim.sgd, {"learning_rate": 0.3, "momentum": 0.9, "dampening": 0.0}, 600),
        (optim.sgd, {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True, "dampening": 0}, 600),
        (optim.adam, {"learning_rate": 0.01}, 300),
        (optim.lbfgs, {"max_iter": 300, "n_correction": 10}, 1),
    ],
    ids=["sgd-momentum", "sgd-nesterov", "adam", "lbfgs"],
)
def test_each_optimiser_trains_the_spiral_past_95_percent(method, config, calls):
    params, feval, accuracy = spiral_problem()
    start = accuracy()
    for _ in range(calls):
        method(feval, params, config)
    assert start < 0.6 and accuracy() >= 0.95
