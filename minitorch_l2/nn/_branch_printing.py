"""Lua's printout of the containers whose children work side by side.

``nn.Concat``, ``nn.Parallel``, ``nn.ConcatTable`` and ``nn.ParallelTable`` print as Lua's do,
with 0-based numbering as ``nn.Sequential`` prints here::

    nn.ConcatTable {
      input
        |`-> (0): nn.Linear(4 -> 3)
         `-> (1): nn.Linear(4 -> 2)
         ... -> output
    }
"""

from __future__ import annotations


def branches(name: str, modules: list) -> str:
    """The printout of container ``name`` holding ``modules``, each child's lines indented."""
    lines = [f"{name} {{", "  input"]
    for index, module in enumerate(modules):
        last = index == len(modules) - 1
        arrow, indent = ("     `-> ", " " * 9) if last else ("    |`-> ", "    |    ")
        lines.append(f"{arrow}({index}): " + repr(module).replace("\n", "\n" + indent))
    lines += ["     ... -> output", "}"]
    return "\n".join(lines)
