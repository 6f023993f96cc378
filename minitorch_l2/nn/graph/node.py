"""``Node``: one module applied in a graph (Lua's ``nngraph.Node``), made by calling a module.

The class lives in ``nn/_node.py``, below ``nn/module.py`` (whose ``module()`` makes nodes);
the graph code imports it from here.
"""

from .._node import Node, call_node, describe_node, wants_node

__all__ = ["Node", "call_node", "describe_node", "wants_node"]
