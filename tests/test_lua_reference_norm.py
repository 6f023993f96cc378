"""LookupTable, Normalize, (Spatial)BatchNormalization and the criteria of issue 13 against Lua.

Every case of these classes in ``../shared/lua-reference/modules/`` and ``criteria/`` (skipped
without the folder). The manifest's Lua constructor is translated next to each name, by the
0-based rule: Lua's 1-based indices and class targets become ``lua - 1`` (a label row's
terminating 0 becomes −1), through ``lua_target_to_zero_based``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from minitorch_l2 import nn

from . import lua_reference as ref
from .test_lua_reference_core import CRITERIA as CORE_CRITERIA
from .test_table_criteria import CRITERIA as TABLE_CRITERIA

MODULES = {
    # name: (Lua's constructor, ours, indices input)
    "LookupTable_batch": ("nn.LookupTable(10, 4)", lambda: nn.LookupTable(10, 4), True),
    "LookupTable_nobatch_repeat": ("nn.LookupTable(10, 4)", lambda: nn.LookupTable(10, 4), True),
    "Normalize_p1_batch": ("nn.Normalize(1)", lambda: nn.Normalize(1), False),
    "Normalize_p1_nobatch": ("nn.Normalize(1)", lambda: nn.Normalize(1), False),
    "Normalize_p2_batch": ("nn.Normalize(2)", lambda: nn.Normalize(2), False),
    "Normalize_p2_nobatch": ("nn.Normalize(2)", lambda: nn.Normalize(2), False),
    "Normalize_inf_batch": ("nn.Normalize(math.huge)", lambda: nn.Normalize(math.inf), False),
    "Normalize_inf_nobatch": ("nn.Normalize(math.huge)", lambda: nn.Normalize(math.inf), False),
    "BatchNormalization_training": (
        "nn.BatchNormalization(4)",
        lambda: nn.BatchNormalization(4),
        False,
    ),
    "BatchNormalization_evaluate": (
        "nn.BatchNormalization(4)",
        lambda: nn.BatchNormalization(4),
        False,
    ),
    "SpatialBatchNormalization_training": (
        "nn.SpatialBatchNormalization(3)",
        lambda: nn.SpatialBatchNormalization(3),
        False,
    ),
    "SpatialBatchNormalization_evaluate": (
        "nn.SpatialBatchNormalization(3)",
        lambda: nn.SpatialBatchNormalization(3),
        False,
    ),
}


def test_every_case_of_these_modules_is_covered():
    ref.require()
    pattern = r"(LookupTable|Normalize|BatchNormalization|SpatialBatchNormalization)_.*"
    assert set(ref.case_names("modules", pattern)) == set(MODULES)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_matches_lua(name):
    lua, make, indices = MODULES[name]
    entry = ref.case("modules", name)
    assert entry["lua"] == lua  # the constructor translated above
    module = make()
    flat = ref.arrays("modules", name)
    input = ref.lua_target_to_zero_based(flat["input"]) if indices else None
    ref.run_module_case(module, name, input=input)
    assert entry["class"] == f"nn.{type(module).__name__}"
    assert repr(module) == entry["lua_tostring"]


def _class(target):
    # Lua's 1-based class (a number or a tensor of them) as 0-based: a number stays a number.
    if np.ndim(target) == 0:
        return int(target) - 1
    return ref.lua_target_to_zero_based(target)


def _number(target):
    return float(target)  # Lua's number target (a 0-d array in the npz) as a Python float


W4 = np.array([0.5, 1.0, 2.0, 1.5])
CRITERIA = {
    # name: (Lua's constructor and setup, ours, target translation)
    "AbsCriterion": ("nn.AbsCriterion()", nn.AbsCriterion, None),
    "AbsCriterion_sum": ("nn.AbsCriterion(false)", lambda: nn.AbsCriterion(False), None),
    "BCECriterion": ("nn.BCECriterion()", nn.BCECriterion, None),
    "BCECriterion_1d": ("nn.BCECriterion()", nn.BCECriterion, None),
    "BCECriterion_sum": (
        "nn.BCECriterion(nil, false)",
        lambda: nn.BCECriterion(None, False),
        None,
    ),
    "BCECriterion_weights": (
        "nn.BCECriterion(torch.Tensor({0.5, 1, 2, 1.5}))",
        lambda: nn.BCECriterion(W4),
        None,
    ),
    "ClassNLLCriterion_double_target": ("nn.ClassNLLCriterion()", nn.ClassNLLCriterion, _class),
    "ClassNLLCriterion_nobatch": ("nn.ClassNLLCriterion()", nn.ClassNLLCriterion, _class),
    "ClassNLLCriterion_weights": (
        "nn.ClassNLLCriterion(torch.Tensor({1, 2, 0.5, 1, 3}))",
        lambda: nn.ClassNLLCriterion(np.array([1, 2, 0.5, 1, 3])),
        _class,
    ),
    "CrossEntropyCriterion_nobatch": (
        "nn.CrossEntropyCriterion()",
        nn.CrossEntropyCriterion,
        _class,
    ),
    "CrossEntropyCriterion_weights": (
        "nn.CrossEntropyCriterion(torch.Tensor({1, 2, 0.5, 1, 3}))",
        lambda: nn.CrossEntropyCriterion(np.array([1, 2, 0.5, 1, 3])),
        _class,
    ),
    "DistKLDivCriterion": ("nn.DistKLDivCriterion()", nn.DistKLDivCriterion, None),
    "DistKLDivCriterion_sum": (
        "nn.DistKLDivCriterion() | c.sizeAverage = false",
        lambda: nn.DistKLDivCriterion(size_average=False),
        None,
    ),
    "HingeEmbeddingCriterion": (
        "nn.HingeEmbeddingCriterion(1)",
        lambda: nn.HingeEmbeddingCriterion(1),
        None,
    ),
    "HingeEmbeddingCriterion_sum": (
        "nn.HingeEmbeddingCriterion(1.5) | c.sizeAverage = false",
        lambda: nn.HingeEmbeddingCriterion(1.5, size_average=False),
        None,
    ),
    "L1HingeEmbeddingCriterion_neg": (
        "nn.L1HingeEmbeddingCriterion(10)",
        lambda: nn.L1HingeEmbeddingCriterion(10),
        _number,
    ),
    "L1HingeEmbeddingCriterion_pos": (
        "nn.L1HingeEmbeddingCriterion(2)",
        lambda: nn.L1HingeEmbeddingCriterion(2),
        _number,
    ),
    "MSECriterion_1d": ("nn.MSECriterion()", nn.MSECriterion, None),
    "MarginCriterion": ("nn.MarginCriterion()", nn.MarginCriterion, None),
    "MarginCriterion_margin_sum": (
        "nn.MarginCriterion(0.5) | c.sizeAverage = false",
        lambda: nn.MarginCriterion(0.5, size_average=False),
        None,
    ),
    "MultiLabelMarginCriterion": (
        "nn.MultiLabelMarginCriterion()",
        nn.MultiLabelMarginCriterion,
        _class,
    ),
    "MultiLabelMarginCriterion_nobatch": (
        "nn.MultiLabelMarginCriterion()",
        nn.MultiLabelMarginCriterion,
        _class,
    ),
    "MultiLabelMarginCriterion_sum": (
        "nn.MultiLabelMarginCriterion() | c.sizeAverage = false",
        lambda: nn.MultiLabelMarginCriterion(size_average=False),
        _class,
    ),
    "MultiLabelSoftMarginCriterion": (
        "nn.MultiLabelSoftMarginCriterion()",
        nn.MultiLabelSoftMarginCriterion,
        None,
    ),
    "MultiLabelSoftMarginCriterion_weights": (
        "nn.MultiLabelSoftMarginCriterion(torch.Tensor{1, 2, 0.5, 1})",
        lambda: nn.MultiLabelSoftMarginCriterion(np.array([1, 2, 0.5, 1])),
        None,
    ),
    "MultiMarginCriterion": ("nn.MultiMarginCriterion()", nn.MultiMarginCriterion, _class),
    "MultiMarginCriterion_nobatch": (
        "nn.MultiMarginCriterion()",
        nn.MultiMarginCriterion,
        _class,
    ),
    "MultiMarginCriterion_sum": (
        "nn.MultiMarginCriterion() | c.sizeAverage = false",
        lambda: nn.MultiMarginCriterion(size_average=False),
        _class,
    ),
    "SmoothL1Criterion": ("nn.SmoothL1Criterion()", nn.SmoothL1Criterion, None),
    "SmoothL1Criterion_sum": (
        "nn.SmoothL1Criterion(false)",
        lambda: nn.SmoothL1Criterion(False),
        None,
    ),
    "SoftMarginCriterion": ("nn.SoftMarginCriterion()", nn.SoftMarginCriterion, None),
    "SoftMarginCriterion_sum": (
        "nn.SoftMarginCriterion() | c.sizeAverage = false",
        lambda: nn.SoftMarginCriterion(size_average=False),
        None,
    ),
}
#: The cases the other files run, read from their own tables so this list cannot drift.
ELSEWHERE = set(CORE_CRITERIA) | set(TABLE_CRITERIA)


def test_every_criterion_case_is_covered_here_or_elsewhere():
    ref.require()
    assert set(ref.case_names("criteria")) == set(CRITERIA) | ELSEWHERE


@pytest.mark.parametrize("name", sorted(CRITERIA))
def test_criterion_matches_lua(name):
    lua, make, translate = CRITERIA[name]
    entry = ref.case("criteria", name)
    setup = f" | {entry['setup']}" if entry.get("setup") else ""
    assert entry["lua"] + setup == lua  # the constructor (and setup) translated above
    flat = ref.arrays("criteria", name)
    target = ref.table(flat, "target")
    ref.run_criterion_case(make(), name, target=None if translate is None else translate(target))


def test_openface_style_embedding_model_matches_lua():
    # models/embed: Linear(10, 8) → ReLU → Linear(8, 4) → Normalize(2), rebuilt from its Lua code.
    entry = ref.case("models", "embed")
    assert "model:add(nn.Normalize(2))" in entry["lua"]
    model = nn.Sequential(nn.Linear(10, 8), nn.ReLU(), nn.Linear(8, 4), nn.Normalize(2))
    flat = ref.arrays("models", "embed")
    params, grads = model.parameters()
    for index, param in enumerate(params, start=1):  # Lua's parameters() order
        param[...] = flat[f"param/{index}"]
    output = model.forward(flat["input"])
    ref.assert_close(output, flat["output"], "embed: output")
    model.zero_grad_parameters()
    grad_input = model.backward(flat["input"], flat["gradOutput"])
    ref.assert_close(grad_input, flat["gradInput"], "embed: grad_input")
    for index, grad in enumerate(grads, start=1):
        ref.assert_close(grad, flat[f"grad/{index}"], f"embed: grad/{index}")
