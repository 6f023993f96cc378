"""Every ```python block in README.md and docs/*.md runs here, so the docs stay true.

Blocks of one file run in order in one namespace (a later block may use an earlier one's names),
inside a temporary directory so that examples which write files leave nothing behind.

The collector below only sees ```python fences at the start of a line. So that no Python
escapes it, a second, generic fence parser checks every fence of the docs: its info string is
one of the tags the docs use, it finds as many ``python`` fences as the collector does, and no
fence of another tag holds Python code.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


def python_blocks(path: Path) -> list[tuple[int, str]]:
    """(line number, source) of each ```python block in ``path``."""
    text = path.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start()) + 2, m.group(1)) for m in BLOCK.finditer(text)]


def test_block_collector_finds_blocks(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("text\n```python\nx = 1\n```\n```bash\nls\n```\n```python\ny = x\n```\n")
    assert python_blocks(page) == [(3, "x = 1\n"), (9, "y = x\n")]


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_markdown_python_blocks_run(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": f"doc:{path.name}"}
    for line, source in python_blocks(path):
        code = compile(source, f"{path.relative_to(ROOT)}:{line}", "exec")
        exec(code, namespace)  # a failing block fails with its file and line in the traceback


# ---------------------------------------------------------------------- every fence, any form

# The info strings the docs use: Python that runs, printed output, shell commands.
ALLOWED_TAGS = {"python", "text", "bash"}
# A fence: any indentation (inside a list item too), three or more backticks or tildes.
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)$")

# Python snippets deliberately shown in a non-python fence, as (file, the snippet's first line).
NOT_RUN_PYTHON: set[tuple[str, str]] = set()


class Fence(NamedTuple):
    line: int  # 1-based line of the opening fence
    tag: str  # first word of the info string ("" when there is none)
    body: str


def fences(text: str) -> list[Fence]:
    """Every fenced block of a Markdown text, CommonMark-style: a closing fence is the same
    character, at least as long, with nothing after it; an unclosed fence runs to the end."""
    lines = text.split("\n")
    found, i = [], 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match or (match["fence"][0] == "`" and "`" in match["info"]):
            i += 1
            continue
        fence, indent = match["fence"], len(match["indent"])
        closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        end = i + 1
        while end < len(lines) and not closing.match(lines[end]):
            end += 1
        body = "\n".join(
            line[indent:] if not line[:indent].strip() else line.lstrip()
            for line in lines[i + 1 : end]
        )
        words = match["info"].split()
        found.append(Fence(i + 1, words[0] if words else "", body + "\n" if body else ""))
        i = end + 1
    return found


def looks_like_python(source: str) -> bool:
    """Source that compiles as Python and does more than name a value (``nn.Tanh``, ``0.97``)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    bare = (ast.Constant, ast.Name, ast.Attribute)
    return any(not (isinstance(s, ast.Expr) and isinstance(s.value, bare)) for s in tree.body)


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def allowed_not_run(path: Path, fence: Fence) -> bool:
    first = fence.body.lstrip().split("\n", 1)[0]
    return any(
        relative(path) == file and first.startswith(snippet) for file, snippet in NOT_RUN_PYTHON
    )


@pytest.mark.parametrize("path", DOCS, ids=relative)
def test_every_fence_has_a_known_tag(path):
    unknown = [(f.line, f.tag) for f in fences(path.read_text(encoding="utf-8"))]
    unknown = [(line, tag) for line, tag in unknown if tag not in ALLOWED_TAGS]
    assert unknown == [], f"{relative(path)}: fences tagged other than {sorted(ALLOWED_TAGS)}"


@pytest.mark.parametrize("path", DOCS, ids=relative)
def test_every_python_fence_is_collected_and_run(path):
    found = [f.line + 1 for f in fences(path.read_text(encoding="utf-8")) if f.tag == "python"]
    collected = [line for line, _ in python_blocks(path)]
    assert found == collected, f"{relative(path)}: python fences the collector does not run"


@pytest.mark.parametrize("path", DOCS, ids=relative)
def test_no_python_hides_in_a_fence_of_another_tag(path):
    hidden = [
        f.line
        for f in fences(path.read_text(encoding="utf-8"))
        if f.tag != "python" and looks_like_python(f.body) and not allowed_not_run(path, f)
    ]
    assert hidden == [], f"{relative(path)}: Python code in non-python fences at lines {hidden}"


def test_the_not_run_allowlist_is_still_needed():
    for file, snippet in NOT_RUN_PYTHON:
        path = ROOT / file
        needed = [
            f
            for f in fences(path.read_text(encoding="utf-8"))
            if f.tag != "python" and looks_like_python(f.body) and allowed_not_run(path, f)
        ]
        assert needed, f"{file}: {snippet!r} is no longer hidden: remove it from NOT_RUN_PYTHON"


def test_the_fence_parser_sees_what_the_collector_misses(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "```python\nx = 1\n```\n"
        "1. a list item\n\n   ```python\n   y = 2\n   ```\n"  # indented: not collected
        "~~~python\nz = 3\n~~~\n"  # tildes: not collected
        "```Python\nw = 4\n```\n"  # another tag
        "```text\nprint(x)\n```\n"  # Python shown as output
        "```text\nnn.Tanh\n```\n"  # output naming a value: not Python code
        "````\n```python\nnot a fence inside a longer one\n```\n````\n"
    )
    found = fences(page.read_text())
    assert [(f.line, f.tag) for f in found] == [
        (1, "python"),
        (6, "python"),
        (9, "python"),
        (12, "Python"),
        (15, "text"),
        (18, "text"),
        (21, ""),
    ]
    assert found[1].body == "y = 2\n" and found[0].body == "x = 1\n"
    # The collector runs only the first python fence, and the text inside the ```` block:
    # test_every_python_fence_is_collected_and_run would flag this page.
    assert [line for line, _ in python_blocks(page)] == [2, 23]
    assert [f.line + 1 for f in found if f.tag == "python"] == [2, 7, 10]
    assert [looks_like_python(f.body) for f in found[4:6]] == [True, False]
