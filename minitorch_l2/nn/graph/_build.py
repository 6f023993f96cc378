"""From the nodes given to ``nn.gModule(inputs, outputs)`` to its plain graph data, checked.

The nodes are ordered as Lua's nngraph orders them (``fg:topsort()``): depth first from the
outputs, taken in order, each node after its inputs (taken in order), each node once. So the
modules, and therefore ``parameters()`` and ``get_parameters()``, come in Lua's order.

The result is data only (lists, ints, strings): each node a dict ``{"module": index into
modules or None, "inputs": [node indices], "select": k or None, "split": n or None,
"annotations": {...}, "declared_at": "file.py:12"}``, which ``save`` writes as it is.
"""

from __future__ import annotations

from typing import NamedTuple

from .._errors import duplicate_message
from .._node import _not_a_node
from .node import Node, describe_node


class GraphData(NamedTuple):
    """What a gModule keeps: its modules, its nodes as dicts, and its input and output nodes."""

    modules: list
    nodes: list[dict]
    inputs: list[int]
    outputs: list[int]


def node_list(who: str, nodes: object, what: str) -> list[Node]:
    """``inputs`` or ``outputs`` as a non-empty list of nodes (one node is a list of one)."""
    items = [nodes] if isinstance(nodes, Node) else nodes
    if type(items) not in (list, tuple) or not items:
        raise TypeError(f"{who}: {what} must be a node or a non-empty list of nodes, got {nodes!r}")
    for index, item in enumerate(items):
        if not isinstance(item, Node):
            raise TypeError(f"{who}: {_not_a_node(item, index).replace('inputs', what, 1)}")
    return list(items)


def topological_order(who: str, outputs: list[Node]) -> list[Node]:
    """Every node the outputs depend on, each after its inputs; a cycle is a ValueError."""
    order: list[Node] = []
    state: dict[int, int] = {}  # 1: on the current path, 2: placed in order
    for output in outputs:
        if state.get(id(output)) == 2:
            continue
        path: list[tuple[Node, int]] = [(output, 0)]
        state[id(output)] = 1
        while path:
            node, next_input = path[-1]
            if next_input == len(node.inputs):
                path.pop()
                state[id(node)] = 2
                order.append(node)
                continue
            path[-1] = (node, next_input + 1)
            child = node.inputs[next_input]
            seen = state.get(id(child))
            if seen == 1:
                loop = [n for n, _ in path[[n for n, _ in path].index(child) :]] + [child]
                chain = " -> ".join(describe_node(n) for n in reversed(loop))
                raise ValueError(
                    f"{who}: the graph has a cycle: {chain}; a node cannot depend on its own "
                    f"output (to run a recurrence, unroll it: nn.utils.clone_many_times)"
                )
            if seen is None:
                state[id(child)] = 1
                path.append((child, 0))
    return order


def build(who: str, inputs: object, outputs: object) -> GraphData:
    """Check the graph between ``inputs`` and ``outputs`` and turn it into :class:`GraphData`."""
    inputs = node_list(who, inputs, "inputs")
    outputs = node_list(who, outputs, "outputs")
    for index, node in enumerate(inputs):
        if any(node is other for other in inputs[:index]):
            raise ValueError(f"{who}: inputs[{index}] ({describe_node(node)}) is listed twice")
        if node.inputs or node.module is None:
            raise ValueError(
                f"{who}: inputs[{index}] ({describe_node(node)}) has inputs of its own; an "
                f"input node is a module called with no argument, such as nn.Identity()()"
            )
    order = topological_order(who, outputs)
    position = {id(node): index for index, node in enumerate(order)}
    for index, node in enumerate(inputs):
        if id(node) not in position:
            raise ValueError(
                f"{who}: inputs[{index}] ({describe_node(node)}) does not lead to any of the "
                f"outputs; remove it or connect it"
            )
    _check_reachable(who, order, inputs, outputs)
    _check_in_place(who, order, outputs)
    modules: list = []
    owner: dict[int, Node] = {}
    nodes = []
    for node in order:
        module_index = None
        if node.module is not None:
            first = owner.setdefault(id(node.module), node)
            if first is not node:
                message = duplicate_message(node.module, f"node {describe_node(node)}")
                raise ValueError(
                    f"{who}: {node.module!r} is the module of two nodes, "
                    f"{describe_node(first)} and {describe_node(node)}. {message}"
                )
            module_index = len(modules)
            modules.append(node.module)
        nodes.append(
            {
                "module": module_index,
                "inputs": [position[id(n)] for n in node.inputs],
                "select": node.select_index,
                "split": node.split_size,
                "annotations": node.annotations,
                "declared_at": node.declared_at,
            }
        )
    return GraphData(
        modules,
        nodes,
        [position[id(n)] for n in inputs],
        [position[id(n)] for n in outputs],
    )


def _check_reachable(who: str, order: list[Node], inputs: list[Node], outputs: list[Node]) -> None:
    # Each node's first source that is not a listed input (None if all its sources are listed),
    # and whether it depends on a listed input at all.
    listed = {id(node) for node in inputs}
    stray: dict[int, Node | None] = {}
    fed: dict[int, bool] = {}
    for node in order:
        if id(node) in listed:
            stray[id(node)], fed[id(node)] = None, True
        elif not node.inputs:
            stray[id(node)], fed[id(node)] = node, False
        else:
            sources = [stray[id(n)] for n in node.inputs if stray[id(n)] is not None]
            stray[id(node)] = sources[0] if sources else None
            fed[id(node)] = any(fed[id(n)] for n in node.inputs)
    for index, node in enumerate(outputs):
        if not fed[id(node)]:
            raise ValueError(
                f"{who}: outputs[{index}] ({describe_node(node)}) is not reachable from the "
                f"inputs: it is computed from {describe_node(stray[id(node)])}, which is not "
                f"among the inputs"
            )
    for index, node in enumerate(outputs):
        source = stray[id(node)]
        if source is not None:
            raise ValueError(
                f"{who}: {describe_node(source)} is an input node (a module called with no "
                f"argument) that is not among the inputs, and outputs[{index}] depends on it; "
                f"add it to the inputs"
            )


def _check_in_place(who: str, order: list[Node], outputs: list[Node]) -> None:
    # A module with Lua's inplace flag writes its result into its input: wrong when another
    # node (or the caller, as an output) also reads that memory, directly or through nodes
    # that hand it on (Identity, View, SelectTable, a split: see _aliases).
    aliases = _aliases(order)
    for node in order:
        if getattr(node.module, "inplace", False) is not True:
            continue
        written = _written(node, aliases)
        source = node.inputs[0]
        readers = [
            _reader(describe_node(reader), read, source)
            for reader in order
            if reader is not node and not _passes_on(reader)  # one handing it on: see its readers
            for read in reader.inputs
            if _overlap(aliases[id(read)], written)
        ]
        readers += [
            _reader(f"outputs[{place}]", read, source)
            for place, read in enumerate(outputs)
            if _overlap(aliases[id(read)], written)
        ]
        if readers:
            raise ValueError(
                f"{who}: {describe_node(node)} works in place: it overwrites the output of "
                f"{describe_node(source)}, which {len(readers)} other node(s) or outputs also "
                f"read: {'; '.join(readers[:3])}{'; ...' if len(readers) > 3 else ''}; use "
                f"inplace=False there"
            )


def _reader(what: str, read: Node, source: Node) -> str:
    if read is source:
        return what
    return f"{what}, which reads {describe_node(read)}, the same memory"


def _passes_on(node: Node) -> bool:
    # A node whose output is (part of, or a view of) its input: a split, or such a module.
    return node.select_index is not None or getattr(node.module, "aliases_input", False) is True


def _aliases(order: list[Node]) -> dict[int, object]:
    # The memory each node's output is: a key (the node whose output owns it, then the
    # element path of a split), or for a node handing on several inputs, a list of theirs.
    aliases: dict[int, object] = {}
    for node in order:
        if node.select_index is not None:
            alias = _element(aliases[id(node.inputs[0])], node.select_index)
        elif _passes_on(node) and node.inputs:
            inputs = [aliases[id(n)] for n in node.inputs]
            alias = inputs[0] if len(inputs) == 1 else inputs
        else:
            alias = (id(node),)  # new memory (an in-place module's output is new here: its
            # writing over its input is checked for that node itself)
        aliases[id(node)] = alias
    return aliases


def _element(alias: object, index: int) -> object:
    # Element ``index`` of a table output: exact for a table of handed-on inputs or a key.
    if type(alias) is list:
        return alias[index] if -len(alias) <= index < len(alias) else alias
    return (*alias, index)


def _written(node: Node, aliases: dict[int, object]) -> object:
    # What an in-place node overwrites: its input, or the first tensor of a table input.
    given = [aliases[id(n)] for n in node.inputs]
    alias = given[0] if len(given) == 1 else given
    return _element(alias, 0) if getattr(node.module, "takes_table", False) else alias


def _keys(alias: object) -> list[tuple]:
    if type(alias) is list:
        return [key for item in alias for key in _keys(item)]
    return [alias]


def _overlap(a: object, b: object) -> bool:
    # Two memories overlap when one key is the other or an element of it.
    return any(x[: len(y)] == y or y[: len(x)] == x for x in _keys(a) for y in _keys(b))
