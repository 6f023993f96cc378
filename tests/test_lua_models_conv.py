"""Whole convolutional models of ``../shared/lua-reference/models/``, rebuilt from their Lua code.

``lenet``: the manifest's build code, line by line in Python, loaded with Lua's saved weights
(``param/i`` in ``model:parameters()`` order), run through Lua's procedure; output, grad_input
and every parameter gradient must agree to 1e-12. ``resblock``: fb.resnet's basic block, whose
batch-normalization statistics Lua filled with three training forwards on its own random
numbers; they are read from the saved ``.t7`` as plain fields, everything else is rebuilt.
"""

from __future__ import annotations

import minitorch_l2
from minitorch_l2 import nn

from . import lua_reference as ref


def lenet() -> nn.Sequential:
    """The manifest's Lua build code, transcribed (no index or dimension argument to shift)."""
    net = nn.Sequential()
    net.add(nn.SpatialConvolution(1, 6, 5, 5))  # 1x16x16 -> 6x12x12
    net.add(nn.ReLU())
    net.add(nn.SpatialMaxPooling(2, 2, 2, 2))  # -> 6x6x6
    net.add(nn.SpatialConvolution(6, 16, 3, 3))  # -> 16x4x4
    net.add(nn.ReLU())
    net.add(nn.SpatialMaxPooling(2, 2, 2, 2))  # -> 16x2x2
    net.add(nn.View(16 * 2 * 2))
    net.add(nn.Linear(16 * 2 * 2, 10))
    net.add(nn.LogSoftMax())
    return net


def test_lenet_gives_luas_outputs_and_gradients():
    entry = ref.case("models", "lenet")
    flat = ref.arrays("models", "lenet")
    net = lenet()
    params, grads = net.parameters()
    assert [p.shape for p in params] == [tuple(p["shape"]) for p in entry["parameters"]]
    for index, param in enumerate(params, start=1):
        param[...] = flat[f"param/{index}"]
    net.training()
    output = net.forward(flat["input"])
    ref.assert_close(output, flat["output"], "lenet: output")
    net.zero_grad_parameters()
    grad_input = net.backward(flat["input"], flat["gradOutput"])
    ref.assert_close(grad_input, flat["gradInput"], "lenet: grad_input")
    for index, grad in enumerate(grads, start=1):
        ref.assert_close(grad, flat[f"grad/{index}"], f"lenet: grad/{index}")


def test_lenet_prints_as_lua_does_up_to_zero_based_numbering():
    lua = ref.case("models", "lenet")["lua_tostring"].splitlines()
    ours = repr(lenet()).splitlines()
    compared = 0
    # Lua numbers the modules from (1), we from (0).
    for line_lua, line_ours in zip(lua[2:-1], ours[2:-1], strict=True):
        number = int(line_lua.split("(")[1].split(")")[0])
        assert line_ours.replace(f"({number - 1})", f"({number})", 1) == line_lua
        compared += 1
    assert compared == 9


def resblock() -> nn.Sequential:
    """The manifest's Lua build code, transcribed (``nn.ReLU(true)``, ``nn.CAddTable(true)``)."""
    n = 4
    branch = nn.Sequential()
    branch.add(nn.SpatialConvolution(n, n, 3, 3, 1, 1, 1, 1))
    branch.add(nn.SpatialBatchNormalization(n))
    branch.add(nn.ReLU(True))
    branch.add(nn.SpatialConvolution(n, n, 3, 3, 1, 1, 1, 1))
    branch.add(nn.SpatialBatchNormalization(n))
    return (
        nn.Sequential()
        .add(nn.ConcatTable().add(branch).add(nn.Identity()))
        .add(nn.CAddTable(True))
        .add(nn.ReLU(True))
    )


def saved_statistics() -> list[tuple[object, object]]:
    """(running_mean, running_var) of the two batch normalizations in Lua's saved resblock."""
    saved = minitorch_l2.load(ref.REFERENCE / "models" / "resblock.t7", unknown_classes="keep")
    if isinstance(saved, nn.Module):  # every class of the file is mapped to ours
        found = saved.find_modules(nn.SpatialBatchNormalization)[0]
        return [(m.running_mean, m.running_var) for m in found]
    branch = saved["modules"][0]["modules"][0]  # kept as Lua's plain fields
    return [
        (branch["modules"][i]["running_mean"], branch["modules"][i]["running_var"]) for i in (1, 4)
    ]


def test_resblock_gives_luas_outputs_and_gradients():

    entry = ref.case("models", "resblock")
    flat = ref.arrays("models", "resblock")
    net = resblock()
    params, grads = net.parameters()
    assert [p.shape for p in params] == [tuple(p["shape"]) for p in entry["parameters"]]
    for index, param in enumerate(params, start=1):
        param[...] = flat[f"param/{index}"]
    for module, (mean, var) in zip(
        net.find_modules(nn.SpatialBatchNormalization)[0], saved_statistics(), strict=True
    ):
        module.running_mean[...] = mean
        module.running_var[...] = var
    net.evaluate()  # as Lua saved it
    x = flat["input"].copy()  # the in-place ReLU at the end writes into what it is given
    output = net.forward(x)
    ref.assert_close(output, flat["output"], "resblock: output")
    net.zero_grad_parameters()
    grad_input = net.backward(flat["input"].copy(), flat["gradOutput"].copy())
    ref.assert_close(grad_input, flat["gradInput"], "resblock: grad_input")
    for index, grad in enumerate(grads, start=1):
        ref.assert_close(grad, flat[f"grad/{index}"], f"resblock: grad/{index}")
