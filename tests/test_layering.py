"""The package's import graph: no circles, and lower layers never import higher ones.

Read from the source with ``ast`` (every ``import``, also those inside functions), so a lazy
import counts as much as one at the top of a file; only ``if TYPE_CHECKING:`` imports, never
run, are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "minitorch_l2"

#: Each subpackage and what it may import (besides itself): the layers, bottom up.
ALLOWED = {
    "_random": set(),
    "_blas": set(),
    "_jacobian": set(),
    "_progress": set(),
    "_threads": set(),
    "nn": {"_random", "_blas", "_jacobian", "_progress"},
    "data": {"_random"},
    "optim": {"_random", "_blas", "_progress", "_threads", "nn"},
    "gradcheck": {"_random", "_blas", "_jacobian", "nn", "serialization"},
    "serialization": {"_random", "nn"},
    "nngraph": {"nn"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in _run_time_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                full = f"{target}.{alias.name}"
                found.add(full if full in modules else target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m in modules and m != name}


def _run_time_nodes(tree: ast.AST) -> list[ast.AST]:
    # Every node, but not those under ``if TYPE_CHECKING:``: imports for annotations only are
    # never executed, so they make no circle (every other import counts, lazy ones included).
    nodes, stack = [], [tree]
    while stack:
        node = stack.pop()
        nodes.append(node)
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))
    return nodes


def graph() -> dict[str, set[str]]:
    paths = list(PACKAGE.rglob("*.py"))
    modules = {module_name(p) for p in paths}
    return {module_name(p): imports_of(p, modules) for p in paths}


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_no_module_imports_itself_through_others():
    edges = graph()
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(module: str, stack: list[str]) -> bool:
        state[module] = 1
        for other in sorted(edges[module]):
            if state.get(other) == 1:
                cycle.extend(stack[stack.index(other) :] + [other])
                return True
            if other not in state and visit(other, [*stack, other]):
                return True
        state[module] = 2
        return False

    for module in sorted(edges):
        if module not in state and visit(module, [module]):
            break
    assert not cycle, "import circle: " + " -> ".join(cycle)


def test_each_layer_imports_only_the_layers_below_it():
    wrong = sorted(
        f"{module} imports {other}"
        for module, others in graph().items()
        for other in others
        if layer(module)
        and layer(other)
        and layer(other) != layer(module)
        and layer(other) not in ALLOWED.get(layer(module), set())
    )
    assert not wrong, wrong
    assert set(ALLOWED) >= {layer(m) for m in graph() if layer(m)}, "a new subpackage: add it"


#: Inside ``nn``, bottom up: each tier imports only the tiers below it (the ``_`` helpers may
#: also import one another). The node class sits with the helpers: ``module()`` makes nodes.
NN_TIERS = [
    {"_*"},
    {"module"},
    {"container"},
    {"transfer"},
    {"simple"},
    {"table", "containers"},
    {"convolution", "criterion"},
    {"graph"},
    {"jacobian", "stochastic_gradient", "utils"},
    {""},  # nn/__init__.py: the flat exports
]


def nn_part(module: str) -> str | None:
    """The part of ``nn`` a module belongs to (``simple``, ``_tables``, ``""`` for nn itself)."""
    parts = module.split(".")
    if parts[1:2] != ["nn"]:
        return None
    return parts[2] if len(parts) > 2 else ""


def nn_tier(part: str) -> int:
    for tier, names in enumerate(NN_TIERS):
        if part in names or (part.startswith("_") and "_*" in names):
            return tier
    raise AssertionError(f"nn.{part} is in no tier of NN_TIERS: add it")


def test_inside_nn_each_tier_imports_only_the_tiers_below_it():
    wrong = []
    for module, others in graph().items():
        part = nn_part(module)
        if part is None:
            continue
        for other in others:
            theirs = nn_part(other)
            if theirs is None or theirs == part:
                continue
            helpers = part.startswith("_") and theirs.startswith("_")
            if not helpers and nn_tier(theirs) >= nn_tier(part):
                wrong.append(f"{module} imports {other}")
    assert not wrong, sorted(wrong)
