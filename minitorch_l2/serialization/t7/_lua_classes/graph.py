"""nngraph's ``nn.gModule``: Lua's web of ``nngraph.Node``/``graph.Graph`` objects ↔ our graph data.

Lua keeps the graph as nodes whose ``data`` tables hold the module, the inputs in order
(``mapindex``: the input nodes' data tables, 1..n) and, for the outputs of ``node:split(n)``, a
node with ``nSplitOutputs = n`` followed by n nodes with ``selectindex = k``; ``forwardnodes`` is
the forward graph in topological order; a dummy ``innode`` (split when there are several inputs)
feeds the input nodes and a dummy ``outnode`` collects the outputs. Ours (``nn/graph/``) is the
same graph as plain data: each node ``{"module", "inputs", "select", "split", "annotations",
"declared_at"}``, split outputs reading their source directly, the input and output nodes by
number. ``load`` reads Lua's nodes into that, in Lua's order (so ``parameters()`` has Lua's
order), checked by ``gModule.validate``; ``save`` builds Lua's web as nngraph does
(``_nngraph.py``).
"""

from __future__ import annotations

from .... import nn
from ..mapping import LuaClass, LuaOnly, MappingError
from ..values import TorchObject
from ._nngraph import lua_web

WHO = "nn.gModule"

#: The classes of nngraph's own web, read as data (TorchObjects) inside a gModule.
GRAPH_CLASSES = frozenset({"nngraph.Node", "graph.Graph", "graph.Edge"})


def _node_data(node: object, what: str) -> dict:
    if not isinstance(node, TorchObject) or node.torch_class != "nngraph.Node":
        raise MappingError(f"{WHO}: {what} must be an nngraph.Node")
    data = node.fields.get("data")
    if not isinstance(data, dict):
        raise MappingError(f"{WHO}: {what} has no data table")
    return data


def _inputs(data: dict) -> list:
    """A node's inputs, in order: the data tables at 1..n of its ``mapindex``."""
    mapindex = data.get("mapindex", [])
    if isinstance(mapindex, list):
        return mapindex
    if not isinstance(mapindex, dict):
        raise MappingError(f"{WHO}: a node's mapindex must be a table")
    count = sum(1 for key in mapindex if type(key) is int)
    if set(key for key in mapindex if type(key) is int) != set(range(1, count + 1)):
        raise MappingError(f"{WHO}: a node's mapindex must list its inputs at 1..n")
    return [mapindex[index] for index in range(1, count + 1)]


def graph_from_lua(lua: dict) -> tuple[list[dict], list[int], list[int]]:
    """(nodes, input_nodes, output_nodes) of our graph data for a Lua gModule's fields."""
    forward = lua.get("forwardnodes")
    modules = lua.get("modules")
    if not isinstance(forward, list) or not isinstance(modules, list):
        raise MappingError(f"{WHO}: forwardnodes and modules must be tables")
    innode = _node_data(lua.get("innode"), "innode")
    outnode = _node_data(lua.get("outnode"), "outnode")
    module_index = {id(module): index for index, module in enumerate(modules)}
    ours: dict[int, int] = {}  # id(Lua data) → our node number
    splits: dict[int, tuple[dict, int]] = {}  # id(a split node's data) → (its source, n)
    entry_of: dict[int, int] = {id(innode): 0}  # the input dummies → which input (1-based)
    nodes: list[dict] = []
    inputs: dict[int, int] = {}  # our input node number → its place among the inputs
    for position, node in enumerate(forward):
        data = _node_data(node, f"forwardnodes[{position}]")
        sources = _inputs(data)
        if data is innode or data is outnode:
            continue
        if "nSplitOutputs" in data:  # the node ``split`` adds: its outputs read its source
            if len(sources) != 1 or "module" in data:
                raise MappingError(f"{WHO}: a split node has one input and no module")
            splits[id(data)] = (sources[0], data["nSplitOutputs"])
            continue
        if "selectindex" in data:
            if len(sources) != 1 or id(sources[0]) not in splits:
                raise MappingError(f"{WHO}: a node with selectindex must follow a split node")
            source, count = splits[id(sources[0])]
            select = data["selectindex"]
            if type(select) is not int or type(count) is not int or not 1 <= select <= count:
                raise MappingError(f"{WHO}: selectindex must be in 1..nSplitOutputs")
            if source is innode:  # which of the gModule's inputs this dummy stands for
                entry_of[id(data)] = select
                continue
            inputs_of_node = [_our_number(ours, source)]
            module, select, split = None, select - 1, count
        else:
            module = module_index.get(id(data.get("module")))
            if module is None:
                raise MappingError(
                    f"{WHO}: forwardnodes[{position}] has no module of the gModule's modules"
                )
            if len(sources) == 1 and id(sources[0]) in entry_of:
                inputs[len(nodes)] = entry_of[id(sources[0])]
                inputs_of_node = []
            else:
                inputs_of_node = [_our_number(ours, source) for source in sources]
            select = split = None
        annotations = data.get("annotations", {})
        if not isinstance(annotations, dict):
            raise MappingError(f"{WHO}: a node's annotations must be a table")
        label = annotations.get("_debugLabel", "")
        ours[id(data)] = len(nodes)
        nodes.append(
            {
                "module": module,
                "inputs": inputs_of_node,
                "select": select,
                "split": split,
                "annotations": {k: v for k, v in annotations.items() if k != "_debugLabel"},
                "declared_at": label if isinstance(label, str) else "",
            }
        )
    places = sorted(inputs.values())
    if places != list(range(1, len(places) + 1)) and places != [0]:
        # Each input node stands for its own input of the gModule's 1..n (or the one input).
        raise MappingError(f"{WHO}: the input nodes stand for inputs {places}, not 1..n once each")
    order = sorted(inputs, key=inputs.__getitem__)
    outputs = [_our_number(ours, source) for source in _inputs(outnode)]
    return nodes, order, outputs


def _our_number(ours: dict[int, int], data: object) -> int:
    number = ours.get(id(data))
    if number is None:
        raise MappingError(f"{WHO}: a node's input is not an earlier node of forwardnodes")
    return number


def _derived(index: int):
    return lambda attributes, lua: graph_from_lua(lua)[index]


def _modules_from_nodes(fields: dict, version: int) -> dict:
    # Lua's gModule:read rebuilds a missing modules table from the forward nodes, in order.
    if "modules" in fields or not isinstance(fields.get("forwardnodes"), list):
        return fields
    modules = [
        node.fields["data"]["module"]
        for node in fields["forwardnodes"]
        if isinstance(node, TorchObject)
        and isinstance(node.fields.get("data"), dict)
        and "module" in node.fields["data"]
    ]
    return {**fields, "modules": modules}


def _web_to_lua(graph: nn.gModule, lua: dict) -> dict:
    # Lua's gModule has no gradInput, and an output only for several outputs (the outnode's).
    lua.pop("gradInput", None)
    lua.pop("output", None)
    lua.update(lua_web(graph))
    return lua


ENTRIES = (
    LuaClass(
        "nn.gModule",
        nn.gModule,
        fields=("modules",),
        lua_only={
            name: LuaOnly()
            for name in (
                "forwardnodes",
                "backwardnodes",
                "fg",
                "bg",
                "innode",
                "outnode",
                "nInputs",
                "verbose",
                "name",
            )
        },  # fmt: skip
        derive={"nodes": _derived(0), "input_nodes": _derived(1), "output_nodes": _derived(2)},
        upgrade=_modules_from_nodes,
        to_lua=_web_to_lua,
    ),
)
