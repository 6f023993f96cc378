"""``nn.StochasticGradient``: Lua's simple trainer — plain SGD, one example at a time.

For each epoch (Lua: iteration) k = 1, 2, …, ``max_iteration``, and each example (xᵢ, yᵢ) of the
dataset in a fixed order (one random permutation drawn at the start when ``shuffle_indices``):

    Eₖ += L(module(xᵢ), yᵢ);   θ ← θ − ηₖ ∂L/∂θ,   η₁ = η,  ηₖ = η / (1 + k ρ) for k ≥ 2,

and Eₖ / n is the epoch's error. The rate schedule is Lua's: after epoch k it becomes
η / (1 + (k + 1) ρ), so the second epoch already uses η / (1 + 2ρ). The dataset follows Lua's
protocol: ``dataset.size()`` examples, ``dataset[i]`` = ``(input, target)`` for i = 0 … size − 1
(0-based; a plain list works too).

Printing: Lua's header and closing lines, and one line per epoch — the error, the accuracy when
every target is a class index (an int or an int array; the prediction is the argmax of the
output's last axis), and the epoch's time. ``verbose=False`` prints nothing (Lua still prints the
header and the closing lines). ``progress=True`` draws a bar over each epoch's examples where
standard output is a terminal.
"""

from __future__ import annotations

import math
import numbers
import time
from collections.abc import Callable

import numpy as np

from .._progress import ProgressBar
from .._random import generator
from . import _settings
from ._lua_names import attribute_alias
from .criterion.criterion import Criterion
from .module import Module

WHO = "nn.StochasticGradient"


class StochasticGradient:
    """Train ``module`` against ``criterion`` by per-example SGD over a dataset (Lua's trainer).

    Parameters
    ----------
    module : nn.Module
        The model; its parameters are updated in place.
    criterion : nn.Criterion
        The loss of ``module``'s output against each example's target.
    learning_rate : float, default 0.01
        η (Lua's ``learningRate``); may be set after construction, as in Lua.
    learning_rate_decay : float, default 0
        ρ in η / (1 + k ρ) (Lua's ``learningRateDecay``).
    max_iteration : int, default 25
        Epochs to run (Lua's ``maxIteration``); 0 runs until a hook raises.
    shuffle_indices : bool, default True
        Visit the examples in one random order (from ``minitorch_l2.manual_seed``'s generator)
        rather than in the dataset's (Lua's ``shuffleIndices``).
    verbose : bool, default True
        Print one line per epoch and Lua's header and closing lines.
    hook_example : callable, optional
        ``hook_example(trainer, example)`` after each example (Lua's ``hookExample``).
    hook_iteration : callable, optional
        ``hook_iteration(trainer, iteration, error)`` after each epoch, 1-based as in Lua
        (Lua's ``hookIteration``).
    progress : bool, default False
        Show a progress bar during each epoch when standard output is a terminal.
    """

    learningRate = attribute_alias("learning_rate")
    learningRateDecay = attribute_alias("learning_rate_decay")
    maxIteration = attribute_alias("max_iteration")
    shuffleIndices = attribute_alias("shuffle_indices")
    hookExample = attribute_alias("hook_example")
    hookIteration = attribute_alias("hook_iteration")

    def __init__(
        self,
        module: Module,
        criterion: Criterion,
        *,
        learning_rate: float = 0.01,
        learning_rate_decay: float = 0.0,
        max_iteration: int = 25,
        shuffle_indices: bool = True,
        verbose: bool = True,
        hook_example: Callable | None = None,
        hook_iteration: Callable | None = None,
        progress: bool = False,
    ) -> None:
        self.module = module
        self.criterion = criterion
        self.learning_rate = learning_rate
        self.learning_rate_decay = learning_rate_decay
        self.max_iteration = max_iteration
        self.shuffle_indices = shuffle_indices
        self.verbose = verbose
        self.hook_example = hook_example
        self.hook_iteration = hook_iteration
        self.progress = progress
        self.validate()

    def validate(self) -> None:
        """Check every setting (also run by ``train``, since Lua code sets them afterwards)."""
        if not isinstance(self.module, Module):
            raise TypeError(f"{WHO}: module must be an nn.Module, got {type(self.module)}")
        if not isinstance(self.criterion, Criterion):
            raise TypeError(f"{WHO}: criterion must be an nn.Criterion, got {type(self.criterion)}")
        self.learning_rate = _settings.real(WHO, "learning_rate", self.learning_rate, 0.0)
        self.learning_rate_decay = _settings.real(
            WHO, "learning_rate_decay", self.learning_rate_decay, 0.0
        )
        self.max_iteration = _settings.integer(WHO, "max_iteration", self.max_iteration, 0)
        for name in ("shuffle_indices", "verbose", "progress"):
            setattr(self, name, _settings.boolean(WHO, name, getattr(self, name)))
        for name in ("hook_example", "hook_iteration"):
            hook = getattr(self, name)
            if hook is not None and not callable(hook):
                raise TypeError(f"{WHO}: {name} must be a function or None, got {hook!r}")

    def train(self, dataset: object) -> float:
        """Run the epochs over ``dataset`` and return the last epoch's mean error.

        Parameters
        ----------
        dataset : object
            ``dataset.size()`` (or ``len(dataset)``) examples; ``dataset[i]`` is a pair
            ``(input, target)``, i from 0.

        Returns
        -------
        float
            The mean error of the last epoch.
        """
        self.validate()
        size = _size(dataset)
        order = generator().permutation(size) if self.shuffle_indices else np.arange(size)
        say = print if self.verbose else lambda *_: None
        say("# StochasticGradient: training")
        iteration, rate = 1, self.learning_rate
        while True:
            started = time.perf_counter()
            total, hits, counted, classified = 0.0, 0, 0, True
            bar = ProgressBar(size) if self.progress else None
            for done, index in enumerate(order.tolist(), 1):
                example = dataset[index]
                input, target = _pair(example, index)
                output = self.module.forward(input)
                error = self.criterion.forward(output, target)
                if not math.isfinite(error):
                    raise ValueError(f"{WHO}: the loss of example {index} is {error}; stopping")
                total += error
                score = _hits(output, target)
                if score is None:
                    classified = False  # a target that is not a class index: no accuracy
                elif classified:
                    hits, counted = hits + score[0], counted + score[1]
                self.module.zero_grad_parameters()
                self.module.backward(input, self.criterion.backward(output, target))
                self.module.update_parameters(rate)
                if self.hook_example is not None:
                    self.hook_example(self, example)
                if bar is not None:
                    bar.update(done)
            if bar is not None:
                bar.close()
            error = total / size
            if self.hook_iteration is not None:
                self.hook_iteration(self, iteration, error)
            accuracy = f"  accuracy {hits / counted:.4f}" if classified and counted else ""
            elapsed = time.perf_counter() - started
            say(f"# current error = {error:.14g}{accuracy}  ({elapsed:.2f} s)")
            iteration += 1
            rate = self.learning_rate / (1 + iteration * self.learning_rate_decay)
            if self.max_iteration > 0 and iteration > self.max_iteration:
                say("# StochasticGradient: you have reached the maximum number of iterations")
                say(f"# training error = {error:.14g}")
                return error

    def __repr__(self) -> str:
        return f"nn.StochasticGradient({self.module!r}, {self.criterion!r})"


def _size(dataset: object) -> int:
    """Lua's ``dataset:size()``, or ``len`` for a plain sequence."""
    size = getattr(dataset, "size", None)
    count = size() if callable(size) else len(dataset) if hasattr(dataset, "__len__") else None
    if isinstance(count, bool) or not isinstance(count, numbers.Integral) or count < 1:
        raise TypeError(
            f"{WHO}: the dataset must have size() (or len) >= 1 and dataset[i] = (input, target), "
            f"got {type(dataset).__name__}"
        )
    return int(count)


def _pair(example: object, index: int) -> tuple[object, object]:
    """``(input, target)`` from an example (Lua's ``example[1]``, ``example[2]``)."""
    if not isinstance(example, tuple | list) or len(example) < 2:
        raise TypeError(
            f"{WHO}: dataset[{index}] must be a pair (input, target), got {type(example).__name__}"
        )
    return example[0], example[1]


def _hits(output: object, target: object) -> tuple[int, int] | None:
    """(correct, examples) when ``target`` holds class indices, else None."""
    is_index = isinstance(target, numbers.Integral) and not isinstance(target, bool)
    is_indices = isinstance(target, np.ndarray) and target.dtype.kind in "iu"
    if not (is_index or is_indices) or not isinstance(output, np.ndarray) or output.ndim == 0:
        return None
    predicted = np.argmax(output, axis=-1)
    if np.shape(predicted) != np.shape(target):
        return None
    return int(np.sum(predicted == target)), int(np.size(target))
