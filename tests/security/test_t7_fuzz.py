"""Threat: a damaged or garbled ``.t7`` (a truncated download, flipped bits, random bytes).

A ``.t7`` has no checksum, so a damaged file can still be a valid file holding other numbers; the
contract is that ``load`` gives one of two outcomes, never a third: a ValueError naming ``load``
and the file, or a value that passed every check a clean file passes. No other exception, no
crash, no hang. The files are real Lua ones (a binary model, its ASCII twin, a record, corner
cases; for random edits also the nngraph LSTM, the residual block, the siamese pair and the
flattened model), fuzzed as the ``.npz`` loader is in tests/test_serialization.py.
"""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import minitorch_l2

from .. import lua_reference as ref

FILES = {
    "mlp": "models/mlp.t7",
    "mlp_ascii": "models/mlp_ascii.t7",
    "record": "criteria/CrossEntropyCriterion_weights.t7",
    "tds_hash": "torchfile-tests/tds_hash.t7",
    "function_upvals": "torchfile-tests/function_upvals.t7",
    "recursive_kv_table": "torchfile-tests/recursive_kv_table.t7",
}
#: Larger models, whose readers (nngraph's web, BatchNormalization, convolutions, shared
#: weights) only random edits reach: every prefix of them would take too long.
MODELS = {
    "lstm": "models/lstm.t7",
    "resblock": "models/resblock.t7",
    "siamese": "models/siamese.t7",
    "flat": "models/flat.t7",
}


def original(name: str) -> bytes:
    path = ref.REFERENCE / (FILES | MODELS)[name]
    if not path.is_file():
        pytest.skip(f"Lua reference file {path} not found")
    return path.read_bytes()


def outcome(data: bytes) -> str:
    """'refused' or 'loaded'; any other exception fails the test."""
    try:
        minitorch_l2.load(io.BytesIO(data), unknown_classes="keep")
    except ValueError as error:
        assert str(error).startswith("minitorch_l2.load: cannot load '<file object>': ")
        return "refused"
    return "loaded"


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_prefix_is_refused_or_loads(name):
    data = original(name)
    assert outcome(data) == "loaded"
    # Every cut in the last 300 bytes and in the first 300, every 3rd one between.
    cuts = {
        *range(0, len(data), 3),
        *range(min(300, len(data))),
        *range(len(data) - 300, len(data)),
    }
    results = [outcome(data[:cut]) for cut in sorted(cut for cut in cuts if cut >= 0)]
    if name != "mlp_ascii":
        assert set(results) == {"refused"}  # binary: a cut file always misses bytes it needs
    else:
        # ASCII: a cut inside the last number still reads as a (shorter) number, as in Lua
        assert results.count("refused") > len(results) - 10


@pytest.mark.parametrize("name", ["mlp", "mlp_ascii", "record"])
def test_every_byte_changed_is_refused_or_loads(name):
    data = original(name)
    counts = {"refused": 0, "loaded": 0}
    for position in range(0, len(data), 2):
        damaged = bytearray(data)
        damaged[position] ^= 0xFF
        counts[outcome(bytes(damaged))] += 1
    # Both happen: structure bytes are refused, a changed weight is just another weight.
    assert counts["refused"] > 0 and counts["loaded"] > 0, counts


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(FILES | MODELS)),
    edits=st.lists(
        st.tuples(
            st.floats(0, 1),
            st.sampled_from(["replace", "insert", "delete"]),
            st.binary(min_size=1, max_size=8),
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_random_edits_are_refused_or_load(name, edits):
    data = bytearray(original(name))
    for where, action, chunk in edits:
        at = int(where * len(data))
        if action == "replace":
            data[at : at + len(chunk)] = chunk
        elif action == "insert":
            data[at:at] = chunk
        else:
            del data[at : at + len(chunk)]
    outcome(bytes(data))


@settings(max_examples=300, deadline=None)
@given(
    tag=st.integers(0, 8),
    rest=st.binary(max_size=200),
    ascii=st.booleans(),
)
def test_random_bytes_after_a_valid_tag_are_refused_or_load(tag, rest, ascii):
    start = f"{tag}\n".encode() if ascii else tag.to_bytes(4, "little")
    outcome(start + rest)
