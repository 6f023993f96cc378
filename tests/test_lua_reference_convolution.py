"""The convolution family against real Lua Torch 7 (``../shared/lua-reference/``, else skipped).

Each case is Lua's constructor from the manifest, translated by the 0-based rule (none of these
take an index or a dimension, so the arguments are Lua's own); the procedure and comparisons
are those of ``tests/lua_reference.py``: output, grad_input, weight and bias gradients to 1e-12.
"""

from __future__ import annotations

import re

import pytest

from minitorch_l2 import nn

from . import lua_reference as ref

MODULES = {
    "SpatialConvolution_pad1_batch": lambda: nn.SpatialConvolution(3, 4, 3, 3, 1, 1, 1, 1),
    "SpatialConvolution_pad1_nobatch": lambda: nn.SpatialConvolution(3, 4, 3, 3, 1, 1, 1, 1),
    "SpatialConvolution_stride2": lambda: nn.SpatialConvolution(2, 3, 3, 3, 2, 2, 1, 1),
    "SpatialConvolution_valid": lambda: nn.SpatialConvolution(2, 3, 2, 2),
    "SpatialConvolutionMM": lambda: nn.SpatialConvolutionMM(3, 4, 3, 3, 1, 1, 1, 1),
    "SpatialMaxPooling": lambda: nn.SpatialMaxPooling(2, 2, 2, 2),
    "SpatialMaxPooling_ceil": lambda: nn.SpatialMaxPooling(2, 2, 2, 2).ceil(),
    "SpatialMaxPooling_nobatch": lambda: nn.SpatialMaxPooling(2, 2, 2, 2),
    "SpatialMaxPooling_overlap": lambda: nn.SpatialMaxPooling(3, 3, 1, 1),
    "SpatialMaxPooling_pad_ceil": lambda: nn.SpatialMaxPooling(3, 3, 2, 2, 1, 1).ceil(),
    "SpatialAveragePooling": lambda: nn.SpatialAveragePooling(2, 2, 2, 2),
    "SpatialAveragePooling_pad": lambda: nn.SpatialAveragePooling(3, 3, 2, 2, 1, 1),
    "TemporalConvolution_batch": lambda: nn.TemporalConvolution(3, 4, 2, 1),
    "TemporalConvolution_nobatch": lambda: nn.TemporalConvolution(3, 4, 2, 1),
    "TemporalMaxPooling_batch": lambda: nn.TemporalMaxPooling(2, 2),
    "TemporalMaxPooling_nobatch": lambda: nn.TemporalMaxPooling(2, 1),
}

#: Lua's classes this file covers; every reference case of one of them must be in MODULES.
COVERED = r"(Spatial(Convolution|ConvolutionMM|MaxPooling|AveragePooling)|Temporal\w+)(_\w+)?"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_matches_lua(name):
    entry = ref.case("modules", name)
    module = MODULES[name]()
    ref.run_module_case(module, name)
    assert entry["class"] == f"nn.{type(module).__name__}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_constructor_is_the_manifests(name):
    # The Python call spelled like Lua's: a mistyped translation shows up here.
    lua = ref.case("modules", name)["lua"].replace(" ", "")
    module = MODULES[name]()
    settings = {
        "SpatialConvolution": "n_input_plane n_output_plane k_w k_h d_w d_h pad_w pad_h",
        "SpatialConvolutionMM": "n_input_plane n_output_plane k_w k_h d_w d_h pad_w pad_h",
        "SpatialMaxPooling": "k_w k_h d_w d_h pad_w pad_h",
        "SpatialAveragePooling": "k_w k_h d_w d_h pad_w pad_h",
        "TemporalConvolution": "input_frame_size output_frame_size k_w d_w",
        "TemporalMaxPooling": "k_w d_w",
    }[type(module).__name__]
    arguments = re.match(r"nn\.\w+\(([^)]*)\)", lua).group(1).split(",")
    assert [str(getattr(module, s)) for s in settings.split()][: len(arguments)] == arguments
    assert getattr(module, "ceil_mode", False) == (":ceil()" in lua)


def test_every_reference_case_of_these_classes_is_run():
    names = ref.case_names("modules", COVERED)
    if not names:
        pytest.skip("Lua Torch 7 reference outputs not found")
    assert sorted(names) == sorted(MODULES)


def test_printing_matches_lua():
    for name, make in MODULES.items():
        lua = ref.case("modules", name)["lua_tostring"]
        assert repr(make()) == lua, name
