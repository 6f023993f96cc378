"""Pictures of a gModule: its graph as Graphviz DOT text, rendered by the ``dot`` program.

Lua's ``graph.dot(gmod.fg, title, name)`` wrote ``name.dot`` and ``name.svg``; here
``gmod.to_dot(title)`` returns the text and ``gmod.save_graph("name.svg", title)`` renders it
(``.dot`` files are written without Graphviz). Each node is labelled with its number, its
annotation name and its module; the edges into a node with several inputs carry the input's
0-based place.
"""

from __future__ import annotations

import os
import shutil
import subprocess

RENDERED = ("svg", "png", "pdf")


def quoted(text: str) -> str:
    """``text`` as a DOT string: quotes and backslashes escaped, newlines as ``\\n``."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def node_label(index: int, node: dict, modules: list) -> str:
    """The lines shown in a node: ``[4] i2h_1`` then the module (or the selected element)."""
    annotations = node["annotations"]
    head = f"[{index}]" + (f" {annotations['name']}" if annotations.get("name") else "")
    if node["select"] is not None:
        body = f"element {node['select']} of {node['split']}"
    else:
        body = repr(modules[node["module"]]).split("\n", 1)[0].removesuffix(" {")
    lines = [head, body]
    if annotations.get("description"):
        lines.append(annotations["description"])
    return "\n".join(lines)


def graph_to_dot(
    nodes: list[dict],
    modules: list,
    inputs: list[int],
    outputs: list[int],
    title: str | None = None,
) -> str:
    """The DOT text of a graph given as a gModule keeps it (see ``nn.gModule``).

    Parameters
    ----------
    nodes : list of dict
        The gModule's ``nodes``.
    modules : list of nn.Module
        Its ``modules``, which the nodes index.
    inputs, outputs : list of int
        Its input and output node numbers.
    title : str, optional
        A title drawn above the graph.

    Returns
    -------
    str
        A ``digraph`` that ``dot -Tsvg`` renders.
    """
    lines = ["digraph gModule {"]
    if title:
        lines.append(f'  labelloc=t; label={quoted(title)}; fontname="Helvetica";')
    lines.append('  node [shape=oval, fontname="Helvetica"];')
    lines.append('  edge [fontname="Helvetica", fontsize=10];')
    for slot in range(len(inputs)):
        lines.append(f"  input{slot} [label={quoted(f'input {slot}')}, shape=box];")
    for index, node in enumerate(nodes):
        attributes = {"label": node_label(index, node, modules), "tooltip": node["declared_at"]}
        attributes.update(node["annotations"].get("graph_attributes") or {})
        text = ", ".join(f"{key}={quoted(value)}" for key, value in attributes.items())
        lines.append(f"  n{index} [{text}];")
    for slot, index in enumerate(inputs):
        lines.append(f"  input{slot} -> n{index};")
    for index, node in enumerate(nodes):
        several = len(node["inputs"]) > 1
        for place, source in enumerate(node["inputs"]):
            label = f" [label={quoted(str(place))}]" if several else ""
            lines.append(f"  n{source} -> n{index}{label};")
    for slot, index in enumerate(outputs):
        lines.append(f"  output{slot} [label={quoted(f'output {slot}')}, shape=box];")
        lines.append(f"  n{index} -> output{slot};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def save_dot(text: str, path: str | os.PathLike[str], who: str) -> None:
    """Write DOT ``text`` to ``path``, rendered by Graphviz when the suffix asks for a picture.

    Parameters
    ----------
    text : str
        The DOT source.
    path : str or os.PathLike
        ``.dot`` (the text itself), or ``.svg``, ``.png``, ``.pdf`` (rendered by ``dot``).
    who : str
        The caller, for messages.
    """
    suffix = os.path.splitext(os.fspath(path))[1].lower().lstrip(".")
    if suffix == "dot":
        with open(path, "w", encoding="utf-8") as file:
            file.write(text)
        return
    if suffix not in RENDERED:
        raise ValueError(
            f"{who}: save_graph writes .dot, .svg, .png or .pdf files, got {os.fspath(path)!r}"
        )
    program = shutil.which("dot")
    if program is None:
        raise RuntimeError(
            f"{who}: save_graph({os.fspath(path)!r}) needs Graphviz's 'dot' program, which is "
            f"not installed (apt-get install graphviz, brew install graphviz or conda install "
            f"graphviz); without it, save to a .dot file or use to_dot()"
        )
    result = subprocess.run(
        [program, f"-T{suffix}", "-o", os.fspath(path)],
        input=text,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{who}: Graphviz's dot failed: {result.stderr.strip()}")
