"""``annotate_nodes()``: name each graph node after the variable holding it (Lua's
``nngraph.annotateNodes()``), so that errors, ``repr`` and pictures say ``in_gate`` rather
than ``nn.Sigmoid``."""

from __future__ import annotations

import sys

from .node import Node


def annotate_nodes(depth: int = 1) -> list[str]:
    """Give every node held by a local variable of the caller that variable's name.

    A node that already has a name keeps it, as in Lua. Call it after building the nodes and
    before ``nn.gModule(...)`` (the gModule keeps the names it finds then).

    Parameters
    ----------
    depth : int
        Whose variables: 1 (default) the function calling ``annotate_nodes``, 2 its caller.

    Returns
    -------
    list of str
        The names given, in the order of the variables.
    """
    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 1:
        raise ValueError(f"annotate_nodes: depth must be an int >= 1, got {depth!r}")
    variables = sys._getframe(depth).f_locals
    named = []
    for name, value in variables.items():
        if isinstance(value, Node) and not value.annotations.get("name"):
            value.annotate(name=name)
            named.append(name)
    return named
