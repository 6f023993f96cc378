"""The Lua classes ``load`` and ``save(format="t7")`` map onto ours: one entry each, by family.

To map another class, add a :class:`~minitorch_l2.serialization.t7.mapping.LuaClass` to the
``ENTRIES`` of its family's file here (``simple.py`` for ``nn/simple/``, and so on; a new family
gets a new file listed below), and its name to ``tests/test_t7_mapping.py``'s table. A plain
layer needs one line: ``LuaClass("nn.Tanh", nn.Tanh)``. See docs/serialization.md, "Mapping a
Lua class".
"""

from __future__ import annotations

from ..mapping import LuaClass
from . import containers, convolution, criterion, graph, simple, table, transfer

__all__ = ["DATA_CLASSES", "ENTRIES"]

ENTRIES: tuple[LuaClass, ...] = (
    *containers.ENTRIES,
    *convolution.ENTRIES,
    *simple.ENTRIES,
    *table.ENTRIES,
    *transfer.ENTRIES,
    *criterion.ENTRIES,
    *graph.ENTRIES,
)

#: Lua classes read as data (TorchObjects) where a mapped class holds them: nngraph's web.
DATA_CLASSES: frozenset[str] = graph.GRAPH_CLASSES
