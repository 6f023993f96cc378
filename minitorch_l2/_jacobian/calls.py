"""The calls a Jacobian makes of a module or criterion at one point, each on fresh copies, counted.

Two Torch facts shape every call. ``update_grad_input`` reads ``self.output`` and other forward
buffers, so every backward is preceded by a forward at the unperturbed input; and parameter
gradients accumulate, so they are zeroed before every backward. The module never sees the
point's own arrays, only copies (a layer may write into its input), but the *parameters* are
its own: perturbing ``module.weight`` in place is how a parameter's Jacobian is taken. Each call
is counted and timed, so a check can report its cost and estimate the cost of what is left.
"""

from __future__ import annotations

import copy
import math
import time

import numpy as np

from .layout import Layout, Value, split
from .state import zero_gradients


class Calls:
    """Counts and times the forward and backward calls made through it.

    Parameters
    ----------
    inputs : Layout
        The layout of the point's input.
    """

    def __init__(self, inputs: Layout) -> None:
        self.inputs = inputs
        self.forwards = 0
        self.backwards = 0
        #: The fastest forward and backward seen, in seconds (an estimate of what more cost).
        self.forward_seconds = math.inf
        self.backward_seconds = math.inf

    def _timed_forward(self, run: object) -> Value:
        start = time.perf_counter()
        value = run()
        self.forward_seconds = min(self.forward_seconds, time.perf_counter() - start)
        self.forwards += 1
        return value

    def _timed_backward(self, run: object) -> Value:
        start = time.perf_counter()
        value = run()
        self.backward_seconds = min(self.backward_seconds, time.perf_counter() - start)
        self.backwards += 1
        return value


class ModuleCalls(Calls):
    """Forward and backward of ``module`` at ``input``, on fresh copies of ``input``.

    Parameters
    ----------
    module : nn.Module
        The module; its parameters are read (and perturbed by a numerical Jacobian) in place.
    input : numpy.ndarray or list
        The point; never given to the module itself, and never modified here.
    params : bool
        Whether the parameters' gradients are part of :meth:`gradients`.
    """

    def __init__(self, module: object, input: Value, params: bool = True) -> None:
        super().__init__(Layout.of(input, "input"))
        self.module = module
        self.input = input
        self.params = params

    def forward(self, x: Value | None = None) -> Value:
        """The output at a fresh copy of the input (or at ``x``), the module's own buffer."""
        x = self.inputs.copy(self.input) if x is None else x
        return self._timed_forward(lambda: self.module.forward(x))

    def tensors(self) -> list[tuple[str, np.ndarray]]:
        """The arrays to differentiate by: the input's floating leaves (integer ones are held
        fixed), then (with params) the parameters."""
        found = _floating(self.inputs, self.input)
        if self.params:
            found += [(name, param) for name, param, _ in self.module.named_parameters()]
        return found

    def gradients(
        self,
        grad_output: Value,
        scale: float | None = None,
        zero: bool = True,
        x: Value | None = None,
    ) -> list[tuple[str, object]]:
        """Forward at a fresh copy, zero the gradients, backward: every gradient, by name.

        The gradients are the module's own arrays (copy what you keep); grad_input is split
        into the input's leaves. ``scale`` is passed on when given; ``zero=False`` keeps what
        the parameter gradients hold (the accumulation check); ``x`` is the copy to use (to
        look at it afterwards).
        """
        x = self.inputs.copy(self.input) if x is None else x
        self.forward(x)
        if zero:
            zero_gradients(self.module)
        if scale is None:
            grad_input = self._timed_backward(lambda: self.module.backward(x, grad_output))
        else:
            grad_input = self._timed_backward(lambda: self.module.backward(x, grad_output, scale))
        found = _varying(split(grad_input, self.inputs), self.inputs)
        if self.params:
            found += [(name, grad) for name, _, grad in self.module.named_parameters()]
        return found


class CriterionCalls(Calls):
    """Forward and backward of ``criterion`` at ``(input, target)``, on fresh copies of both.

    Its output is the loss, a number: the Jacobian has one column, and :meth:`gradients`
    multiplies ∂loss/∂input by the (scalar) ``grad_output`` given, as a chain rule would.

    Parameters
    ----------
    criterion : nn.Criterion
        The criterion.
    input : numpy.ndarray or list
        The point; never modified.
    target : object
        The target, deep-copied for every call.
    """

    params = False

    def __init__(self, criterion: object, input: Value, target: object) -> None:
        super().__init__(Layout.of(input, "input"))
        self.criterion = criterion
        self.input = input
        self.target = target

    def forward(self, x: Value | None = None, target: object = None) -> float:
        """The loss at fresh copies of input and target (or at ``x`` and ``target``)."""
        x = self.inputs.copy(self.input) if x is None else x
        target = copy.deepcopy(self.target) if target is None else target
        return self._timed_forward(lambda: self.criterion.forward(x, target))

    def tensors(self) -> list[tuple[str, np.ndarray]]:
        """The input's floating leaves (a criterion has no parameters to check)."""
        return _floating(self.inputs, self.input)

    def gradients(
        self, grad_output: Value, x: Value | None = None, target: object = None, **_: object
    ) -> list[tuple[str, object]]:
        """Forward then backward at fresh copies (or at ``x``, ``target``); ∂loss/∂input ·
        grad_output, by leaf."""
        x = self.inputs.copy(self.input) if x is None else x
        target = copy.deepcopy(self.target) if target is None else target
        self._timed_forward(lambda: self.criterion.forward(x, target))
        grad_input = self._timed_backward(lambda: self.criterion.backward(x, target))
        factor = float(np.asarray(grad_output))
        pieces = _varying(split(grad_input, self.inputs), self.inputs)
        if factor == 1.0:
            return pieces
        return [(name, g * factor if isinstance(g, np.ndarray) else g) for name, g in pieces]


def _floating(inputs: Layout, value: Value) -> list[tuple[str, np.ndarray]]:
    """The input's floating leaves, by path: the ones a finite difference moves."""
    leaves = zip(inputs.paths, inputs.leaves(value))
    return [(path, leaf) for path, leaf in leaves if path not in inputs.fixed]


def _varying(pieces: list[tuple[str, object]], inputs: Layout) -> list[tuple[str, object]]:
    """The gradient pieces of the floating leaves: a fixed (integer) leaf's is never compared."""
    return [(path, piece) for path, piece in pieces if path not in inputs.fixed]
