"""The output shown in docs/gradcheck.md is the output the code prints.

A ```text block right after a ```python block that prints is that block's output: the page's
blocks run in order in one namespace (named ``__main__``, as a script's: the report names a
class defined there ``__main__:Gate``), each block's standard output is captured, and it must
equal the text block. One part is volatile and documented as such — the errors that are
rounding noise (``1.98e-10``) may differ in their digits on another machine's BLAS — so every
number below 1e-6 is read as "≈0" on both sides, and runs of spaces (the padding of a column
whose width such a number decides) as one space. Everything else must match exactly.
"""

from __future__ import annotations

import contextlib
import io
import re

import pytest

from .test_docs import ROOT, fences

PAGES = [ROOT / "docs" / "gradcheck.md"]
NOISE = re.compile(r"\b\d(?:\.\d+)?e-(?:0[7-9]|[1-9]\d)\b")


def normalised(text: str) -> str:
    """Noise-level numbers as ≈0, runs of spaces as one, no trailing blank lines."""
    lines = [re.sub(r" {2,}", " ", NOISE.sub("≈0", line)).rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n")


def printed_and_shown(path) -> list[tuple[int, str, str | None]]:
    """(line, printed, shown) for every python block of ``path`` that prints: what it printed,
    and the ```text block right after it (None when there is none)."""
    found = fences(path.read_text(encoding="utf-8"))
    namespace: dict[str, object] = {"__name__": "__main__"}
    results = []
    for index, fence in enumerate(found):
        if fence.tag != "python":
            continue
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(fence.body, f"{path.name}:{fence.line + 1}", "exec"), namespace)
        if out.getvalue():
            after = found[index + 1] if index + 1 < len(found) else None
            shown = after.body if after is not None and after.tag == "text" else None
            results.append((fence.line, out.getvalue(), shown))
    return results


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_printed_output_is_the_text_block_after_it(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    results = printed_and_shown(path)
    assert results, f"{path.name}: no printing block found"
    for line, printed, shown in results:
        assert shown is not None, f"{path.name}:{line}: prints, but no ```text block follows"
        assert normalised(shown) == normalised(printed), (
            f"{path.name}:{line}: the ```text block after it is not what it prints:\n{printed}"
        )


def test_the_comparison_ignores_noise_only():
    shown = "max abs error 1.98e-10  (4, 3)  8.33e-11       0/96     ok"
    assert normalised(shown) == normalised("max abs error 2e-10  (4, 3)  1.1e-11 0/96 ok")
    assert normalised(shown) != normalised("max abs error 1.98e-10  (4, 3)  8.33e-11  0/96  FAIL")
    assert normalised("error 0.25") != normalised("error 0.26")  # a real number is compared
    assert normalised("1.5e-06") != normalised("2e-06")  # above the noise level too
