"""Write docs/api.md from the package's docstrings: every public name, its signature, one line.

Run ``python tools/gen_api.py`` after changing a public name; ``tests/test_api_docs.py`` fails
while docs/api.md is out of date, a public name has no docstring, or a namespace's ``__all__``
and its public names disagree.

What is public is found, not listed: every module under ``minitorch_l2`` that ``pkgutil`` finds
and whose dotted name has no part starting with ``_``. A package documents the names in its
``__all__``; any other public module documents the classes and functions it defines that no
package re-exports. A class's methods are the ones it adds to its documented bases, including
those it inherits from an undocumented (private) base, which would otherwise be seen nowhere.
A module that fails to import is an error, never skipped.
"""

from __future__ import annotations
import __future__

import importlib
import inspect
import pkgutil
import sys
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "minitorch_l2"
# The namespaces a reader meets first, in this order; every other public module follows.
FIRST = [
    "minitorch_l2",
    "minitorch_l2.nn",
    "minitorch_l2.gradcheck",
    "minitorch_l2.optim",
    "minitorch_l2.data",
    "minitorch_l2.serialization",
]


class Entry(NamedTuple):
    """One name listed on the page: the module it is listed under, and the object."""

    namespace: str
    name: str
    obj: object

    @property
    def qualified(self) -> str:
        return f"{self.namespace}.{self.name}"


def _reraise(name: str) -> None:
    raise  # pkgutil calls this inside its ``except``: re-raise the import error, never skip


def public_modules() -> list[str]:
    """Every module of the package without a ``_`` part in its name, readers' order first."""
    package = importlib.import_module(PACKAGE)
    found = [PACKAGE] + [
        info.name
        for info in pkgutil.walk_packages(package.__path__, f"{PACKAGE}.", onerror=_reraise)
    ]
    public = [name for name in found if not any(p.startswith("_") for p in name.split("."))]
    order = {name: i for i, name in enumerate(FIRST)}
    return sorted(public, key=lambda name: (order.get(name, len(FIRST)), name))


def is_package(module: ModuleType) -> bool:
    return hasattr(module, "__path__")


def own_callables(module: ModuleType) -> dict[str, object]:
    """Non-underscore classes and functions defined in ``module`` itself (not imported)."""
    return {
        name: value
        for name, value in vars(module).items()
        if not name.startswith("_")
        and (inspect.isclass(value) or inspect.isfunction(value))
        and value.__module__ == module.__name__
    }


def own_names(module: ModuleType) -> dict[str, object]:
    """A plain module's own classes and functions, and the public names its ``__all__`` lists."""
    names = own_callables(module)
    for name in getattr(module, "__all__", []):
        if not name.startswith("_") and hasattr(module, name):
            names.setdefault(name, getattr(module, name))
    return names


def package_public_names(package: ModuleType) -> set[str]:
    """A package's non-underscore attributes other than submodules: what it imports, it exports."""
    return {
        name
        for name, value in vars(package).items()
        if not name.startswith("_")
        and not inspect.ismodule(value)
        and not isinstance(value, __future__._Feature)  # ``from __future__ import annotations``
    }


class Catalog:
    """The public modules, the names each one documents, and where each object is documented."""

    def __init__(self) -> None:
        self.modules = {name: importlib.import_module(name) for name in public_modules()}
        self.packages = {name: m for name, m in self.modules.items() if is_package(m)}
        self.entries: list[Entry] = []
        for name, module in self.modules.items():
            if is_package(module):  # a listed name it lacks is reported by namespace_problems
                names = sorted(n for n in getattr(module, "__all__", []) if hasattr(module, n))
            else:  # a plain module lists what it defines (or re-exports) and no package exports
                names = sorted(n for n, v in own_names(module).items() if self.home(v) == name)
            self.entries += [Entry(name, n, getattr(module, n)) for n in names]
        self.classes = {e.obj for e in self.entries if inspect.isclass(e.obj)}

    def home(self, obj: object) -> str:
        """Where ``obj`` is documented in full: the deepest package above its defining module
        whose ``__all__`` exports it, else its defining module."""
        module = getattr(obj, "__module__", "") or ""
        homes = [
            name
            for name, package in self.packages.items()
            if (module == name or module.startswith(name + "."))
            and any(getattr(package, n, None) is obj for n in getattr(package, "__all__", []))
        ]
        if homes:
            return max(homes, key=len)
        if any(part.startswith("_") for part in module.split(".")):
            # Defined in a private module: documented by the public module whose __all__ has it.
            for name, plain in self.modules.items():
                exported = getattr(plain, "__all__", [])
                if not is_package(plain) and any(getattr(plain, n, None) is obj for n in exported):
                    return name
        return module

    def documented_objects(self) -> list[tuple[str, object]]:
        """(qualified name, object) of every class, function and method documented in full."""
        objects = []
        for entry in self.entries:
            obj = entry.obj
            if inspect.ismodule(obj) or not callable(obj) or self.home(obj) != entry.namespace:
                continue
            objects.append((entry.qualified, obj))
            if inspect.isclass(obj):
                for name, member in public_methods(obj, self.classes):
                    objects.append((f"{entry.qualified}.{name}", method_target(member)))
        return objects


def namespace_problems() -> list[str]:
    """Where a module's ``__all__`` and its public names disagree, or a package has none.

    A package's public names are its non-underscore attributes other than submodules; another
    module's are the classes and functions it defines (a plain module may omit ``__all__``).
    """
    problems = []
    for module_name in public_modules():
        module = importlib.import_module(module_name)
        declared = getattr(module, "__all__", None)
        if declared is None:
            if is_package(module):
                problems.append(f"{module_name}: a package without __all__")
            continue
        public = package_public_names(module) if is_package(module) else set(own_callables(module))
        missing = sorted(public - set(declared))
        unknown = sorted(name for name in declared if not hasattr(module, name))
        if missing:
            problems.append(f"{module_name}: public names missing from __all__: {missing}")
        if unknown:
            problems.append(f"{module_name}: __all__ lists names the module lacks: {unknown}")
    return problems


def own_doc(obj: object) -> str | None:
    """The docstring of ``obj`` itself; a class must carry its own (getdoc borrows its base's)."""
    if inspect.isclass(obj):
        return inspect.cleandoc(vars(obj).get("__doc__") or "") or None
    return inspect.getdoc(obj)


def first_line(obj: object) -> str | None:
    """The docstring's summary line, or None when there is no docstring of its own."""
    doc = own_doc(obj)
    return doc.strip().splitlines()[0].strip() if doc and doc.strip() else None


def signature(obj: object) -> str:
    try:
        return str(inspect.signature(obj))
    except (TypeError, ValueError):
        return ""


def public_methods(cls: type, documented: set[type]) -> list[tuple[str, object]]:
    """Methods and properties ``cls`` adds to its documented bases.

    Those defined in ``cls``, and those it inherits from a base of this package that is
    documented nowhere (a private mixin). Overrides of a documented base's methods are
    documented on that base; camelCase names are Lua aliases of their snake_case twins.
    """
    covered = {
        name
        for base in cls.__mro__[1:]
        if base in documented or base is object
        for name in dir(base)
    }
    sources = [
        klass
        for klass in cls.__mro__
        if klass is cls or (klass not in documented and klass.__module__.startswith(PACKAGE + "."))
    ]
    found: dict[str, object] = {}
    for klass in sources:
        for name, member in vars(klass).items():
            if name.startswith("_") or name in covered or name in found:
                continue
            if any(c.isupper() for c in name):
                continue
            if inspect.isfunction(member) or isinstance(
                member, property | staticmethod | classmethod
            ):
                found[name] = member
    return list(found.items())


def method_target(member: object) -> object:
    """The function behind a method, a static or class method, or a property."""
    target = member.fget if isinstance(member, property) else member
    return getattr(target, "__func__", target)


def describe(catalog: Catalog, namespace: str) -> tuple[list[str], list[str]]:
    """Markdown lines for one module's entries, and the qualified names that lack a docstring."""
    lines = [f"## `{namespace}`", "", first_line(catalog.modules[namespace]) or "", ""]
    missing = []
    for entry in (e for e in catalog.entries if e.namespace == namespace):
        name, obj = entry.name, entry.obj
        if inspect.ismodule(obj):
            lines.append(f"- `{entry.qualified}` — module: {first_line(obj) or ''}")
            continue
        if not callable(obj):
            lines.append(f"- `{entry.qualified}` = `{obj!r}`")
            continue
        summary = first_line(obj)
        home = catalog.home(obj)
        if home != namespace:
            lines.append(f"- `{name}` — re-exported from `{home}`: {summary or 'UNDOCUMENTED'}")
            continue
        if summary is None:
            missing.append(entry.qualified)
        lines.append(f"- **`{name}{signature(obj)}`** — {summary or 'UNDOCUMENTED'}")
        if inspect.isclass(obj):
            for method_name, member in public_methods(obj, catalog.classes):
                target = method_target(member)
                doc = first_line(target)
                if doc is None:
                    missing.append(f"{entry.qualified}.{method_name}")
                sig = "" if isinstance(member, property) else signature(target)
                lines.append(f"  - `{method_name}{sig}` — {doc or 'UNDOCUMENTED'}")
    lines.append("")
    return lines, missing


def render() -> tuple[str, list[str]]:
    """The whole of docs/api.md, and every public name without a docstring."""
    lines = [
        "# API reference",
        "",
        "Every public name, its signature and its docstring's first line. Generated by",
        "`python tools/gen_api.py`; a test fails when this page is stale, a name lacks a",
        "docstring, or a package's `__all__` disagrees with its public names.",
        "Every module without a `_` in its name is covered: a package lists its `__all__`, any",
        "other module the classes and functions it defines that no package re-exports.",
        "Lua spellings (`updateOutput`, `gradInput`, ...) are aliases of the snake_case names;",
        "see [lua-torch.md](lua-torch.md).",
        "",
    ]
    catalog = Catalog()
    missing: list[str] = []
    for namespace in dict.fromkeys(entry.namespace for entry in catalog.entries):
        body, undocumented = describe(catalog, namespace)
        lines += body
        missing += undocumented
    return "\n".join(lines).rstrip() + "\n", missing


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    text, undocumented = render()
    (ROOT / "docs" / "api.md").write_text(text, encoding="utf-8")
    problems = namespace_problems()
    if undocumented:
        print("undocumented:", ", ".join(undocumented), file=sys.stderr)
    if problems:
        print("\n".join(problems), file=sys.stderr)
    sys.exit(1 if undocumented or problems else 0)
