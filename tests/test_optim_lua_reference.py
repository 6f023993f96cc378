"""Every optimiser against real Lua Torch 7 (``../shared/lua-reference/optim/``), step by step.

Lua's procedure (the manifest's): ``x = x0``; ``config = <config_lua>`` (no separate state, so
config holds the state); ``calls`` times ``x, fs, third = optim.METHOD(opfunc, x, config)``. We
pass Lua's config with Lua's own option names, which now work as they are. Compared to 1e-12:
x after every call, the f values returned (for cg and lbfgs, the whole f history), every point
``opfunc`` was evaluated at and f there, asgd's averaged x, the third return value, and every
number and array Lua left in the state.

The two functions are the manifest's ``func_lua``, transcribed with Lua's order of summation
(``x:dot(y)`` left to right, ``torch.mv`` as below), so f and ∇f are Lua's to the last bit: cg
near the minimum divides differences of nearly equal numbers, and there one different last bit
grows to 1e-9 within a few steps.
"""

from __future__ import annotations

import numpy as np
import pytest

from minitorch_l2 import optim

from . import lua_reference as ref

A = np.array([[4, 1, 0, 0], [1, 3, 0.5, 0], [0, 0.5, 2, 0.2], [0, 0, 0.2, 1]], dtype=float)
B = np.array([1, -2, 0.5, 3], dtype=float)


def lua_dot(a: np.ndarray, b: np.ndarray) -> float:
    """Torch's ``a:dot(b)`` on these short vectors: the products summed left to right."""
    total = 0.0
    for u, v in zip(a.tolist(), b.tolist()):
        total += u * v
    return total


def lua_mv(matrix: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Torch's ``torch.mv(A, x)`` on these 4 × 4 rows, summed as Lua's BLAS summed them:
    (a₀x₀ + a₂x₂) + (a₁x₁ + a₃x₃) (a left-to-right sum does not give Lua's last bits)."""
    p = matrix * x
    return (p[:, 0] + p[:, 2]) + (p[:, 1] + p[:, 3])


def quadratic4(x: np.ndarray) -> tuple[float, np.ndarray]:
    """f(x) = ½ xᵀAx − bᵀx, ∇f = Ax − b (the manifest's quadratic4)."""
    ax = lua_mv(A, x)
    return 0.5 * lua_dot(x, ax) - lua_dot(B, x), ax - B


def rosenbrock4(x: np.ndarray) -> tuple[float, np.ndarray]:
    """f(x) = Σᵢ 100 (xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)² and its gradient (the manifest's rosenbrock4)."""
    f, g = 0.0, np.zeros(x.size)
    for i in range(x.size - 1):
        a = x[i + 1] - x[i] * x[i]
        b = 1 - x[i]
        f = f + 100 * a * a + b * b
        g[i] = g[i] - 400 * x[i] * a - 2 * b
        g[i + 1] = g[i + 1] + 200 * a
    return f, g


FUNCTIONS = {"quadratic4": quadratic4, "rosenbrock4": rosenbrock4}

# adamax's ``u`` is 1 × n in Lua after torch.max over its 2 × n ``max``; ours keeps x's shape.
RESHAPED = {"u"}
# The ByteTensor masks Lua's rprop keeps in its state, which the record leaves out (not double).
LUA_MASKS = {"rprop": ("psign", "nsign", "zsign", "dminmax")}


def lua_table(source: str) -> dict:
    """A flat Lua table of numbers and booleans, ``{a = 1e-3, b = true}``, as a dict."""
    pairs = (part.split("=") for part in source.strip().strip("{}").split(","))
    words = {"true": True, "false": False}
    return {k.strip(): words[v.strip()] if v.strip() in words else float(v) for k, v in pairs}


def config_of(entry: dict) -> dict:
    """The manifest's config_lua as read: Lua's names, and its numbers as the doubles they are
    (``maxIter = 20`` is 20.0), which the optimisers take as they are."""
    return lua_table(entry["config_lua"])


def test_the_configs_are_read_as_lua_s_doubles():
    configs = {name: config_of(entry) for name, entry in ref.cases("optim").items()}
    if not configs:
        pytest.skip("the Lua reference is absent")
    assert configs["cg__quadratic4"] == {"maxIter": 20.0}
    assert isinstance(configs["lbfgs__rosenbrock4"]["maxIter"], float)
    assert configs["sgd_nesterov__quadratic4"]["nesterov"] is True


@pytest.mark.parametrize("name", ref.case_names("optim") or ["reference-absent"])
def test_trajectory_matches_lua_torch7(name):
    entry = ref.case("optim", name)
    lua = ref.arrays("optim", name)
    method = getattr(optim, entry["method"].removeprefix("optim."))
    function = FUNCTIONS[entry["func"]]
    config = config_of(entry)
    points, values = [], []

    def opfunc(x):
        f, g = function(x)
        points.append(x.copy())
        values.append(f)
        return f, g

    x = lua["x0"].copy()
    path, fs, averages, thirds = [], [], [], []
    for _ in range(entry["calls"]):
        returned = method(opfunc, x, config)
        assert returned[0] is x  # updated in place
        path.append(x.copy())
        fs.extend(returned[1])
        if len(returned) == 3 and isinstance(returned[2], np.ndarray):
            averages.append(returned[2].copy())
        elif len(returned) == 3:
            thirds.append(returned[2])

    ref.assert_close(np.array(path), lua["x"], f"{name}: x after each call")
    ref.assert_close(np.array(fs), lua["f"], f"{name}: f returned")
    ref.assert_close(np.array(points), lua["evals/x"], f"{name}: evaluation points")
    ref.assert_close(np.array(values), lua["evals/f"], f"{name}: f at each evaluation")
    if "ax" in lua:
        ref.assert_close(np.array(averages), lua["ax"], f"{name}: asgd's averaged x")
    if "third" in lua:
        ref.assert_close(np.array(thirds, dtype=float), lua["third"], f"{name}: evaluations")
    for key in entry["state_keys"]:  # under Lua's names, since config spells them so
        ours = np.asarray(config[key], dtype=float)
        expected = lua[f"state/{key}"]
        if key in RESHAPED:
            expected = expected.reshape(ours.shape)
        ref.assert_close(ours, expected, f"{name}: state {key}")


@pytest.mark.parametrize("name", ["lbfgs__rosenbrock4", "cg__rosenbrock4"])
def test_the_f_history_is_lua_s_whole_history(name):
    # A single call returns the whole history: f at the start, then after each iteration.
    lua = ref.arrays("optim", name)
    x = lua["x0"].copy()
    method = getattr(optim, name.split("__")[0])
    _, history, evaluations = method(rosenbrock4, x, config_of(ref.case("optim", name)))
    assert len(history) == lua["f"].size and evaluations == int(lua["third"][0])
    assert history[0] == rosenbrock4(lua["x0"])[0]


CONTINUED = [name for name in ref.case_names("optim") if not name.startswith("lbfgs")]


@pytest.mark.parametrize("name", CONTINUED or ["reference-absent"])
def test_a_state_lua_wrote_is_read_and_carried_on(name):
    # Lua's config after its last call, as Lua left it (its numbers, its 1 × n adamax u, its
    # byte masks), drives one more call: the same step as our own run of one call more.
    # (lbfgs is left out: its memory, Lua tables of tensors, is not in the record.)
    entry = ref.case("optim", name)
    lua = ref.arrays("optim", name)
    method_name = entry["method"].removeprefix("optim.")
    method, function = getattr(optim, method_name), FUNCTIONS[entry["func"]]
    config = config_of(entry)
    for key in entry["state_keys"]:
        value = lua[f"state/{key}"]
        config[key] = float(value) if value.ndim == 0 else value.copy()
    for key in LUA_MASKS.get(method_name, ()):
        config[key] = np.zeros(lua["x0"].shape, np.uint8)
    x = lua["x"][-1].copy()
    method(function, x, config)
    ours, y = config_of(entry), lua["x0"].copy()
    for _ in range(entry["calls"] + 1):
        method(function, y, ours)
    ref.assert_close(x, y, f"{name}: one call more from Lua's state")
