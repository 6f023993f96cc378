"""docs/api.md lists every public name and is regenerated from the docstrings.

"Public" is found by walking the package (tools/gen_api.py): every module without a ``_`` in its
dotted name, the ``__all__`` of each package, and the classes and functions of other modules
that no package re-exports. These tests also check that every public callable with parameters
documents them in a NumPy-style ``Parameters`` section.
"""

from __future__ import annotations

import importlib.util
import inspect
import re
from pathlib import Path

import pytest

import minitorch_l2

ROOT = Path(__file__).resolve().parent.parent

PARAMETERS_SECTION = re.compile(r"^[ \t]*Parameters[ \t]*\n[ \t]*-{3,}[ \t]*$", re.MULTILINE)


def load_generator():
    spec = importlib.util.spec_from_file_location("gen_api", ROOT / "tools" / "gen_api.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def parameters_of(obj: object) -> list[str]:
    """The parameters a caller passes (``self`` and ``cls`` are not theirs to document)."""
    try:
        names = list(inspect.signature(obj).parameters)
    except (TypeError, ValueError):
        return []
    return [name for name in names if name not in ("self", "cls")]


def without_parameters_section() -> list[str]:
    """Qualified names of documented callables that take parameters but do not list them."""
    generator = load_generator()
    return [
        name
        for name, obj in generator.Catalog().documented_objects()
        if parameters_of(obj) and not PARAMETERS_SECTION.search(generator.own_doc(obj) or "")
    ]


# ---------------------------------------------------------------------- the page itself


def test_every_public_name_has_a_docstring():
    _, undocumented = load_generator().render()
    assert undocumented == [], f"public names without a docstring: {undocumented}"


def test_api_md_is_up_to_date():
    text, _ = load_generator().render()
    current = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    assert current == text, "docs/api.md is stale: run `python tools/gen_api.py`"


def test_every_namespace_all_matches_its_public_names():
    assert load_generator().namespace_problems() == []


def test_every_public_callable_with_parameters_has_a_parameters_section():
    missing = without_parameters_section()
    assert missing == [], f"docstrings without a NumPy 'Parameters' section: {missing}"


# ---------------------------------------------------------------------- the generator can fail


def test_generator_flags_an_undocumented_name(monkeypatch):
    import minitorch_l2.nn as nn_package

    class Undocumented(nn_package.Module):
        pass

    Undocumented.__doc__ = None
    Undocumented.__module__ = "minitorch_l2.nn.undocumented"
    monkeypatch.setattr(nn_package, "Undocumented", Undocumented, raising=False)
    monkeypatch.setattr(nn_package, "__all__", [*nn_package.__all__, "Undocumented"])
    _, undocumented = load_generator().render()
    assert "minitorch_l2.nn.Undocumented" in undocumented


def test_generator_flags_a_public_name_missing_from_all(monkeypatch):
    import minitorch_l2.optim as optim_package

    monkeypatch.setattr(optim_package, "cmaes", lambda feval, x: None, raising=False)
    problems = load_generator().namespace_problems()
    assert problems == ["minitorch_l2.optim: public names missing from __all__: ['cmaes']"]
    monkeypatch.setattr(optim_package, "__all__", [*optim_package.__all__, "cmaes", "fista"])
    problems = load_generator().namespace_problems()
    assert problems == ["minitorch_l2.optim: __all__ lists names the module lacks: ['fista']"]


def test_generator_flags_an_undocumented_function_in_a_module_no_package_exports(monkeypatch):
    loading = importlib.import_module("minitorch_l2.serialization.loading")

    def peek(path):
        pass

    peek.__module__ = loading.__name__
    monkeypatch.setattr(loading, "peek", peek, raising=False)
    text, undocumented = load_generator().render()
    assert undocumented == ["minitorch_l2.serialization.loading.peek"]
    assert "## `minitorch_l2.serialization.loading`" in text
    assert "peek" in without_parameters_section()[-1]


def test_generator_checks_methods_inherited_from_a_private_mixin(monkeypatch):
    import minitorch_l2.nn as nn_package

    class _Scaling:
        def rescale(self, factor):
            return self

    class Scaled(_Scaling, nn_package.Identity):
        """A documented class whose public method comes from an undocumented mixin."""

    for cls in (_Scaling, Scaled):
        cls.__module__ = "minitorch_l2.nn.scaled"
    monkeypatch.setattr(nn_package, "Scaled", Scaled, raising=False)
    monkeypatch.setattr(nn_package, "__all__", [*nn_package.__all__, "Scaled"])
    text, undocumented = load_generator().render()
    assert undocumented == ["minitorch_l2.nn.Scaled.rescale"]
    assert "  - `rescale(self, factor)` — UNDOCUMENTED" in text


def test_a_module_that_fails_to_import_is_an_error_not_skipped(tmp_path, monkeypatch):
    package = tmp_path / "brokenpkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text('"""A package."""\n__all__ = []\n')
    (package / "sub" / "__init__.py").write_text("import no_such_dependency_anywhere\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    generator = load_generator()
    monkeypatch.setattr(generator, "PACKAGE", "brokenpkg")
    with pytest.raises(ModuleNotFoundError, match="no_such_dependency_anywhere"):
        generator.public_modules()


def test_the_walk_finds_every_public_module():
    modules = load_generator().public_modules()
    assert modules[:6] == [
        "minitorch_l2",
        "minitorch_l2.nn",
        "minitorch_l2.gradcheck",
        "minitorch_l2.optim",
        "minitorch_l2.data",
        "minitorch_l2.serialization",
    ]
    assert (
        "minitorch_l2.nn.transfer.relu" in modules
        and "minitorch_l2.serialization.loading" in modules
    )
    assert not any("._" in name for name in modules)  # private modules and __main__ are not
    assert minitorch_l2.__name__ == modules[0]
