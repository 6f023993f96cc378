"""``python -m minitorch_l2.gradcheck`` and its recipes: every built-in is covered and passes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import minitorch_l2
from minitorch_l2 import nn
from minitorch_l2.gradcheck import check_module
from minitorch_l2.gradcheck.__main__ import main
from minitorch_l2.gradcheck._recipes import NO_RECIPE, RECIPES, Recipe, recipe, uniform
from minitorch_l2.gradcheck._reseeded import ReseededDropout

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "minitorch_l2.gradcheck", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )


def missing_recipes(namespace: object, names: list[str]) -> set[str]:
    """Exported Module/Criterion subclasses that no recipe builds and NO_RECIPE does not excuse."""
    exported = {
        name
        for name in names
        if isinstance(getattr(namespace, name), type)
        and issubclass(getattr(namespace, name), nn.Module | nn.Criterion)
    }
    built = set().union(*(covered_classes(r) for r in RECIPES.values()))
    return exported - built - set(NO_RECIPE)


def covered_classes(checked: Recipe) -> set[str]:
    """The class a recipe builds, and the class it is named for when that sits inside it.

    A module whose output is a table is checked through a composition that ends in a tensor
    ("SplitTable, through JoinTable" builds a Sequential holding a SplitTable).
    """
    subject = checked.make()
    named = checked.name.split()[0].rstrip(",")
    inside = (
        {type(m).__name__ for m in subject.list_modules()}
        if isinstance(subject, nn.Module)
        else set()
    )
    return {type(subject).__name__} | ({named} & inside)


def test_every_exported_module_and_criterion_has_a_recipe():
    missing = missing_recipes(nn, nn.__all__)
    assert not missing, (
        f"no gradcheck recipe for {sorted(missing)}: add one line per class at the bottom of "
        f"its family file in minitorch_l2/gradcheck/_recipes/"
    )


def test_the_coverage_test_notices_a_new_class():
    class Fresh(nn.Module):
        pass

    class Namespace:
        pass

    namespace = Namespace()
    for name in nn.__all__:
        setattr(namespace, name, getattr(nn, name))
    namespace.Fresh = Fresh
    assert missing_recipes(namespace, [*nn.__all__, "Fresh"]) == {"Fresh"}


def test_excused_classes_are_real_exports():
    assert set(NO_RECIPE) <= set(nn.__all__)


@pytest.mark.parametrize("name", list(RECIPES))
def test_every_recipe_passes(name):
    report = RECIPES[name].check(np.random.default_rng(0))
    assert report.ok, str(report)


def test_cli_prints_one_row_per_recipe_and_exits_zero():
    result = run_cli()
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["module", "tensors", "checked", "max", "abs", "error", "result"]
    rows = lines[1 : 1 + len(RECIPES)]
    for name, row in zip(RECIPES, rows):
        assert row.startswith(name) and row.rstrip().endswith("pass")
    assert "input, weight, bias" in rows[0]
    assert f"{len(RECIPES)} of {len(RECIPES)} passed" in result.stdout


def test_cli_runs_named_recipes_and_rejects_unknown_ones():
    result = run_cli("Tanh", "--seed", "3")
    assert result.returncode == 0
    assert "1 of 1 passed" in result.stdout
    result = run_cli("NoSuchLayer")
    assert result.returncode == 2 and "unknown recipe" in result.stderr


class HalfGradientTanh(nn.Tanh):
    def update_grad_input(self, input, grad_output):
        return 0.5 * grad_output * (1 - self.output**2)


def test_cli_fails_with_the_report_of_a_failing_recipe(capsys):
    recipes = {
        "Tanh": RECIPES["Tanh"],
        "HalfGradientTanh": Recipe("HalfGradientTanh", HalfGradientTanh, (uniform(3, 2),)),
        "Broken": Recipe("Broken", lambda: nn.Linear(5, 2), (uniform(3, 2),)),  # wrong input
    }
    status = main([], recipes)
    out = capsys.readouterr().out
    assert status == 1
    rows = out.splitlines()[1:4]
    assert rows[0].endswith("pass")
    assert rows[1].startswith("HalfGradientTanh") and rows[1].endswith("FAIL")
    assert rows[2].startswith("Broken") and rows[2].endswith("ERROR")
    assert "off by a constant factor 0.5 " in out
    assert "Broken: ValueError: nn.Linear(5 -> 2): expected input of shape" in out
    assert "1 of 3 passed" in out


def test_recipe_names_are_unique():
    with pytest.raises(ValueError, match="defined twice"):
        recipe("Tanh", nn.Tanh, uniform(2))


# ---------------------------------------------------------------- Dropout in training mode
TRAINING_DROPOUT = "Dropout, training, fixed mask"


def test_training_dropout_recipe_checks_the_masked_rescaled_backward():
    layer = RECIPES[TRAINING_DROPOUT].make()
    assert isinstance(layer, nn.Dropout) and layer.train  # the mask is really applied
    x = np.random.default_rng(0).uniform(-2, 2, (5, 4))
    report = check_module(layer, x, keep_jacobians=True)
    assert report.ok, str(report)
    # y = x ⊙ m with mᵢ ∈ {0, 1/(1 − p)} = {0, 2}: the Jacobian is diag(m), and this one has both.
    jacobian = report["input"].analytic
    mask = np.diag(jacobian)
    assert np.array_equal(jacobian, np.diag(mask))
    assert set(mask) == {0.0, 2.0}
    np.testing.assert_allclose(report["input"].numeric, jacobian, atol=1e-9)
    assert np.array_equal(layer.forward(x), x * mask.reshape(x.shape))


class UnscaledDropout(ReseededDropout):
    """Backward forgets the 1/(1 − p): multiplies by the 0/1 keep pattern only."""

    def update_grad_input(self, input, grad_output):
        super().update_grad_input(input, grad_output)
        return grad_output * (self.grad_input != 0)


def test_training_dropout_recipe_catches_a_forgotten_rescale():
    x = np.random.default_rng(0).uniform(-2, 2, (5, 4))
    report = check_module(UnscaledDropout(0.5), x)
    assert report["input"].diagnosis.startswith("off by a constant factor 0.5 "), str(report)
    # With .evaluate(), the recipe Dropout had before, the same bug goes unseen.
    assert check_module(UnscaledDropout(0.5).evaluate(), x).ok


def test_reseeding_leaves_the_callers_generator_alone():
    minitorch_l2.manual_seed(11)
    expected = minitorch_l2.generator().uniform(size=3)
    minitorch_l2.manual_seed(11)
    RECIPES[TRAINING_DROPOUT].check(np.random.default_rng(0))
    assert np.array_equal(minitorch_l2.generator().uniform(size=3), expected)


def test_the_seeded_block_draws_its_seed_and_restores_the_generator_even_on_error():
    from minitorch_l2._random import seeded

    minitorch_l2.manual_seed(11)
    expected = minitorch_l2.generator().uniform(size=3)
    minitorch_l2.manual_seed(11)
    with seeded(4) as inside:
        assert inside is minitorch_l2.generator()
        assert np.array_equal(inside.uniform(size=2), np.random.default_rng(4).uniform(size=2))
    with pytest.raises(KeyError), seeded(5):
        raise KeyError("inside")
    assert np.array_equal(minitorch_l2.generator().uniform(size=3), expected)


def test_the_spatial_dropout_recipe_uses_one_mask_per_plane_every_forward():
    layer = RECIPES["SpatialDropout, training, fixed mask"].make()
    assert layer.train
    x = np.random.default_rng(0).uniform(0.5, 2, (2, 4, 2, 2))
    first = layer.forward(x).copy()
    assert np.array_equal(layer.forward(x), first)
    kept = (first != 0).reshape(2, 4, -1)
    assert np.all(kept.all(axis=2) | ~kept.any(axis=2))  # whole planes dropped
    assert kept.any() and not kept.all()


# ---------------------------------------------------------------- the table in the docs
def table_rows(text: str) -> list[tuple[str, str, str]]:
    """(module, tensors checked, result) of each row of a CLI table; the errors are left out."""
    lines = text.strip().splitlines()
    assert lines[0].split() == ["module", "tensors", "checked", "max", "abs", "error", "result"]
    rows = []
    for line in lines[1:]:
        if not line.strip() or line.strip() == "...":
            break
        module, tensors, _, result = re.split(r"\s{2,}", line.strip())
        rows.append((module, tensors, result))
    return rows


def test_the_cli_table_in_the_docs_matches_a_real_run(capsys):
    docs = (ROOT / "docs" / "gradcheck.md").read_text(encoding="utf-8")
    shown = next(
        block
        for block in re.findall(r"^```text\n(.*?)^```", docs, re.MULTILINE | re.DOTALL)
        if block.startswith("module ")
    )
    assert main(["--seed", "0"]) == 0
    run = capsys.readouterr().out
    shown_rows = table_rows(shown)
    assert shown_rows == table_rows(run)[: len(shown_rows)]  # the docs show the first rows
    assert shown.strip().splitlines()[-1] == run.strip().splitlines()[-1]  # "N of N passed"


# ---------------------------------------------------------------- the user's own layer
USER_PACKAGE = '''
import numpy as np
from minitorch_l2 import nn


class PReLU(nn.Module):
    """y = x where x > 0, a x elsewhere, one slope per feature."""

    def __init__(self, size, slope=0.25):
        super().__init__()
        self.weight = np.full(size, float(slope))
        self.grad_weight = np.zeros(size)
        self.bias = None

    def update_output(self, input):
        self.output = np.where(input > 0, input, self.weight * input)
        return self.output

    def update_grad_input(self, input, grad_output):
        self.grad_input = np.where(input > 0, grad_output, self.weight * grad_output)
        return self.grad_input

    def acc_grad_parameters(self, input, grad_output, scale=1.0):
        self.grad_weight += scale * np.sum(np.where(input > 0, 0, input * grad_output), axis=0)


class MasklessPReLU(PReLU):
    def update_grad_input(self, input, grad_output):
        return self.weight * grad_output


class Pair(nn.Module):
    takes_table = True

    def update_output(self, input):
        self.output = input[0] * input[1]
        return self.output

    def update_grad_input(self, input, grad_output):
        self.grad_input = [grad_output * input[1], grad_output * input[0]]
        return self.grad_input


class Pick(nn.Criterion):
    def update_output(self, input, target):
        return float(-input[np.arange(len(target)), target].sum())

    def update_grad_input(self, input, target):
        grad = np.zeros_like(input)
        grad[np.arange(len(target)), target] = -2.0  # planted: -1 is right
        return grad
'''


@pytest.fixture
def user_package(tmp_path):
    package = tmp_path / "mypkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "layers.py").write_text(USER_PACKAGE)
    return tmp_path


def run_user_cli(folder, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(folder), str(ROOT)]))
    return subprocess.run(
        [sys.executable, "-m", "minitorch_l2.gradcheck", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=folder,
        timeout=120,
    )


def test_cli_checks_a_user_layer_from_its_package(user_package):
    result = run_user_cli(
        user_package, "mypkg.layers:PReLU", "--args", "3", "--input-shape", "4,3", "--seed", "2"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    rows = table_rows(result.stdout)
    assert rows == [("mypkg.layers:PReLU(3)", "input, weight", "pass")]
    assert "gradcheck mypkg.layers:PReLU: ok" in result.stdout  # the user's class, qualified
    assert "1 of 1 passed" in result.stdout


def test_cli_fails_a_buggy_user_layer_with_the_report(user_package):
    result = run_user_cli(
        user_package,
        "mypkg.layers:MasklessPReLU",
        "--args",
        "3",
        "--kwargs",
        "slope=0.5",
        "--input-shape",
        "4,3",
        "--dtype",
        "float32",
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert table_rows(result.stdout)[0][2] == "FAIL"
    assert "where: every failing element has input > 0" in result.stdout
    assert "checked a float64 clone" in result.stdout  # --dtype float32 was honoured


def test_cli_takes_table_inputs_and_criteria_with_targets(user_package):
    pair = run_user_cli(
        user_package, "mypkg.layers:Pair", "--input-shape", "3,2", "--input-shape", "3,2"
    )
    assert pair.returncode == 0, pair.stdout + pair.stderr
    assert table_rows(pair.stdout)[0][1] == "input[0], input[1]"
    pick = run_user_cli(
        user_package, "mypkg.layers:Pick", "--input-shape", "5,4", "--target", "5:labels=4"
    )
    assert pick.returncode == 1, pick.stdout + pick.stderr
    assert "off by a constant factor 2 " in pick.stdout
    nested = run_user_cli(
        user_package, "mypkg.layers:Pair", "--input-shape", "[(3, 2), (3, 2)]", "--mode", "fast"
    )
    assert nested.returncode == 0, nested.stdout + nested.stderr
    assert "fast mode" in nested.stdout


def test_cli_usage_errors_exit_2_with_a_clear_message(user_package):
    missing = run_user_cli(user_package, "mypkg.nowhere:PReLU", "--input-shape", "4,3")
    assert missing.returncode == 2 and "cannot import 'mypkg.nowhere'" in missing.stderr
    unknown = run_user_cli(user_package, "mypkg.layers:Nope", "--input-shape", "4,3")
    assert unknown.returncode == 2 and "has no 'Nope'" in unknown.stderr
    no_shape = run_user_cli(user_package, "mypkg.layers:PReLU", "--args", "3")
    assert no_shape.returncode == 2 and "--input-shape 4,3" in no_shape.stderr
    bad_target = run_user_cli(
        user_package, "mypkg.layers:Pick", "--input-shape", "5,4", "--target", "5:oops"
    )
    assert bad_target.returncode == 2 and "--target: expected SHAPE" in bad_target.stderr


def test_a_criterion_without_a_target_is_a_usage_error(user_package):
    result = run_user_cli(user_package, "mypkg.layers:Pick", "--input-shape", "5,4")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "mypkg.layers:Pick() is a criterion: give its target too" in result.stderr


def test_a_constructor_error_is_a_usage_error_with_its_message(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["minitorch_l2.nn:LookupTable", "--input-shape", "4,3:ints=10"])
    assert stopped.value.code == 2
    error = capsys.readouterr().err
    assert "minitorch_l2.nn:LookupTable(): the constructor raised TypeError" in error
    assert "missing 2 required positional arguments: 'n_index' and 'n_output'" in error
    with pytest.raises(SystemExit) as stopped:
        main(["minitorch_l2.nn:Linear", "--args", "0", "2", "--input-shape", "4,3"])
    assert stopped.value.code == 2
    assert "the constructor raised ValueError: nn.Linear: input_size" in capsys.readouterr().err


def test_the_report_names_a_users_class_by_module_and_name():
    from minitorch_l2._jacobian import subject_name

    class Wide(nn.Linear):
        pass

    class Plain(nn.Module):
        pass

    class Shown(nn.Module):
        def __tostring__(self):
            return "nn.Shown(3)"

    here = __name__
    assert subject_name(Wide(4, 3)) == f"{here}:{Wide.__qualname__} [nn.Linear(4 -> 3)]"
    assert subject_name(Plain()) == f"{here}:{Plain.__qualname__}"
    assert subject_name(Shown()) == f"{here}:{Shown.__qualname__}(3)"
    assert subject_name(nn.Linear(4, 3)) == "nn.Linear(4 -> 3)"  # the library's own, as Lua


# ---------------------------------------------------------------- integer inputs
def test_cli_holds_integer_indices_fixed(capsys):
    args = ["--input-shape", "4,3:ints=10", "--seed", "1"]
    assert main(["minitorch_l2.nn:LookupTable", "--args", "10", "3", *args]) == 0
    out = capsys.readouterr().out
    assert table_rows(out) == [("minitorch_l2.nn:LookupTable(10, 3)", "weight", "pass")]
    assert "input (int64) held fixed" in " ".join(out.split())
    table = ["--input-shape", "[(4, 3), '5:ints=4']"]
    assert main(["minitorch_l2.nn:Index", "--args", "0", *table]) == 0
    assert table_rows(capsys.readouterr().out)[0][1:] == ("input[0]", "pass")
    repeated = ["--input-shape", "4,3", "--input-shape", "5:ints=4"]
    assert main(["minitorch_l2.nn:Index", "--args", "0", *repeated]) == 0
    capsys.readouterr()
    for bad in ("4,3:ints=0", "4,3:ints=x", "4,3:floats=2"):
        with pytest.raises(SystemExit) as stopped:
            main(["minitorch_l2.nn:LookupTable", "--args", "10", "3", "--input-shape", bad])
        assert stopped.value.code == 2
        assert "--input-shape" in capsys.readouterr().err
