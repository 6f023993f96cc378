"""Graphs of modules, as Lua's nngraph: nodes made by calling modules, run by ``nn.gModule``.

``node.py`` (the nodes; ``nn/module.py`` imports it, so it imports nothing from ``nn``),
``_build.py`` (nodes to the gModule's plain graph data, with every construction check),
``_data.py`` (the check of that data, which ``load`` runs too), ``_plan.py`` (the working state
resolved from it), ``_sums.py`` (the gradients of a node feeding several others, summed),
``gmodule.py``, ``_dot.py`` (Graphviz pictures) and ``annotate.py`` (names from variables).
"""

__all__: list[str] = []
