"""Shared fixtures: a fixed seed for every test, and the optional PyTorch oracle."""

from __future__ import annotations

import pytest

import minitorch_l2


@pytest.fixture(autouse=True)
def _seeded() -> None:
    minitorch_l2.manual_seed(1234)


@pytest.fixture
def torch():
    """PyTorch as an independent oracle; the test is skipped with a reason when it is missing."""
    return pytest.importorskip("torch", reason="PyTorch not installed: oracle test skipped")
