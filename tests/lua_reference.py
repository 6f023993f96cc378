"""Reading the real Lua Torch 7 outputs in ``../shared/lua-reference/`` (beside the project root).

Every test that compares with Lua goes through this file: it finds the folder (tests skip with a
reason when it is absent, as on a machine without the shared material), reads a case's manifest
entry and its ``.npz``, rebuilds Lua tables as Python lists (``input/1``, ``input/2`` →
``[input[0], input[1]]``), puts Lua's parameters into our module, runs Lua's procedure and
compares everything to 1e-12 relative.

Lua's procedure for a module case (see the reference README): parameters as Lua had them before
forward; ``m:training()`` or ``m:evaluate()``; ``output = m:forward(input)``;
``m:zeroGradParameters()``; ``gradInput = m:backward(input, gradOutput, 1)``.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT.parent / "shared" / "lua-reference"
RTOL = 1e-12


def available() -> bool:
    """True when the reference folder is there."""
    return (REFERENCE / "modules" / "manifest.json").is_file()


def require() -> None:
    """Skip the calling test, with the reason, when the reference is absent."""
    if not available():
        pytest.skip(f"Lua Torch 7 reference outputs not found at {REFERENCE}")


@functools.cache
def manifest(kind: str) -> dict:
    """The manifest of ``kind`` (``modules``, ``criteria``, ``optim``, ``models``)."""
    return json.loads((REFERENCE / kind / "manifest.json").read_text())


def cases(kind: str) -> dict[str, dict]:
    """Every case of ``kind`` by name (an empty dict when the reference is absent)."""
    if not available():
        return {}
    entries = manifest(kind)["cases"]
    if isinstance(entries, dict):
        return entries
    return {entry["name"]: entry for entry in entries}


def case_names(kind: str, pattern: str = ".*") -> list[str]:
    """Names of the cases of ``kind`` matching ``pattern`` (for ``parametrize``)."""
    return sorted(name for name in cases(kind) if re.fullmatch(pattern, name))


def case(kind: str, name: str) -> dict:
    """One manifest entry; skips when the reference is absent."""
    require()
    return cases(kind)[name]


def arrays(kind: str, name: str) -> dict[str, np.ndarray]:
    """The flat npz of a case: ``{"input/1": array, ...}``."""
    require()
    entry = cases(kind).get(name, {})
    file = entry.get("file_npz", f"{name}.npz")
    with np.load(REFERENCE / kind / file, allow_pickle=False) as data:
        return {key: data[key] for key in data.files}


def table(flat: dict[str, np.ndarray], prefix: str) -> object:
    """The value under ``prefix``: an array, or a list rebuilt from Lua's 1-based keys.

    ``table(flat, "input")`` is ``flat["input"]`` when that key exists, else the list
    ``[table(flat, "input/1"), table(flat, "input/2"), ...]``; None when nothing is there.
    """
    if prefix in flat:
        return flat[prefix]
    children = {}
    for key in flat:
        if key.startswith(prefix + "/"):
            head = key[len(prefix) + 1 :].split("/", 1)[0]
            children[head] = True
    if not children:
        return None
    if all(k.isdigit() for k in children):
        return [table(flat, f"{prefix}/{k}") for k in sorted(children, key=int)]
    return {k: table(flat, f"{prefix}/{k}") for k in children}


def fields(flat: dict[str, np.ndarray], prefix: str) -> dict[str, np.ndarray]:
    """``{"modules/1/weight": array, ...}``: the keys under ``prefix/`` with the prefix removed."""
    start = prefix + "/"
    return {key[len(start) :]: value for key, value in flat.items() if key.startswith(start)}


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def locate(module: object, path: str) -> tuple[object, str]:
    """``(owner, attribute)`` for a Lua field path: ``modules/1/weight`` → ``module.modules[0]``.

    Lua's ``modules/N`` (1-based) becomes ``modules[N-1]``; the last part is the field, in our
    spelling when the module has it (``gradWeight`` → ``grad_weight``, ``running_var``).
    """
    parts = path.split("/")
    owner = module
    index = 0
    while index < len(parts) - 1:
        part = parts[index]
        if part == "modules" and parts[index + 1].isdigit() and index + 2 < len(parts):
            owner = owner.modules[int(parts[index + 1]) - 1]
            index += 2
        elif part.isdigit():
            owner = owner[int(part) - 1]
            index += 1
        else:
            owner = getattr(owner, _attribute(owner, part))
            index += 1
    return owner, _attribute(owner, parts[-1])


def _attribute(owner: object, field: str) -> str:
    for candidate in (field, _snake(field)):
        if candidate in vars(owner) or hasattr(type(owner), candidate):
            return candidate
    raise AttributeError(f"{type(owner).__name__} has no field {field!r}")


def load_parameters(module: object, flat: dict[str, np.ndarray], prefix: str = "param") -> None:
    """Copy Lua's ``param/...`` (or another prefix) arrays into ``module``, in place.

    In place (``[...] =``), so that views such as ``get_parameters``' stay views; the shapes
    must agree (Lua's and ours are the same layouts unless a test says otherwise).
    """
    for path, value in fields(flat, prefix).items():
        owner, attribute = locate(module, path)
        target = getattr(owner, attribute)
        if isinstance(target, np.ndarray) and target.shape == value.shape:
            target[...] = value
        else:
            setattr(
                owner, attribute, value.astype(target.dtype if target is not None else value.dtype)
            )


def assert_close(ours: object, lua: object, what: str, rtol: float = RTOL) -> None:
    """Equal to ``rtol`` relative (elementwise, against Lua's magnitude), tables leaf by leaf."""
    if isinstance(lua, list):
        assert isinstance(ours, list | tuple), f"{what}: Lua has a table, we have {type(ours)}"
        assert len(ours) == len(lua), f"{what}: Lua's table has {len(lua)} items, ours {len(ours)}"
        for index, (a, b) in enumerate(zip(ours, lua)):
            assert_close(a, b, f"{what}[{index}]", rtol)
        return
    ours = np.asarray(ours)
    assert ours.shape == lua.shape, f"{what}: shape {ours.shape}, Lua's {lua.shape}"
    scale = np.maximum(np.abs(lua.astype(np.float64)), np.finfo(np.float64).tiny)
    error = np.abs(ours.astype(np.float64) - lua.astype(np.float64))
    worst = float(np.max(error / scale, initial=0.0))
    # Elements where Lua's value is tiny against the array are held to an absolute bound.
    bound = rtol * max(float(np.max(np.abs(lua), initial=0.0)), 1.0)
    bad = (error > rtol * scale) & (error > bound)
    assert not bad.any(), (
        f"{what}: differs from Lua Torch 7 by {worst:.3g} relative "
        f"(first at {np.argwhere(bad)[0].tolist()}: ours {ours[tuple(np.argwhere(bad)[0])]!r}, "
        f"Lua's {lua[tuple(np.argwhere(bad)[0])]!r})"
    )


def run_module_case(
    module: object, name: str, kind: str = "modules", rtol: float = RTOL, input: object = None
) -> dict:
    """Run Lua's procedure on ``module`` for case ``name`` and compare every array.

    ``module`` is built by the test from the manifest's Lua constructor, translated by the
    0-based rule. Parameters are set from ``param/...``; the mode from the manifest. Compared:
    the output, grad_input (unless Lua's backward raised), every ``grad/...`` gradient, every
    ``state/...`` buffer and ``param_after/...`` parameter. ``input`` replaces Lua's when given
    (1-based indices translated to 0-based by the test, as LookupTable's). Returns the flat
    arrays.
    """
    entry = case(kind, name)
    flat = arrays(kind, name)
    load_parameters(module, flat, "param")
    load_parameters(module, flat, "state_init") if fields(flat, "state_init") else None
    if entry.get("mode") == "evaluate":
        module.evaluate()
    else:
        module.training()
    if input is None:
        input = table(flat, "input")
    output = module.forward(input)
    assert_close(output, table(flat, "output"), f"{name}: output", rtol)
    grad_output = table(flat, "gradOutput")
    has_grad_input = any(key.split("/")[0] == "gradInput" for key in flat)
    if grad_output is not None and has_grad_input:
        module.zero_grad_parameters()
        grad_input = module.backward(input, grad_output, 1.0)
        lua_grad_input = table(flat, "gradInput")
        if lua_grad_input is not None and not _integer_input(input):
            assert_close(grad_input, lua_grad_input, f"{name}: grad_input", rtol)
        for parameter in entry.get("parameters", []):
            # grad/FIELD is the gradient of param/FIELD: Lua's lua_grad_field (gradWeight).
            path = parameter["lua_grad_field"].replace(".", "/")
            owner, attribute = locate(module, path)
            value = flat[parameter["grad_key"]]
            assert_close(getattr(owner, attribute), value, f"{name}: {path}", rtol)
    for prefix in ("state", "param_after"):
        for path, value in fields(flat, prefix).items():
            owner, attribute = locate(module, path)
            assert_close(getattr(owner, attribute), value, f"{name}: {prefix}/{path}", rtol)
    return flat


def _integer_input(value: object) -> bool:
    # Lua's gradInput of an index input (LookupTable) is a zero-filled LongTensor: not compared.
    if isinstance(value, list):
        return any(_integer_input(item) for item in value)
    return isinstance(value, np.ndarray) and value.dtype.kind in "iu"


def run_criterion_case(
    criterion: object, name: str, target: object = None, rtol: float = RTOL
) -> dict:
    """Lua's procedure for criterion case ``name``: loss and grad_input compared to ``rtol``.

    ``target`` replaces Lua's when given (class targets translated to 0-based by the test).
    """
    flat = arrays("criteria", name)
    input = table(flat, "input")
    if target is None:
        target = table(flat, "target")
    loss = criterion.forward(input, target)
    assert_close(np.float64(loss), flat["output"], f"{name}: loss", rtol)
    grad_input = criterion.backward(input, target)
    assert_close(grad_input, table(flat, "gradInput"), f"{name}: grad_input", rtol)
    return flat


def lua_target_to_zero_based(target: np.ndarray) -> np.ndarray:
    """Lua's 1-based class targets (a LongTensor or a DoubleTensor of integers) as 0-based int64."""
    return np.asarray(target).astype(np.int64) - 1
