"""``python -m minitorch_l2.gradcheck``: check every built-in module and criterion.

Prints one row per recipe (module, tensors checked, max abs error, pass/FAIL), then the full
report of each failure; exits with status 1 when any check fails.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from .._random import manual_seed
from ._recipes import RECIPES, Recipe
from ._report import format_number, format_table


def main(argv: list[str] | None = None, recipes: dict[str, Recipe] | None = None) -> int:
    """Run the recipes named in ``argv`` (all by default); return the exit status (0 = all pass)."""
    recipes = RECIPES if recipes is None else recipes
    parser = argparse.ArgumentParser(
        prog="python -m minitorch_l2.gradcheck",
        description="Check the gradients of every built-in module and criterion.",
    )
    parser.add_argument("names", nargs="*", help="recipes to run (default: all)")
    parser.add_argument("--seed", type=int, default=0, help="seed of weights and inputs")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every report")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in recipes]
    if unknown:
        parser.error(f"unknown recipe(s) {unknown}; known: {list(recipes)}")
    manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    rows = [["module", "tensors checked", "max abs error", "result"]]
    details = []
    for name in args.names or list(recipes):
        try:
            report = recipes[name].check(rng)
        except Exception as exc:  # a recipe that cannot even run is a failure, not a crash
            rows.append([name, "-", "-", "ERROR"])
            details.append(f"{name}: {type(exc).__name__}: {exc}")
            continue
        rows.append(
            [
                name,
                ", ".join(report.entries),
                format_number(report.max_abs_error),
                "pass" if report.ok else "FAIL",
            ]
        )
        if args.verbose or not report.ok:
            details.append(str(report))
    print("\n".join(format_table(rows)))
    failed = sum(row[-1] != "pass" for row in rows[1:])
    for text in details:
        print("\n" + text)
    print(f"\n{len(rows) - 1 - failed} of {len(rows) - 1} passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
