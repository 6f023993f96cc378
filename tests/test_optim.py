"""The optimisers: hand-computed steps, PyTorch trajectories, both spellings, refusals, the spiral.

The comparison with real Lua Torch 7, step by step, is in test_optim_lua_reference.py.
"""

from __future__ import annotations

import ast
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings

import minitorch_l2
from minitorch_l2 import data, nn, optim

from .strategies import sgd_configs

ROOT = Path(__file__).resolve().parent.parent
RNG = np.random.default_rng(42)
M = RNG.normal(size=(5, 5))
A = M @ M.T / 5 + np.eye(5)  # symmetric positive definite
B = RNG.normal(size=5)
X0 = RNG.normal(size=5)

# Every optimiser with a config that moves x on the quadratic below, in Lua's spelling.
METHODS = {
    "sgd": (optim.sgd, {"learningRate": 0.05, "momentum": 0.5, "weightDecay": 0.01}),
    "nag": (optim.nag, {"learningRate": 0.05, "momentum": 0.5, "learningRateDecay": 0.1}),
    "adam": (optim.adam, {"learningRate": 0.05, "weightDecay": 0.01}),
    "adamax": (optim.adamax, {"learningRate": 0.05, "weightDecay": 0.01}),
    "rmsprop": (optim.rmsprop, {"learningRate": 0.05, "initialMean": 0.5}),
    "adagrad": (optim.adagrad, {"learningRate": 0.5, "learningRateDecay": 0.1}),
    "adadelta": (optim.adadelta, {"rho": 0.8, "eps": 1e-3, "weightDecay": 0.01}),
    "asgd": (optim.asgd, {"eta0": 0.1, "t0": 2}),
    "rprop": (optim.rprop, {"stepsize": 0.05, "niter": 2}),
    "cg": (optim.cg, {"maxIter": 3}),
    "lbfgs": (optim.lbfgs, {"maxIter": 3, "learningRate": 0.5}),
    "lbfgs+lswolfe": (optim.lbfgs, {"maxIter": 3, "lineSearch": optim.lswolfe}),
    "lbfgsb": (optim.lbfgsb, {"maxIter": 3}),
}


def quadratic(x):
    """f(x) = ½ xᵀAx − bᵀx, ∇f = Ax − b; minimum at A⁻¹b."""
    return 0.5 * x @ A @ x - B @ x, A @ x - B


def half_square(x):
    """f(x) = ½ Σ x², ∇f = x: every step can be followed by hand."""
    return 0.5 * float(x @ x), x.copy()


def snake(config: dict) -> dict:
    """The same config under snake_case names."""
    spelling = {
        "learningRate": "learning_rate",
        "learningRateDecay": "learning_rate_decay",
        "weightDecay": "weight_decay",
        "initialMean": "initial_mean",
        "maxIter": "max_iter",
        "lineSearch": "line_search",
    }
    return {spelling.get(key, key): value for key, value in config.items()}


def run(method, config, steps, x0=X0, state=None):
    x = x0.copy()
    path, losses = [], []
    for _ in range(steps):
        returned = method(quadratic, x, config, state)
        assert returned[0] is x
        path.append(x.copy())
        losses.append(returned[1][0])
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
    optim.sgd(half_square, x, {"learningRate": 0.25})
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


def test_sgd_per_parameter_rates_and_decays():
    grad = np.array([1.0, 2.0, -1.0])
    x = np.array([2.0, 4.0, -2.0])
    rates, decays = np.array([1.0, 0.5, 0.0]), np.array([0.5, 0.0, 0.25])
    config = {"learningRate": 0.1, "learningRates": rates, "weightDecays": decays}
    optim.sgd(lambda x: (0.0, grad), x, config)
    # d = g + λᵢ x = [2, 2, −1.5]; x −= 0.1 · ηᵢ d = [0.2, 0.1, 0]
    np.testing.assert_allclose(x, [1.8, 3.9, -2.0], rtol=1e-15)
    np.testing.assert_array_equal(grad, [1.0, 2.0, -1.0])


def test_nag_looks_ahead_then_steps():
    x, config = np.array([1.0]), {"learningRate": 0.1, "momentum": 0.5}
    optim.nag(half_square, x, config)  # v = 0: g(1) = 1; x = 0.9, v = −0.1
    assert x[0] == pytest.approx(0.9, rel=1e-15)
    seen = []
    optim.nag(lambda p: (seen.append(p[0]), half_square(p))[1], x, config)
    assert seen == [pytest.approx(0.85, rel=1e-15)]  # evaluated at x + μ v = 0.9 − 0.05
    assert x[0] == pytest.approx(0.85 - 0.1 * 0.85, rel=1e-15)
    assert config["dfdx"][0] == pytest.approx(0.5 * -0.1 - 0.1 * 0.85, rel=1e-15)


def test_adagrad_and_rmsprop_first_steps():
    x = np.array([2.0])
    optim.adagrad(half_square, x, {"learningRate": 0.5})  # x − η g / (√(g²) + 1e-10)
    assert x[0] == pytest.approx(2.0 - 0.5 * 2.0 / (2.0 + 1e-10), rel=1e-15)
    x = np.array([2.0])
    optim.rmsprop(half_square, x, {"learningRate": 0.5, "alpha": 0.75, "initialMean": 1.0})
    m = 0.75 * 1.0 + 0.25 * 4.0  # from m = initialMean
    assert x[0] == pytest.approx(2.0 - 0.5 * 2.0 / (math.sqrt(m) + 1e-8), rel=1e-15)


def test_adamax_and_adadelta_first_steps():
    x = np.array([2.0])
    optim.adamax(half_square, x, {"learningRate": 0.5, "beta1": 0.5})
    # m = 0.5·2 = 1, u = max(0, |2| + ε) = 2, x − η/(1 − 0.5) · m/u
    assert x[0] == pytest.approx(2.0 - 0.5 / 0.5 * 1.0 / 2.0, rel=1e-15)
    x = np.array([2.0])
    optim.adadelta(half_square, x, {"rho": 0.5, "eps": 1e-2})
    # s = 0.5·4 = 2; Δ = √(0 + ε)/√(2 + ε) · 2
    assert x[0] == pytest.approx(2.0 - math.sqrt(1e-2) / math.sqrt(2.01) * 2.0, rel=1e-14)


def test_asgd_returns_the_average_of_the_iterates_after_t0():
    x, config, iterates = X0.copy(), {"eta0": 0.05, "t0": 2, "lambda": 0.0}, []
    for call in range(7):
        returned, _, average = optim.asgd(quadratic, x, config)
        iterates.append(x.copy())
        # μ = 1 / max(1, t − t0) for the t-th call (0-based): averaging from call t0 + 1 on
        start = min(call, 3)
        np.testing.assert_allclose(average, np.mean(iterates[start:], axis=0), rtol=1e-14)
    assert average is config["ax"]


def test_rprop_grows_steps_while_the_sign_holds_and_halves_them_when_it_flips():
    x = np.array([1.0, -1.0])
    config = {"stepsize": 0.25, "etaplus": 2.0, "etaminus": 0.5}
    _, losses = optim.rprop(half_square, x, config)
    np.testing.assert_array_equal(x, [0.75, -0.75])  # first step: −sign(g) · 0.25
    optim.rprop(half_square, x, config)  # same sign: steps 0.5
    np.testing.assert_array_equal(x, [0.25, -0.25])
    optim.rprop(half_square, x, config)  # steps 1.0: overshoots to −0.75
    optim.rprop(half_square, x, config)  # sign flipped: step 0.5, gradient ignored this time
    np.testing.assert_array_equal(x, [-0.75, 0.75])
    np.testing.assert_array_equal(config["stepsize"], [0.5, 0.5])
    assert losses == [1.0]


def test_rprop_niter_evaluates_that_many_times():
    x = np.array([1.0])
    _, losses = optim.rprop(half_square, x, {"stepsize": 0.25, "niter": 3})
    assert losses == [0.5, 0.5 * 0.75**2, pytest.approx(0.5 * 0.45**2)]  # steps 0.25, 0.3
    assert x[0] == pytest.approx(1.0 - 0.25 - 0.3 - 0.36, rel=1e-15)


# ---------------------------------------------------------------- against PyTorch
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
        "learningRate": 0.05,
        "momentum": momentum,
        "dampening": dampening,
        "nesterov": nesterov,
        "weightDecay": weight_decay,
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


def test_adam_first_step_follows_torch7s_epsilon():
    # Torch 7: x₁ = x₀ − η √(1−β₂)/(1−β₁) · (1−β₁)g / (√((1−β₂)g²) + ε) = x₀ − η g/(|g| + ε/√(1−β₂))
    x = np.array([2.0])
    optim.adam(half_square, x, {"learning_rate": 0.1, "epsilon": 0.1})
    expected = 2.0 - 0.1 * 2.0 / (2.0 + 0.1 / math.sqrt(1 - 0.999))
    assert x[0] == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize("epsilon", [1e-300, 1e-8])
def test_adam_trajectory_matches_pytorch(torch, epsilon):
    config = {"learningRate": 0.05, "beta1": 0.8, "beta2": 0.99, "epsilon": epsilon}
    path, losses = run(optim.adam, config, 20)
    expected_path, expected_losses = torch_run(
        torch, lambda p: torch.optim.Adam(p, lr=0.05, betas=(0.8, 0.99), eps=epsilon), 20
    )
    # a negligible ε: the same formula; ε = 1e-8: Torch 7 and PyTorch place ε differently
    tolerance = 1e-12 if epsilon < 1e-100 else 1e-7
    np.testing.assert_allclose(path, expected_path, rtol=tolerance, atol=tolerance)
    np.testing.assert_allclose(losses, expected_losses, rtol=tolerance)
    assert config["t"] == 20


def test_adagrad_adadelta_rmsprop_match_pytorch_where_their_formulas_agree(torch):
    # PyTorch's Adagrad with eps=1e-10 and no decay is Torch 7's; RMSprop with eps 0 likewise
    # up to ε's place, so ε is negligible here; Adadelta with lr=1 is Torch 7's.
    cases = [
        (optim.adagrad, {"learningRate": 0.3}, lambda p: torch.optim.Adagrad(p, lr=0.3, eps=1e-10)),
        (
            optim.rmsprop,
            {"learningRate": 0.01, "alpha": 0.9, "epsilon": 1e-300},
            lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-300),
        ),
        (
            optim.adadelta,
            {"rho": 0.8, "eps": 1e-4},
            lambda p: torch.optim.Adadelta(p, lr=1.0, rho=0.8, eps=1e-4),
        ),
    ]
    for method, config, make in cases:
        path, _ = run(method, config, 12)
        expected, _ = torch_run(torch, make, 12)
        np.testing.assert_allclose(path, expected, rtol=1e-11, atol=1e-13, err_msg=str(method))


# ---------------------------------------------------------------- both spellings
@pytest.mark.parametrize("name", sorted(METHODS))
def test_lua_and_snake_case_names_give_the_same_trajectory(name):
    method, config = METHODS[name]
    lua_path, _ = run(method, dict(config), 4)
    snake_path, _ = run(method, snake(config), 4)
    np.testing.assert_array_equal(lua_path, snake_path)


@settings(max_examples=25, deadline=None)
@given(sgd_configs())
def test_any_sgd_config_reads_the_same_under_either_spelling(pair):
    lua, python = pair
    np.testing.assert_array_equal(run(optim.sgd, lua, 3)[0], run(optim.sgd, python, 3)[0])


def test_giving_both_spellings_is_an_error():
    with pytest.raises(ValueError, match=r"optim\.sgd: config gives both 'learningRate' and "):
        optim.sgd(quadratic, X0.copy(), {"learningRate": 0.1, "learning_rate": 0.1})
    config = {"learningRate": 0.1, "evalCounter": 3, "eval_counter": 3}
    with pytest.raises(ValueError, match=r"state holds both 'evalCounter' and 'eval_counter'"):
        optim.sgd(quadratic, X0.copy(), config)


def test_state_keys_follow_the_configs_spelling():
    lua = {"learningRate": 0.1, "momentum": 0.9}
    optim.sgd(quadratic, X0.copy(), lua)
    assert lua["evalCounter"] == 1 and "dfdx" in lua and "eval_counter" not in lua
    python = {"learning_rate": 0.1, "momentum": 0.9}
    optim.sgd(quadratic, X0.copy(), python)
    assert python["eval_counter"] == 1 and "evalCounter" not in python
    ambiguous = {"rho": 0.9}  # the same in both spellings: Lua's names, for ported loops
    optim.adadelta(quadratic, X0.copy(), ambiguous)
    assert {"evalCounter", "paramVariance", "accDelta"} <= set(ambiguous)
    lbfgs_state = {"funcEval": 4}  # an entry already there keeps its spelling
    optim.lbfgs(quadratic, X0.copy(), {"max_iter": 2}, lbfgs_state)
    assert lbfgs_state["funcEval"] == 4 + 2 and lbfgs_state["n_iter"] == 2


def test_a_ported_loop_reads_luas_state_names():
    config = {"maxIter": 5, "lineSearch": optim.lswolfe}
    optim.lbfgs(quadratic, X0.copy(), config)
    assert config["nIter"] == 5 and config["funcEval"] >= 6 and config["Hdiag"] > 0


def test_unknown_options_are_refused_with_the_closest_name():
    with pytest.raises(ValueError, match=r"unknown option 'learningrate' \(did you mean 'learn"):
        optim.sgd(quadratic, X0.copy(), {"learningrate": 0.1})
    with pytest.raises(ValueError, match=r"optim\.rmsprop: unknown option 'momentum'; its opt"):
        optim.rmsprop(quadratic, X0.copy(), {"momentum": 0.9})  # Lua's rmsprop has none
    with pytest.raises(ValueError, match=r"optim\.lbfgsb: unknown option 'lineSearch'"):
        optim.lbfgsb(quadratic, X0.copy(), {"lineSearch": optim.lswolfe})  # SciPy's searches


# ---------------------------------------------------------------- config and state
def test_the_config_dict_is_the_state_when_no_state_is_given():
    config = {"learning_rate": 0.1, "momentum": 0.9, "dampening": 0.0}
    x = np.array([1.0])
    optim.sgd(half_square, x, config)
    optim.sgd(half_square, x, config)
    # v₁ = 1, x₁ = 0.9; v₂ = 0.9·1 + 0.9 = 1.8, x₂ = 0.9 − 0.18
    assert x[0] == pytest.approx(0.72, rel=1e-15)
    assert config["dfdx"][0] == pytest.approx(1.8) and config["eval_counter"] == 2


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


def test_options_changed_between_calls_take_effect_as_in_torch():
    # fb.resnet-style: optimState.learningRate = optimState.learningRate * 0.1 between epochs
    x, config = np.array([1.0]), {"learningRate": 0.5}
    optim.sgd(half_square, x, config)
    config["learningRate"] *= 0.1
    optim.sgd(half_square, x, config)
    assert x[0] == pytest.approx(0.5 * (1 - 0.05), rel=1e-15)


def test_a_state_from_other_parameters_is_an_error_not_a_silent_restart():
    config = {"learningRate": 0.1, "momentum": 0.9}
    optim.sgd(quadratic, X0.copy(), config)
    optim.sgd(quadratic, X0.copy(), config)  # dfdx now exists
    with pytest.raises(ValueError, match=r"state\['\w+'\] is float64 \(5,\), but x is float64 \(3"):
        optim.sgd(half_square, np.ones(3), config)
    with pytest.raises(ValueError, match=r"state\['m'\] is float64 \(5,\), but x is float32"):
        adam_config = {"learningRate": 0.1}
        optim.adam(quadratic, X0.copy(), adam_config)
        optim.adam(half_square, X0.astype(np.float32), adam_config)


def test_work_buffers_follow_the_parameters_they_are_used_with():
    # Plain SGD keeps no state but its counter, as in Torch: one config serves two models.
    config, small, large = {"learningRate": 0.5}, np.ones(3), np.ones(70_000, dtype=np.float32)
    for x in (small, large, small):
        optim.sgd(half_square, x, config)
    assert small[0] == 0.25 and large[0] == 0.5 and config["evalCounter"] == 3


def test_lbfgs_verbose_says_why_it_stopped(capsys):
    optim.lbfgs(quadratic, X0.copy(), {"maxIter": 2, "verbose": True})
    assert capsys.readouterr().out == "<optim.lbfgs>  reached max number of iterations\n"
    optim.lbfgs(quadratic, np.linalg.solve(A, B), {"verbose": True})
    assert "optimality condition below tolFun" in capsys.readouterr().out


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

    optim.sgd(feval, params, {"learningRate": 0.1})
    np.testing.assert_allclose(params, before - 0.1 * grads)
    assert np.shares_memory(net.get(0).weight, params)
    np.testing.assert_allclose(net.get(0).bias, before[-2:] - 0.1 * 4)  # Σₙ 1 = 4 per output


@pytest.mark.parametrize("name", sorted(METHODS))
def test_float32_parameters_and_state_stay_float32(name):
    method, config = METHODS[name]
    x = X0.astype(np.float32)

    def feval(p):
        f, g = quadratic(p.astype(np.float64))
        return f, g.astype(np.float32)

    state: dict = {}
    for _ in range(3):
        method(feval, x, dict(config), state)
    assert x.dtype == np.float32 and np.isfinite(x).all()
    arrays = [v for v in state.values() if isinstance(v, np.ndarray) and v.dtype.kind == "f"]
    assert all(v.dtype == np.float32 for v in arrays if v.shape[-1:] == x.shape)
    if name != "lbfgsb":  # SciPy works in float64 and rounds: only the others follow closely
        expected = X0.copy()
        state64: dict = {}
        for _ in range(3):
            method(quadratic, expected, dict(config), state64)
        np.testing.assert_allclose(x, expected, rtol=2e-4, atol=2e-4)


# ---------------------------------------------------------------- lbfgs, cg, lswolfe
def test_lbfgs_with_lswolfe_finds_the_minimum_of_a_quadratic_in_place():
    x, seen = X0.copy(), []

    def feval(p):
        seen.append(p)
        return quadratic(p)

    config = {"maxIter": 50, "lineSearch": optim.lswolfe, "tolFun": 1e-12, "tolX": 1e-14}
    returned, history, evaluations = optim.lbfgs(feval, x, config)
    assert returned is x and all(p is x for p in seen)
    np.testing.assert_allclose(x, np.linalg.solve(A, B), rtol=1e-6, atol=1e-8)
    assert history[0] == pytest.approx(quadratic(X0)[0], rel=1e-15)
    assert history == sorted(history, reverse=True)  # each line search decreases f
    assert evaluations == len(seen) == config["funcEval"]


def test_lbfgs_goes_on_where_the_last_call_stopped():
    # The memory, direction and step live in the state: 2 calls of 4 iterations = 1 call of 8
    # (with a line search the second call's first evaluation is one more: room for it).
    for extra in ({}, {"lineSearch": optim.lswolfe, "maxEval": 100}):
        once, twice = X0.copy(), X0.copy()
        optim.lbfgs(quadratic, once, {"maxIter": 8, "learningRate": 0.3, **extra})
        config = {"maxIter": 4, "learningRate": 0.3, **extra}
        optim.lbfgs(quadratic, twice, config)
        optim.lbfgs(quadratic, twice, config)
        np.testing.assert_allclose(twice, once, rtol=1e-14, atol=1e-15)
        assert config["nIter"] == 8 and len(config["old_dirs"]) > 1


def test_lbfgs_fixed_steps_do_not_evaluate_the_last_point():
    _, history, evaluations = optim.lbfgs(quadratic, X0.copy(), {"maxIter": 3})
    assert evaluations == 3 and len(history) == 3  # f(x₀), f(x₁), f(x₂); x₃ unevaluated


def test_lbfgs_stops_at_an_optimal_point_without_moving():
    x = np.linalg.solve(A, B)
    start = x.copy()
    _, history, evaluations = optim.lbfgs(quadratic, x, {"tolFun": 1e-6})
    assert evaluations == 1 and len(history) == 1
    np.testing.assert_array_equal(x, start)


def test_lswolfe_returns_a_point_satisfying_the_strong_wolfe_conditions():
    x = X0.copy()
    f, g = quadratic(x)
    d = -10 * g  # far too long a first step: the search must come back
    gtd = float(g @ d)
    calls = []
    f_new, g_new, returned, t, evaluations = optim.lswolfe(
        lambda p: (calls.append(1), quadratic(p))[1], x, 1.0, d, f, g, gtd, {"c1": 1e-4}
    )
    assert returned is x and evaluations == len(calls)
    np.testing.assert_allclose(x, X0 + t * d, rtol=1e-14)
    assert f_new == pytest.approx(quadratic(x)[0], rel=1e-14)
    np.testing.assert_allclose(g_new, quadratic(x)[1], rtol=1e-14)
    assert f_new <= f + 1e-4 * t * gtd  # sufficient decrease
    assert abs(float(g_new @ d)) <= 0.9 * abs(gtd)  # curvature


def rosenbrock(x):
    """f(x) = Σ 100 (xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)², its gradient (fresh arrays each call)."""
    a, b = x[1:] - x[:-1] ** 2, 1 - x[:-1]
    g = np.zeros_like(x)
    g[:-1] = -400 * x[:-1] * a - 2 * b
    g[1:] += 200 * a
    return float(np.sum(100 * a**2 + b**2)), g


def test_every_step_of_lbfgs_with_lswolfe_satisfies_the_strong_wolfe_conditions():
    # No Lua run covers lineSearch = optim.lswolfe: its trajectory is checked against what a
    # strong Wolfe search must give, at every step lbfgs accepts, rather than against Lua.
    steps = []

    def recorded(feval, x, t, d, f, g, gtd, options):
        start = x.copy()
        f_new, g_new, x, t, evaluations = optim.lswolfe(feval, x, t, d, f, g, gtd, options)
        steps.append((start, d.copy(), f, gtd, t, f_new, g_new.copy(), x.copy()))
        return f_new, g_new, x, t, evaluations

    x = np.array([-1.2, 1.0, -0.5, 0.8])
    config = {"maxIter": 100, "maxEval": 1000, "lineSearch": recorded, "tolFun": 1e-10}
    optim.lbfgs(rosenbrock, x, config)
    assert len(steps) >= 15
    for start, d, f, gtd, t, f_new, g_new, moved in steps:
        assert gtd < 0 and t > 0  # a descent direction, a forward step
        np.testing.assert_allclose(moved, start + t * d, rtol=1e-12, atol=1e-15)
        assert f_new == rosenbrock(moved)[0]
        assert f_new <= f + 1e-4 * t * gtd  # sufficient decrease (c1 = 1e-4)
        assert abs(float(g_new @ d)) <= 0.9 * abs(gtd)  # strong curvature (c2 = 0.9)
    np.testing.assert_allclose(x, np.ones(4), atol=1e-5)


@pytest.mark.parametrize("scale", [3.0, 10.0, 50.0])
def test_lswolfe_agrees_with_scipys_line_search_on_a_quadratic(scale):
    # Along d, φ(t) = f(x + t d) is a parabola: both searches reject t = 1 (too long) and
    # interpolate the bracket [0, 1] exactly, landing on its minimum t* = −gᵀd / dᵀAd.
    from scipy.optimize import line_search

    x = X0.copy()
    f, g = quadratic(x)
    d = -scale * g
    gtd = float(g @ d)
    exact = -gtd / float(d @ A @ d)
    theirs = line_search(
        lambda p: quadratic(p)[0], lambda p: quadratic(p)[1], X0, d, g, f, c1=1e-4, c2=0.9
    )[0]
    _, g_new, _, ours, _ = optim.lswolfe(quadratic, x, 1.0, d, f, g, gtd, {})
    assert exact < 1  # t = 1 overshoots, so neither search stops at its first trial
    assert ours == pytest.approx(exact, rel=1e-10) and theirs == pytest.approx(exact, rel=1e-10)
    assert abs(float(g_new @ d)) <= 1e-8 * abs(gtd)  # the minimum along d: φ'(t*) = 0


def test_cg_solves_a_quadratic_and_counts_its_evaluations():
    x, seen = X0.copy(), []
    _, history, evaluations = optim.cg(
        lambda p: (seen.append(1), quadratic(p))[1], x, {"maxIter": 40}
    )
    np.testing.assert_allclose(x, np.linalg.solve(A, B), rtol=1e-6, atol=1e-8)
    assert evaluations == len(seen) and history == sorted(history, reverse=True)


def test_lbfgsb_minimises_with_scipy_and_keeps_its_counters():
    x, seen = X0.copy(), []

    def feval(p):
        seen.append(p)
        return quadratic(p)

    state: dict = {}
    config = {"max_iter": 50, "max_eval": 200, "tol_fun": 1e-12, "tol_x": 0.0}
    returned, history, evaluations = optim.lbfgsb(feval, x, config, state)
    assert returned is x and all(p is x for p in seen)
    np.testing.assert_allclose(x, np.linalg.solve(A, B), rtol=1e-7, atol=1e-9)
    assert history[0] == pytest.approx(quadratic(X0)[0], rel=1e-15)
    assert history[-1] == pytest.approx(quadratic(x)[0], rel=1e-12)
    assert state["func_eval"] == evaluations == len(seen) and 0 < state["n_iter"] <= 50


def test_optim_imports_scipy_only_inside_lbfgsb():
    for path in sorted((ROOT / "minitorch_l2" / "optim").glob("*.py")):
        tree = ast.parse(path.read_text())
        top = [
            node
            for node in tree.body
            if isinstance(node, ast.Import | ast.ImportFrom)
            and any("scipy" in (alias.name or "") for alias in node.names)
            or isinstance(node, ast.ImportFrom)
            and "scipy" in (node.module or "")
        ]
        assert top == [], f"{path.name} imports SciPy at module level"


# ---------------------------------------------------------------- refusals
@pytest.mark.parametrize("name", sorted(METHODS))
@pytest.mark.parametrize("bad", ["nan-loss", "inf-loss", "nan-grad", "inf-grad"])
def test_a_non_finite_loss_or_gradient_is_refused_and_x_is_unchanged(name, bad):
    method, config = METHODS[name]

    def feval(p):
        f, g = quadratic(p)
        if bad.endswith("loss"):
            return (math.nan if bad == "nan-loss" else math.inf), g
        g = g.copy()
        g[2] = math.nan if bad == "nan-grad" else -math.inf
        return f, g

    x = X0.copy()
    what = "loss" if bad.endswith("loss") else "gradient with 1 non-finite value"
    with pytest.raises(
        ValueError, match=rf"optim\.\w+: feval\(x\) returned a (non-finite )?{what}"
    ):
        method(feval, x, dict(config))
    np.testing.assert_array_equal(x, X0)


def test_a_nan_in_a_later_line_search_step_is_refused():
    calls = []

    def feval(p):
        calls.append(1)
        return (math.nan, p.copy()) if len(calls) > 2 else half_square(p)

    with pytest.raises(ValueError, match=r"optim\.lswolfe: feval\(x\) returned a non-finite loss"):
        optim.lbfgs(feval, X0.copy(), {"maxIter": 10, "lineSearch": optim.lswolfe})


def test_a_huge_but_finite_gradient_is_accepted():
    x = np.array([0.0, 0.0])
    optim.sgd(lambda p: (1.0, np.array([1e200, -1e200])), x, {"learningRate": 1e-200})
    np.testing.assert_allclose(x, [-1.0, 1.0])


@pytest.mark.parametrize("name", sorted(METHODS))
def test_bad_calls_are_clear_errors(name):
    method, config = METHODS[name]
    who = method.__name__
    x = X0.copy()
    with pytest.raises(TypeError, match=rf"optim\.{who}: expected x to be a float32/float64"):
        method(quadratic, [1.0, 2.0], dict(config))
    with pytest.raises(TypeError, match=rf"optim\.{who}: expected x to be a float32/float64"):
        method(quadratic, np.arange(5), dict(config))
    with pytest.raises(TypeError, match=r"feval\(x\) must return a pair"):
        method(lambda p: 1.0, x, dict(config))
    with pytest.raises(ValueError, match=r"feval\(x\) returned a gradient of shape \(3,\)"):
        method(lambda p: (1.0, np.ones(3)), x, dict(config))
    with pytest.raises(TypeError, match=r"feval\(x\) must return a number as its loss"):
        method(lambda p: ("high", p.copy()), x, dict(config))
    with pytest.raises(TypeError, match=rf"optim\.{who}: expected config to be a dict"):
        method(quadratic, x, [("maxIter", 3)])
    np.testing.assert_array_equal(x, X0)  # nothing moved


@pytest.mark.parametrize(
    ("method", "config", "error", "message"),
    [
        (optim.sgd, {"learningRate": -0.1}, ValueError, r"learningRate must be a finite number"),
        (optim.sgd, {"nesterov": 1}, TypeError, r"nesterov must be True or False, got 1"),
        (optim.sgd, {"momentum": 0.9, "nesterov": True}, ValueError, r"Nesterov momentum requ"),
        (optim.sgd, {"nesterov": True, "dampening": 0.0}, ValueError, r"Nesterov momentum requ"),
        (optim.sgd, {"dampening": 1.5, "momentum": 0.5}, ValueError, r"dampening must be"),
        (optim.sgd, {"weightDecay": 0.1, "weightDecays": np.ones(5)}, ValueError, r"not both"),
        (optim.sgd, {"learningRates": np.ones(4)}, ValueError, r"one entry per parameter \(5\)"),
        (optim.sgd, {"learningRates": -np.ones(5)}, ValueError, r"must be finite and >= 0"),
        (optim.sgd, {"learningRates": [1.0] * 5}, TypeError, r"must be a numpy.ndarray"),
        (
            optim.adam,
            {"epsilon": 0},
            ValueError,
            r"adam: epsilon must be a finite number in \(0, inf\), got 0",
        ),
        (optim.adam, {"beta2": 1.0}, ValueError, r"beta2 must be a finite number in \[0, 1\)"),
        (optim.adam, {"beta1": float("nan")}, ValueError, r"beta1 must be a finite number"),
        (optim.adamax, {"epsilon": 0.0}, ValueError, r"optim\.adamax: epsilon must be"),
        (optim.rmsprop, {"epsilon": 0.0}, ValueError, r"optim\.rmsprop: epsilon must be"),
        (optim.rmsprop, {"alpha": 1.5}, ValueError, r"alpha must be a finite number in \[0, 1\]"),
        (optim.adadelta, {"eps": 0.0}, ValueError, r"optim\.adadelta: eps must be"),
        (optim.adagrad, {"learningRate": "0.1"}, TypeError, r"learningRate must be a real"),
        (optim.nag, {"momentum": 0.0}, ValueError, r"optim\.nag: momentum must be"),
        (optim.asgd, {"eta0": -1.0}, ValueError, r"optim\.asgd: eta0 must be"),
        (optim.rprop, {"etaminus": 1.0}, ValueError, r"etaminus must be a finite number in \(0"),
        (optim.rprop, {"stepsizemin": 60.0}, ValueError, r"stepsizemin must be"),
        (optim.rprop, {"niter": 1.5}, TypeError, r"niter must be an int"),
        (optim.rprop, {"niter": float("inf")}, TypeError, r"niter must be an int"),
        (optim.cg, {"rho": 0.6, "sig": 0.5}, ValueError, r"sig must be a finite number in \(0.6"),
        (optim.cg, {"maxIter": 0}, ValueError, r"optim\.cg: maxIter must be in \[1"),
        (optim.lbfgs, {"maxIter": 0}, ValueError, r"optim\.lbfgs: maxIter must be in \[1"),
        (optim.lbfgs, {"lineSearch": "wolfe"}, TypeError, r"lineSearch must be a function"),
        (optim.lbfgs, {"learningRate": 0.0}, ValueError, r"learningRate must be a finite"),
        (optim.lbfgs, {"verbose": "yes"}, TypeError, r"verbose must be True or False"),
        (optim.lbfgsb, {"max_iter": 0}, ValueError, r"optim\.lbfgsb: max_iter must be in \[1"),
    ],
)
def test_options_outside_their_domain_are_refused(method, config, error, message):
    x = X0.copy()
    with pytest.raises(error, match=message):
        method(quadratic, x, config)
    np.testing.assert_array_equal(x, X0)


# ---------------------------------------------------------------- training the spiral
def spiral_problem(hidden=24):
    minitorch_l2.manual_seed(0)
    X, y = data.make_spiral(80, 3, 0.2, seed=0)
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


SPIRAL = {
    "sgd-momentum": (optim.sgd, {"learningRate": 0.3, "momentum": 0.9, "dampening": 0}, 300),
    "sgd-nesterov": (
        optim.sgd,
        {"learningRate": 0.1, "momentum": 0.9, "nesterov": True, "dampening": 0},
        300,
    ),
    "nag": (optim.nag, {"learningRate": 0.1, "momentum": 0.9}, 300),
    "adam": (optim.adam, {"learningRate": 0.02}, 200),
    "adamax": (optim.adamax, {"learningRate": 0.05}, 200),
    "rmsprop": (optim.rmsprop, {"learningRate": 0.01}, 200),
    "adagrad": (optim.adagrad, {"learningRate": 0.3}, 200),
    "adadelta": (optim.adadelta, {"rho": 0.9, "eps": 1e-4}, 300),
    "asgd": (optim.asgd, {"eta0": 0.5, "t0": 100}, 400),
    "rprop": (optim.rprop, {"stepsize": 0.01}, 200),
    "cg": (optim.cg, {"maxIter": 100}, 2),
    "lbfgs": (optim.lbfgs, {"maxIter": 300}, 1),
    "lbfgs+lswolfe": (optim.lbfgs, {"maxIter": 200, "lineSearch": optim.lswolfe}, 1),
    "lbfgsb": (optim.lbfgsb, {"maxIter": 150, "nCorrection": 10}, 1),
}


@pytest.mark.parametrize("name", sorted(SPIRAL))
def test_each_optimiser_trains_the_spiral_past_95_percent(name):
    method, config, calls = SPIRAL[name]
    params, feval, accuracy = spiral_problem()
    start = accuracy()
    for _ in range(calls):
        method(feval, params, config)
    assert start < 0.6 and accuracy() >= 0.95


def test_spiral_covers_every_optimiser():
    assert {method for method, _, _ in SPIRAL.values()} >= {
        getattr(optim, name) for name in optim.__all__ if name[0].islower() and name != "lswolfe"
    }


@pytest.mark.parametrize(
    ("method", "whole", "count"),
    [
        (optim.cg, {"maxIter": 20.0}, {"maxIter": 20}),
        (optim.rprop, {"niter": 2.0}, {"niter": 2}),
        (optim.lbfgs, {"nCorrection": 10.0, "maxIter": 5.0}, {"nCorrection": 10, "maxIter": 5}),
        (optim.lbfgs, {"max_iter": np.float64(3)}, {"max_iter": 3}),
    ],
    ids=["cg", "rprop", "lbfgs", "numpy"],
)
def test_whole_float_counts_are_lua_s_doubles_and_read_as_ints(method, whole, count):
    x, y = X0.copy(), X0.copy()
    assert method(quadratic, x, whole)[1] == method(quadratic, y, count)[1]
    np.testing.assert_array_equal(x, y)


def test_the_state_keys_lua_keeps_are_accepted_in_a_config():
    # Lua's own state fields, present when a state Lua wrote is passed back as the config.
    n = X0.size
    masks = {key: np.zeros(n, np.uint8) for key in ("psign", "nsign", "zsign", "dminmax")}
    optim.rprop(quadratic, X0.copy(), {"stepsize": 0.1, **masks})
    optim.cg(quadratic, X0.copy(), {"maxIter": 3, "df3": np.zeros(n)})
    optim.lbfgs(quadratic, X0.copy(), {"maxIter": 3, "stp_bufs": [np.zeros(n)], "dir_bufs": []})
    lua_u = {"t": 1.0, "m": np.full(n, 0.1), "u": np.full((1, n), 0.5), "max": np.zeros((2, n))}
    ours = {"t": 1, "m": np.full(n, 0.1), "u": np.full(n, 0.5)}
    x, y = X0.copy(), X0.copy()
    optim.adamax(quadratic, x, lua_u)
    optim.adamax(quadratic, y, ours)
    np.testing.assert_array_equal(x, y)
    assert lua_u["u"].shape == (n,)
    with pytest.raises(ValueError, match=r"state\['u'\] is float64 \(2, 5\)"):
        optim.adamax(quadratic, X0.copy(), {"u": np.zeros((2, n))})
