"""The check of a gModule's graph data (``gModule.validate``, which ``load`` runs on a file).

The data is what ``_build.py`` makes: the modules, the nodes as dicts in topological order
(``NODE_KEYS``), and the numbers of the input and output nodes.
"""

from __future__ import annotations

from .._settings import integer
from ..module import Module

NODE_KEYS = frozenset({"module", "inputs", "select", "split", "annotations", "declared_at"})


def check(who: str, modules: object, nodes: object, inputs: object, outputs: object) -> None:
    """Raise unless the data describes a graph a gModule can run, naming what is wrong."""
    if type(nodes) is not list or type(modules) is not list:
        raise TypeError(f"{who}: nodes and modules must be lists")
    used_modules = []
    for index, node in enumerate(nodes):
        where = f"{who}: nodes[{index}]"
        if type(node) is not dict or set(node) != NODE_KEYS:
            raise ValueError(f"{where} must be a dict with the keys {sorted(NODE_KEYS)}")
        if type(node["inputs"]) is not list:
            raise TypeError(f"{where}: inputs must be a list of node numbers")
        for source in node["inputs"]:
            integer(where, "an input", source, 0, index - 1)
        if node["select"] is None:
            used_modules.append(integer(where, "module", node["module"], 0, len(modules) - 1))
            if node["split"] is not None:
                raise ValueError(f"{where}: a node with a module has no split size")
        else:
            split = integer(where, "split", node["split"], 1)
            integer(where, "select", node["select"], 0, split - 1)
            if node["module"] is not None or len(node["inputs"]) != 1:
                raise ValueError(f"{where}: a split output has one input and no module")
        if type(node["annotations"]) is not dict or type(node["declared_at"]) is not str:
            raise TypeError(f"{where}: annotations must be a dict, declared_at a str")
    if sorted(used_modules) != list(range(len(modules))):
        raise ValueError(f"{who}: every module of modules must be the module of exactly one node")
    for module in modules:
        if not isinstance(module, Module):
            raise TypeError(f"{who}: modules holds a {type(module).__name__}")
    for name, numbers in (("input_nodes", inputs), ("output_nodes", outputs)):
        if type(numbers) is not list or not numbers:
            raise ValueError(f"{who}: {name} must be a non-empty list of node numbers")
        for number in numbers:
            integer(who, name, number, 0, len(nodes) - 1)
    if len(set(inputs)) != len(inputs) or any(nodes[i]["module"] is None for i in inputs):
        raise ValueError(f"{who}: input_nodes must be distinct nodes with a module")
    if any(bool(node["inputs"]) == (index in inputs) for index, node in enumerate(nodes)):
        raise ValueError(f"{who}: the input nodes, and only they, have no inputs")
    needed = set(outputs)
    for index in range(len(nodes) - 1, -1, -1):
        if index not in needed:
            raise ValueError(f"{who}: nodes[{index}] does not lead to any output")
        needed.update(nodes[index]["inputs"])
