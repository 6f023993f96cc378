"""``minitorch_l2.nngraph``: Lua's ``require 'nngraph'`` names, for code ported line by line.

The graph API itself lives in ``minitorch_l2.nn`` (``nn.gModule``; calling a module on nodes
makes a node); this namespace adds Lua's ``nngraph.Node`` and ``nngraph.annotateNodes``.
"""

from ..nn.graph.annotate import annotate_nodes
from ..nn.graph.gmodule import gModule
from ..nn.graph.node import Node

annotateNodes = annotate_nodes

__all__ = ["Node", "annotateNodes", "annotate_nodes", "gModule"]
