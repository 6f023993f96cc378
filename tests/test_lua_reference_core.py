"""The core layers against real Lua Torch 7 (``../shared/lua-reference/``; skipped without it).

Each case is Lua's constructor from the manifest, translated by the 0-based rule; the
procedure and comparisons are those of ``tests/lua_reference.py``.
"""

from __future__ import annotations

import pytest

from minitorch_l2 import nn

from . import lua_reference as ref

MODULES = {
    "Linear_batch": lambda: nn.Linear(4, 3),
    "Linear_nobatch": lambda: nn.Linear(4, 3),
    "Linear_nobias_batch": lambda: nn.Linear(4, 3, bias=False),
    "Linear_nobias_nobatch": lambda: nn.Linear(4, 3, bias=False),
    "Tanh": nn.Tanh,
    "Sigmoid": nn.Sigmoid,
    "ReLU": nn.ReLU,
    "Identity": nn.Identity,
    "SoftMax_batch": nn.SoftMax,
    "SoftMax_nobatch": nn.SoftMax,
    "LogSoftMax_batch": nn.LogSoftMax,
    "LogSoftMax_nobatch": nn.LogSoftMax,
    "Dropout_evaluate": lambda: nn.Dropout(0.5),
    "Sequential_mlp": lambda: nn.Sequential(
        nn.Linear(4, 5), nn.Tanh(), nn.Linear(5, 3), nn.LogSoftMax()
    ),
}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_matches_lua(name):
    entry = ref.case("modules", name)
    module = MODULES[name]()
    ref.run_module_case(module, name)
    assert entry["class"] == f"nn.{type(module).__name__}"


def test_the_translations_follow_the_manifest():
    # The Lua constructor each case was made with, so a wrong translation is visible here.
    lua = {name: ref.case("modules", name)["lua"] for name in MODULES}
    assert lua["Linear_nobias_batch"].replace(" ", "") == "nn.Linear(4,3,false)"
    assert lua["Sequential_mlp"].replace(" ", "") == (
        "nn.Sequential():add(nn.Linear(4,5)):add(nn.Tanh()):add(nn.Linear(5,3)):add(nn.LogSoftMax())"
    )


CRITERIA = {
    "MSECriterion": (nn.MSECriterion, False),
    "MSECriterion_sum": (lambda: nn.MSECriterion(size_average=False), False),
    "ClassNLLCriterion": (nn.ClassNLLCriterion, True),
    "ClassNLLCriterion_sum": (lambda: nn.ClassNLLCriterion(size_average=False), True),
    "CrossEntropyCriterion": (nn.CrossEntropyCriterion, True),
    "CrossEntropyCriterion_sum": (lambda: nn.CrossEntropyCriterion(size_average=False), True),
    "CosineEmbeddingCriterion": (lambda: nn.CosineEmbeddingCriterion(0.2), False),
    # nn.CosineEmbeddingCriterion(0.2) | c.sizeAverage = false
    "CosineEmbeddingCriterion_sum": (
        lambda: nn.CosineEmbeddingCriterion(0.2, size_average=False),
        False,
    ),
}


@pytest.mark.parametrize("name", sorted(CRITERIA))
def test_criterion_matches_lua(name):
    make, class_target = CRITERIA[name]
    flat = ref.arrays("criteria", name)
    target = ref.table(flat, "target")
    if class_target:
        target = ref.lua_target_to_zero_based(target)
    ref.run_criterion_case(make(), name, target=target)
