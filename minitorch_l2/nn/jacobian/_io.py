"""``testIO``: does a module compute the same after a save and load, as Lua's test asks?

The files are ``minitorch_l2.serialization``'s, which imports ``nn`` (so ``nn`` never imports
it): the package lends its ``save`` and ``load`` to :func:`register_files` when it is imported,
and ``testIO`` raises a clear error when nobody did.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable

import numpy as np

from ..._jacobian import Layout
from ..._random import generator
from ._tests import check_range, max_abs

#: ``save(path, value)`` and ``load(path)`` for testIO, once registered.
_files: dict[str, Callable] = {}


def register_files(save: Callable, load: Callable) -> None:
    """Lend ``testIO`` the functions that write and read a module file.

    ``minitorch_l2.serialization`` calls it when it is imported (``import minitorch_l2`` does
    that), with its own ``save`` and ``load``.

    Parameters
    ----------
    save : callable
        ``save(path, module)`` writes the module to ``path``.
    load : callable
        ``load(path)`` returns the module read back.
    """
    if not (callable(save) and callable(load)):
        raise TypeError("nn.jacobian.register_files: save and load must be callable")
    _files.update(save=save, load=load)


def testIO(
    module: object, input: np.ndarray | list, minval: float = -2.0, maxval: float = 2.0
) -> tuple[float, float]:
    """Save and load the module (``minitorch_l2.save``/``load``): do both compute the same?

    Lua's steps: forward at ``input``, ``update_grad_input`` and ``acc_grad_parameters`` with a
    ``grad_output`` drawn from U(minval, maxval) (gradients zeroed first), the results kept;
    then ``clear_state()``, which must return the module itself, and the *cleared* module is
    saved; the copy read back repeats the steps. As in Lua the module is left cleared, and
    ``input`` is not modified.

    Parameters
    ----------
    module : nn.Module
        The module to save; its class must be importable at the top level of a module.
    input : numpy.ndarray or list
        Where to run it.
    minval, maxval : float
        Bounds of the uniform ``grad_output``.

    Returns
    -------
    tuple of float
        ``(forward error, backward error)``: max |output − output′| and
        max |grad_input − grad_input′|; both 0.0 for a module whose state survives the file.
    """
    if not _files:
        raise RuntimeError(
            "nn.Jacobian.testIO needs minitorch_l2.serialization to save and load: "
            "import minitorch_l2 (or minitorch_l2.serialization) first"
        )
    check_range(minval, maxval, "testIO")
    inputs = Layout.of(input, "input", "nn.Jacobian.testIO")
    output = Layout.of(module.forward(inputs.copy(input)), "output", "nn.Jacobian.testIO")
    grad_output = output.from_flat(generator().uniform(minval, maxval, output.size))
    before = _run(module, inputs, input, output, grad_output)
    cleared = module.clear_state()
    if cleared is not module:
        raise AssertionError(
            f"nn.Jacobian.testIO: clear_state() of {type(module).__name__} did not return self"
        )
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "module.npz")
        _files["save"](path, module)
        copy = _files["load"](path)
    after = _run(copy, inputs, input, output, grad_output)
    return max_abs(before[0] - after[0]), max_abs(before[1] - after[1])


def _run(
    module: object, inputs: Layout, input: object, output: Layout, grad_output: object
) -> tuple[np.ndarray, np.ndarray]:
    """Forward, zero, update_grad_input, acc_grad_parameters; the output and grad_input, flat."""
    x = inputs.copy(input)
    out = output.read(module.forward(x), np.empty(output.size))
    module.zero_grad_parameters()
    grad = module.update_grad_input(x, output.copy(grad_output))
    module.acc_grad_parameters(x, output.copy(grad_output))
    return out, inputs.read(grad, np.empty(inputs.size))
