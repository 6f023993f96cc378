"""The convolution family against real Lua Torch 7 (``../shared/lua-reference/``, else skipped).

Each case is Lua's constructor from the manifest, translated by the 0-based rule (none of these
take an index or a dimension, so the arguments are Lua's own); the procedure and comparisons
are those of ``tests/lua_reference.py``: output, grad_input, weight and bias gradients to 1e-12.
"""

from __future__ import annotations

import itertools
import re

import numpy as np
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
    "SpatialFullConvolution": lambda: nn.SpatialFullConvolution(3, 2, 3, 3, 2, 2, 1, 1, 1, 1),
    "SpatialFullConvolution_nobatch": lambda: nn.SpatialFullConvolution(2, 3, 3, 3),
    "SpatialAdaptiveMaxPooling": lambda: nn.SpatialAdaptiveMaxPooling(2, 3),
    "SpatialDropout_evaluate": lambda: nn.SpatialDropout(0.5),
    "SpatialZeroPadding": lambda: nn.SpatialZeroPadding(1, 2, 0, 1),
    "SpatialReflectionPadding": lambda: nn.SpatialReflectionPadding(1, 2, 2, 1),
    "SpatialReplicationPadding": lambda: nn.SpatialReplicationPadding(2, 1, 1, 2),
    "SpatialUpSamplingNearest": lambda: nn.SpatialUpSamplingNearest(2),
    "SpatialCrossMapLRN": lambda: nn.SpatialCrossMapLRN(3, 1, 0.75, 2),
    # Lua's torch.ones(3, 3) kernel
    "SpatialSubtractiveNormalization": lambda: nn.SpatialSubtractiveNormalization(
        2, np.ones((3, 3))
    ),
}

#: Every reference case of the family but SpatialBatchNormalization (another family's).
COVERED = r"(?!SpatialBatchNormalization)(Spatial|Temporal|Volumetric)\w+"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_matches_lua(name):
    entry = ref.case("modules", name)
    module = MODULES[name]()
    ref.run_module_case(module, name)
    assert entry["class"] == f"nn.{type(module).__name__}"


SETTINGS = {
    "SpatialConvolution": "n_input_plane n_output_plane k_w k_h d_w d_h pad_w pad_h",
    "SpatialConvolutionMM": "n_input_plane n_output_plane k_w k_h d_w d_h pad_w pad_h",
    "SpatialFullConvolution": "n_input_plane n_output_plane k_w k_h d_w d_h pad_w pad_h adj_w "
    "adj_h",
    "SpatialMaxPooling": "k_w k_h d_w d_h pad_w pad_h",
    "SpatialAveragePooling": "k_w k_h d_w d_h pad_w pad_h",
    "SpatialAdaptiveMaxPooling": "w h",
    "SpatialDropout": "p",
    "SpatialZeroPadding": "pad_l pad_r pad_t pad_b",
    "SpatialReflectionPadding": "pad_l pad_r pad_t pad_b",
    "SpatialReplicationPadding": "pad_l pad_r pad_t pad_b",
    "SpatialUpSamplingNearest": "scale_factor",
    "SpatialCrossMapLRN": "size alpha beta k",
    "SpatialSubtractiveNormalization": "n_input_plane",
    "TemporalConvolution": "input_frame_size output_frame_size k_w d_w",
    "TemporalMaxPooling": "k_w d_w",
}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_constructor_is_the_manifests(name):
    # The Python call spelled like Lua's: a mistyped translation shows up here.
    lua = ref.case("modules", name)["lua"].replace(" ", "")
    module = MODULES[name]()
    arguments = re.match(r"nn\.\w+\(([^)]*)\)", lua).group(1).split(",")
    ours = [getattr(module, s) for s in SETTINGS[type(module).__name__].split()]
    numbers = list(itertools.takewhile(lambda a: re.fullmatch(r"[-\d.]+", a), arguments))
    assert [float(v) for v in ours[: len(numbers)]] == [float(a) for a in numbers]
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
