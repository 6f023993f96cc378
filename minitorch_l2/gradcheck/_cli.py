"""The command line: check every built-in (its recipes), some of them, or your own layer.

``python -m minitorch_l2.gradcheck`` runs every recipe; ``... Tanh Linear`` runs those; a
``package.module:Class`` argument builds your class from ``--args``/``--kwargs`` and draws its
input from ``--input-shape`` (repeat it, or write a nested list, for a table; ``4,3:ints=10``
draws integer indices, held fixed), and a criterion's target from ``--target``. One row per
check (module, blocks checked, max abs error, result), then the report of each failure (every
report with ``-v``, or for your own layer); the exit status is 0 when all pass, 1 when one
fails or is inconclusive, 2 for a usage error (your class cannot be imported or built from the
arguments given, a bad shape, a criterion without ``--target``).
"""

from __future__ import annotations

import argparse
import ast
import importlib
import sys
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .. import nn
from .._random import manual_seed, seeded
from ._recipes import RECIPES, Recipe
from ._text import format_number, format_table

Draw = Callable[[np.random.Generator], object]

EPILOG = """\
your own layer:
  python -m minitorch_l2.gradcheck mypkg.layers:PReLU --args 3 --input-shape 4,3
  python -m minitorch_l2.gradcheck mypkg.layers:Pair --input-shape 4,3 --input-shape 4,3
  python -m minitorch_l2.gradcheck mypkg.losses:MyLoss --input-shape 5,4 --target 5:labels=4

shapes: 4,3 is a tensor of shape (4, 3); a list is a table: "[(4, 3), [(2,), (2,)]]";
  4,3:ints=10 is integer indices in [0, 10), held fixed (LookupTable, Index):
  python -m minitorch_l2.gradcheck mypkg.layers:Embed --args 10 3 --input-shape 4,3:ints=10
  python -m minitorch_l2.gradcheck mypkg.layers:Pick --input-shape 4,3 --input-shape 5:ints=4
targets: SHAPE (uniform floats), SHAPE:labels=C (integers in [0, C)), SHAPE:signs (+1/-1).
"""


def main(argv: list[str] | None = None, recipes: dict[str, Recipe] | None = None) -> int:
    """Run the checks named in ``argv`` (all recipes by default); return the exit status.

    Parameters
    ----------
    argv : list of str, optional
        The command-line arguments (default: ``sys.argv[1:]``).
    recipes : dict, optional
        The recipes to choose from (default: every built-in one).

    Returns
    -------
    int
        0 when every check passed, 1 when one failed (2, through argparse, for bad usage).
    """
    recipes = RECIPES if recipes is None else recipes
    parser = _parser()
    args = parser.parse_args(argv)
    chosen = _chosen(args, recipes, parser)
    for name, recipe in chosen:
        if ":" in name:
            _try_building(name, recipe, args.seed, parser)
    manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    rows = [["module", "tensors checked", "max abs error", "result"]]
    details = []
    for name, recipe in chosen:
        try:
            report = recipe.check(rng)
        except Exception as exc:  # a check that cannot even run is a failure, not a crash
            rows.append([name, "-", "-", "ERROR"])
            details.append(f"{name}: {type(exc).__name__}: {exc}")
            continue
        tensors = list(dict.fromkeys(entry.tensor for entry in report.entries.values()))
        rows.append(
            [
                name,
                ", ".join(tensors),
                format_number(report.max_abs_error),
                "pass" if report.ok else ("inconclusive" if report.inconclusive else "FAIL"),
            ]
        )
        if args.verbose or not report.ok or ":" in name:
            details.append(str(report))
    print("\n".join(format_table(rows)))
    failed = sum(row[-1] != "pass" for row in rows[1:])
    for text in details:
        print("\n" + text)
    print(f"\n{len(rows) - 1 - failed} of {len(rows) - 1} passed")
    return 1 if failed else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m minitorch_l2.gradcheck",
        description="Check the gradients of the built-in modules and criteria, or of your own.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "names", nargs="*", help="recipes to run (default: all), or package.module:Class"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of weights and inputs (0)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every report")
    own = parser.add_argument_group("your own layer (package.module:Class)")
    own.add_argument(
        "--args", nargs="*", default=[], help="constructor arguments (Python literals)"
    )
    own.add_argument("--kwargs", nargs="*", default=[], help="constructor keywords, name=value")
    own.add_argument(
        "--input-shape", action="append", default=[], help="the input's shape; repeat for a table"
    )
    own.add_argument("--target", help="a criterion's target: SHAPE[:labels=C|:signs]")
    own.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    own.add_argument("--range", default="-2,2", help="inputs drawn from U(low, high) (-2,2)")
    own.add_argument("--evaluate", action="store_true", help="call .evaluate() first")
    own.add_argument("--mode", choices=["full", "fast"], default="full")
    for name, default in (("eps", 1e-6), ("atol", 1e-5), ("rtol", 1e-3)):
        own.add_argument(f"--{name}", type=float, default=default, help=f"({default:g})")
    return parser


def _chosen(
    args: argparse.Namespace, recipes: dict[str, Recipe], parser: argparse.ArgumentParser
) -> list[tuple[str, Recipe]]:
    # Recipes by name, and a recipe made on the spot for each package.module:Class.
    unknown = [name for name in args.names if ":" not in name and name not in recipes]
    if unknown:
        parser.error(f"unknown recipe(s) {unknown}; known: {list(recipes)}")
    own = [name for name in args.names if ":" in name]
    if not own and (args.input_shape or args.args or args.kwargs or args.target):
        parser.error("--args, --kwargs, --input-shape and --target go with package.module:Class")
    chosen = []
    for name in args.names or list(recipes):
        if ":" not in name:
            chosen.append((name, recipes[name]))
            continue
        try:
            chosen.append(_own_recipe(name, args))
        except (ImportError, AttributeError, ValueError, SyntaxError) as error:
            parser.error(str(error))
    return chosen


def _try_building(name: str, recipe: Recipe, seed: int, parser: argparse.ArgumentParser) -> None:
    # The user's class must build from the arguments given: a usage error (2) if not.
    with seeded(seed):  # a trial, drawing nothing from the generator of the real check
        try:
            subject = recipe.make()
        except Exception as error:
            parser.error(f"{name}: the constructor raised {type(error).__name__}: {error}")
    if isinstance(subject, nn.Criterion) and len(recipe.arguments) != 2:
        parser.error(f"{name} is a criterion: give its target too, e.g. --target 5:labels=4")


def _own_recipe(spec: str, args: argparse.Namespace) -> tuple[str, Recipe]:
    # A recipe for the user's class: build it from the arguments, draw its input (and target).
    module_name, _, attribute = spec.partition(":")
    try:
        found: object = importlib.import_module(module_name)
    except ImportError as error:
        raise ImportError(f"cannot import {module_name!r} (from {spec!r}): {error}") from None
    for part in attribute.split("."):
        if not hasattr(found, part):
            raise AttributeError(f"{module_name!r} has no {attribute!r} (from {spec!r})")
        found = getattr(found, part)
    if not callable(found):
        raise ValueError(f"{spec!r} is not a class or function that builds a module")
    if not args.input_shape:
        raise ValueError(f"{spec}: give the input's shape, e.g. --input-shape 4,3")
    positional = [_literal(text) for text in args.args]
    keywords = dict(_keyword(text) for text in args.kwargs)
    dtype = np.float32 if args.dtype == "float32" else np.float64
    low, high = _range(args.range)

    def make() -> object:
        subject = found(*positional, **keywords)
        if dtype == np.float32 and hasattr(subject, "float"):
            subject.float()
        if args.evaluate:
            subject.evaluate()
        return subject

    shapes = [_shape_spec(text) for text in args.input_shape]
    spec_of_input = shapes[0] if len(shapes) == 1 else shapes
    draws: list[Draw] = [_drawer(spec_of_input, low, high, dtype)]
    if args.target is not None:
        draws.append(_target(args.target, low, high, dtype))
    options = {"eps": args.eps, "atol": args.atol, "rtol": args.rtol, "mode": args.mode}
    shown = ", ".join([*args.args, *args.kwargs])
    name = f"{spec}({shown})"
    return name, Recipe(name, make, tuple(draws), options)


def _literal(text: str) -> object:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text  # a bare word is a string


def _keyword(text: str) -> tuple[str, object]:
    name, equals, value = text.partition("=")
    if not equals or not name.isidentifier():
        raise ValueError(f"--kwargs expects name=value, got {text!r}")
    return name, _literal(value)


def _range(text: str) -> tuple[float, float]:
    try:
        low, high = (float(part) for part in text.split(","))
    except ValueError:
        raise ValueError(f"--range expects low,high (e.g. -2,2), got {text!r}") from None
    if not low < high:
        raise ValueError(f"--range needs low < high, got {text!r}")
    return low, high


@dataclass(frozen=True)
class Indices:
    """An integer leaf of the input: indices in [0, high) of ``shape``, held fixed."""

    shape: tuple[int, ...]
    high: int


def _shape_spec(text: str, option: str = "--input-shape") -> object:
    # "4,3" -> (4, 3); "4" -> (4,); "4,3:ints=10" -> Indices; a list is a table of such specs.
    shape_text, colon, kind = text.partition(":")
    if colon and not text.lstrip().startswith("["):
        high = _literal(kind.removeprefix("ints=")) if kind.startswith("ints=") else None
        if option != "--input-shape" or isinstance(high, bool) or not isinstance(high, int):
            raise ValueError(f"{option}: cannot read {text!r}; write 4,3 or 4,3:ints=10")
        if high < 1:
            raise ValueError(f"{option}: {text!r} needs ints=N with N >= 1")
        shape = _shape_spec(shape_text, option)
        if not isinstance(shape, tuple):
            raise ValueError(f"{option}: {text!r}: the indices' shape must be one shape")
        return Indices(shape, high)
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        raise ValueError(f"{option}: cannot read {text!r}; write 4,3 or [(4, 3), (2,)]") from None

    def check(item: object) -> object:
        if isinstance(item, bool):
            raise ValueError(f"{option}: {text!r} holds a bool")
        if isinstance(item, int):
            return (item,)
        if isinstance(item, tuple) and all(isinstance(n, int) and n >= 0 for n in item):
            return item
        if isinstance(item, str) and ":" in item:  # "3:ints=4" inside a list
            return _shape_spec(item, option)
        if isinstance(item, list) and item:
            return [check(inner) for inner in item]
        raise ValueError(f"{option}: {text!r} is not a shape (4,3) or a list of them")

    return check(value)


def _drawer(spec: object, low: float, high: float, dtype: type) -> Draw:
    def draw(rng: np.random.Generator) -> object:
        if isinstance(spec, list):
            return [_drawer(inner, low, high, dtype)(rng) for inner in spec]
        if isinstance(spec, Indices):
            return rng.integers(0, spec.high, spec.shape)
        return rng.uniform(low, high, spec).astype(dtype)

    return draw


def _target(text: str, low: float, high: float, dtype: type) -> Draw:
    # SHAPE, SHAPE:labels=C or SHAPE:signs.
    shape_text, _, kind = text.partition(":")
    shape = _shape_spec(shape_text, "--target")
    if kind == "":
        return _drawer(shape, low, high, dtype)
    if kind == "signs":
        return lambda rng: rng.choice(np.array([-1.0, 1.0], dtype), shape)
    if kind.startswith("labels="):
        classes = _literal(kind.removeprefix("labels="))
        if isinstance(classes, int) and classes > 0:
            return lambda rng: rng.integers(0, classes, shape)
    raise ValueError(f"--target: expected SHAPE, SHAPE:labels=C or SHAPE:signs, got {text!r}")


if __name__ == "__main__":  # pragma: no cover - python -m runs __main__.py
    sys.exit(main())
