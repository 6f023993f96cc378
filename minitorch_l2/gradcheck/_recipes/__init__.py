"""Recipes: how ``python -m minitorch_l2.gradcheck`` checks each built-in module and criterion.

A recipe is a factory for the module (or criterion) and a factory for its random arguments.
They live in one file per family of ``nn`` (``core.py``, ``table.py``, ``convolution.py``, ...),
each imported here automatically. Adding one is one line in its family's file::

    recipe("Linear", lambda: nn.Linear(4, 3), uniform(5, 4))  # a module: input
    recipe("MSECriterion", nn.MSECriterion, uniform(5, 4), uniform(5, 4))  # input, target

A test fails when a Module or Criterion subclass exported in ``minitorch_l2.nn.__all__`` has no
recipe (unless it is listed in :data:`NO_RECIPE` with the reason). Draw inputs away from kinks
(``uniform`` almost never hits 0 exactly) and build random layers so that forward is
deterministic, or the check says so: Dropout is checked both after ``.evaluate()`` and in
training mode as a :class:`~.reseeded.ReseededDropout`, whose mask is the same on every forward.
A ``float32_recipe`` ("Linear, float32 = float64 clone") checks the float32 code path itself: the
float32 module's forward and backward against its float64 clone's (finite differences in float32
would be noise, and checking the clone tests only float64).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ... import nn
from .._report import GradcheckReport
from .._run import check_criterion, check_float32, check_module

Arguments = Callable[[np.random.Generator], object]


@dataclass(frozen=True)
class Recipe:
    """One built-in to check: ``make()`` builds it, each of ``arguments`` draws one argument.

    With ``float32`` the subject is a float32 module, compared with its float64 clone by
    :func:`~minitorch_l2.gradcheck.check_float32` instead of checked by finite differences.
    """

    name: str
    make: Callable[[], object]
    arguments: tuple[Arguments, ...]
    options: dict[str, object] = field(default_factory=dict)
    float32: bool = False

    def check(self, rng: np.random.Generator) -> GradcheckReport:
        """Build the subject, draw its arguments from ``rng`` and check it."""
        subject = self.make()
        args = [draw(rng) for draw in self.arguments]
        if self.float32:
            return check_float32(subject, *args, **self.options)
        if isinstance(subject, nn.Criterion):
            if len(args) != 2:
                raise ValueError(f"{self.name} is a criterion: it needs an input and a target")
            return check_criterion(subject, *args, **self.options)
        return check_module(subject, *args, **self.options)


#: Every recipe, by name, in the order the CLI prints them.
RECIPES: dict[str, Recipe] = {}

#: Exported classes that need no recipe, with the reason.
NO_RECIPE: dict[str, str] = {
    "Module": "abstract base class of the layers",
    "Criterion": "abstract base class of the losses",
    "Container": "base class of the containers, checked through each of them (Sequential, ...)",
}


def recipe(name: str, make: Callable[[], object], *arguments: Arguments, **options: object) -> None:
    """Register a recipe: ``make`` builds the subject, ``arguments`` draw (input[, target]).

    ``options`` go to :func:`check_module` / :func:`check_criterion` (``atol=...``).
    """
    if name in RECIPES:
        raise ValueError(f"gradcheck recipe {name!r} is defined twice")
    RECIPES[name] = Recipe(name, make, arguments, dict(options))


def float32_recipe(name: str, make: Callable[[], object], *arguments: Arguments) -> None:
    """Register a float32 recipe: ``make`` builds a float32 module, ``arguments`` draw its
    float32 input; its float32 forward and backward must match its float64 clone's."""
    if name in RECIPES:
        raise ValueError(f"gradcheck recipe {name!r} is defined twice")
    RECIPES[name] = Recipe(name, make, arguments, float32=True)


def uniform(
    *shape: int, low: float = -2.0, high: float = 2.0, dtype: type = np.float64
) -> Arguments:
    """Draw an array of ``shape`` from U(low, high) (Lua's testJacobian range is [-2, 2])."""
    return lambda rng: rng.uniform(low, high, shape).astype(dtype)


def integers(high: int, *shape: int) -> Arguments:
    """Draw integer labels in [0, high) of ``shape`` (class targets)."""
    return lambda rng: rng.integers(0, high, shape)


def load_all() -> dict[str, Recipe]:
    """Import every family file of this package (each registers its recipes); returns RECIPES."""
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
    return RECIPES


load_all()
