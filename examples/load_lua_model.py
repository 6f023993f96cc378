"""Load a model Lua Torch 7 saved (``torch.save('mlp.t7', model)``), print it, run it, check it.

    python examples/load_lua_model.py [MODEL.t7 [INPUT.npz]]

Without arguments it loads ``mlp.t7`` from the shared Lua reference outputs beside the project
(an nn.Sequential of Linear, Tanh, Linear, LogSoftMax that real Lua Torch saved) and its
``mlp.npz``, which holds the input Lua ran it on and the output Lua computed; without those files
it makes a ``.t7`` itself first. The loaded model is our nn.Sequential: it prints as Lua prints
it, runs forward and backward, is gradient-checked by finite differences, and can be written
back with ``save(path, model, format="t7")`` for Lua's ``torch.load``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

import minitorch_l2
from minitorch_l2 import gradcheck, nn

REFERENCE = Path(__file__).resolve().parent.parent.parent / "shared" / "lua-reference" / "models"


def model_file(arguments: list[str]) -> tuple[Path, Path | None]:
    """The .t7 to load and the .npz of Lua's outputs (when there is one)."""
    if arguments:
        return Path(arguments[0]), Path(arguments[1]) if len(arguments) > 1 else None
    if (REFERENCE / "mlp.t7").is_file():
        return REFERENCE / "mlp.t7", REFERENCE / "mlp.npz"
    # No Lua here: write a .t7 as Lua would, to show the round trip.
    minitorch_l2.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3), nn.LogSoftMax())
    path = Path(tempfile.mkdtemp()) / "mlp.t7"
    minitorch_l2.save(path, model, format="t7")
    return path, None


def main(arguments: list[str]) -> None:
    path, outputs = model_file(arguments)
    model = minitorch_l2.load(path)  # a class we do not implement would be named here
    print(f"loaded {path.name}:")
    print(model)

    if outputs is not None:
        with np.load(outputs) as lua:
            input, lua_output = lua["input"], lua["output"]
    else:  # random rows of the width the first Linear layer takes
        linears, _ = model.find_modules(nn.Linear)
        width = linears[0].input_size if linears else 4
        input, lua_output = np.random.default_rng(1).normal(size=(5, width)), None
    output = model.forward(input)
    print(f"output for {input.shape[0]} rows, shape {output.shape}")
    if lua_output is not None:
        difference = float(np.max(np.abs(output - lua_output)))
        print(f"largest difference from Lua's own output: {difference:.3g}")

    report = gradcheck.check_module(model, input)
    print(report)
    print("gradient check:", "passed" if report.ok else "FAILED")


if __name__ == "__main__":
    main(sys.argv[1:])
