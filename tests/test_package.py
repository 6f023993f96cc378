"""The package's front door: top-level names and the README's Quick start as CI reads it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

import minitorch_l2
from minitorch_l2 import nn

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", ["Module", "Sequential", "Linear", "L2Normalize"])
def test_core_classes_are_re_exported_at_top_level(name):
    assert getattr(minitorch_l2, name) is getattr(nn, name)
    assert name in minitorch_l2.__all__


def quick_start_awk() -> str:
    """The awk program .ci/run uses to cut the Quick start block out of README.md."""
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    match = re.search(r"awk '([^']*)' README\.md", script)
    assert match, ".ci/run no longer extracts the Quick start with awk"
    return match.group(1)


@pytest.mark.skipif(shutil.which("awk") is None, reason="awk is not installed")
def test_ci_extracts_the_two_line_quick_start_from_the_readme():
    result = subprocess.run(
        ["awk", quick_start_awk(), "README.md"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = result.stdout.splitlines()
    # The spec: exactly two lines, the main job first, the whole test suite second.
    assert len(lines) == 2, lines
    assert "examples/" in lines[0] and "pip install" in lines[0]
    assert "pytest" in lines[1] and "pip install" in lines[1]


def test_readme_quick_start_block_is_exactly_two_lines():
    # Independent of awk: the first fenced block after the Quick start heading.
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Quick start") :]
    block = re.search(r"^```[^\n]*\n(.*?)^```", section, re.MULTILINE | re.DOTALL)
    assert block is not None
    assert len(block.group(1).splitlines()) == 2
