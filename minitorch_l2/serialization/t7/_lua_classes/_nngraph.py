"""Our gModule's graph data → nngraph's web, built as Lua's nngraph and torch/graph build it.

The nodes are made as Lua's calls make them: ``module(inputs)`` a node holding the module whose
``children`` are its inputs (nngraph's graph points from a node to its inputs); ``node:split(n)``
a node with ``nSplitOutputs = n`` and n nodes with ``selectindex``; ``gModule`` a dummy
``innode`` (split when there are several inputs) and a dummy ``outnode``. Each data table has
``mapindex`` (the inputs at 1..n, and each input's data → its place) and ``reverseMap`` (the
nodes reading it). Then, as torch/graph does: ``bg = outnode:graph()`` (edges added breadth
first; a node's ``id`` is its place in ``bg.nodes``), ``fg = bg:reverse()`` (new nodes sharing
the data), ``forwardnodes = fg:topsort()`` and ``backwardnodes = bg:topsort()`` (depth first,
post-order, from the roots of the reversed graph), ``forwardNodeId`` the forward node's id.
Only the debug labels of nngraph's own dummy and split nodes, which name nngraph's source file
and line, are ours (``[[C]]:-1_``, as Lua labels nodes made from C).
"""

from __future__ import annotations

from ..values import LuaKey, TorchObject

DUMMY_LABEL = "[[C]]:-1_"


class _Node:
    """A node being built (torch/graph's ``graph.Node``): its data, children and id."""

    def __init__(self, data: dict) -> None:
        self.data = data
        self.children: list[_Node] = []
        self.id = 0
        data.setdefault("annotations", {})
        data.setdefault("mapindex", {})
        data.setdefault("reverseMap", {})

    def add(self, child: _Node, domap: bool = False) -> None:
        if child not in self.children:  # graph.Node:add
            self.children.append(child)
        if domap:  # nngraph.Node:add
            mapindex = self.data["mapindex"]
            count = sum(1 for key in mapindex if type(key) is int)
            mapindex[count + 1] = child.data
            mapindex[LuaKey(child.data)] = count + 1
            child.data["reverseMap"][self] = True


class _Graph:
    """torch/graph's ``graph.Graph``: nodes and edges in the order they were added."""

    def __init__(self) -> None:
        self.nodes: list[_Node] = []
        self.edges: list[tuple[_Node, _Node]] = []
        self.place: dict[int, int] = {}

    def add(self, source: _Node, target: _Node) -> None:
        self.edges.append((source, target))
        for node in (source, target):
            if id(node) not in self.place:
                self.nodes.append(node)
                self.place[id(node)] = len(self.nodes)
        source.add(target)
        source.id, target.id = self.place[id(source)], self.place[id(target)]

    def reverse(self) -> tuple[_Graph, dict[int, _Node]]:
        reversed_graph, copies = _Graph(), {}
        for source, target in self.edges:
            for node in (source, target):
                copies.setdefault(id(node), _Node(node.data))
            reversed_graph.add(copies[id(target)], copies[id(source)])
        return reversed_graph, copies

    def roots(self) -> list[_Node]:
        targets = {id(target) for _, target in self.edges}
        found: dict[int, _Node] = {}
        for source, _ in self.edges:
            if id(source) not in targets:
                found.setdefault(id(source), source)
        return sorted(found.values(), key=lambda node: self.place[id(node)])

    def topsort(self) -> list[_Node]:
        reversed_graph, copies = self.reverse()
        original = {id(copy): node for node, copy in _pairs(self.nodes, copies)}
        roots = reversed_graph.roots()
        order: list[_Node] = []
        visited: set[int] = set()
        start = roots if len(roots) > 1 else roots[:1]
        for root in start:  # Lua's dummy root, when there are several, visits them in order
            stack: list[tuple[_Node, int]] = [(root, 0)] if id(root) not in visited else []
            if stack:
                visited.add(id(root))
            while stack:  # Node:visit, without recursion
                node, next_child = stack[-1]
                if next_child < len(node.children):
                    stack[-1] = (node, next_child + 1)
                    child = node.children[next_child]
                    if id(child) not in visited:
                        visited.add(id(child))
                        stack.append((child, 0))
                    continue
                stack.pop()
                order.append(original[id(node)])
        return order


def _pairs(nodes: list[_Node], copies: dict[int, _Node]) -> list[tuple[_Node, _Node]]:
    return [(node, copies[id(node)]) for node in nodes if id(node) in copies]


def _breadth_first_graph(root: _Node) -> _Graph:
    """``root:graph()``: every edge node → child, nodes visited breadth first from the root."""
    result, queue, marked = _Graph(), [root], {id(root)}
    while queue:
        node = queue.pop(0)
        for child in node.children:
            result.add(node, child)
            if id(child) not in marked:
                marked.add(id(child))
                queue.append(child)
    return result


def _label(annotations: dict, declared_at: str) -> dict:
    return {**annotations, "_debugLabel": declared_at or DUMMY_LABEL}


def _split(source: _Node, count: int) -> list[_Node]:
    """``source:split(count)``: the node nngraph adds, and one node per element."""
    label = source.data["annotations"].get("_debugLabel", DUMMY_LABEL)
    middle = _Node({"nSplitOutputs": count, "annotations": {"_debugLabel": f"{label}-mnode"}})
    middle.add(source, True)
    selects = []
    for index in range(1, count + 1):
        node = _Node({"selectindex": index, "input": [], "annotations": {}})
        node.data["annotations"]["_debugLabel"] = f"{label}-{index}"
        node.add(middle, True)
        selects.append(node)
    return selects


def lua_web(graph: object) -> dict:
    """The Lua fields of a gModule's graph: forwardnodes, backwardnodes, fg, bg, innode,
    outnode, nInputs, modules (in forwardnodes' order), verbose, and output when it is a table.

    Parameters
    ----------
    graph : nn.gModule
        Ours.
    """
    nodes, modules = graph.nodes, graph.modules
    made: list[_Node | None] = [None] * len(nodes)
    splits: dict[tuple[int, int], list[_Node]] = {}
    for index, node in enumerate(nodes):
        if node["select"] is not None:
            source = node["inputs"][0]
            key = (source, node["split"])
            if key not in splits:
                splits[key] = _split(made[source], node["split"])
            selected = splits[key][node["select"]]
            selected.data["annotations"] = _label(node["annotations"], node["declared_at"])
            made[index] = selected
            continue
        lua = _Node({"module": modules[node["module"]]})
        lua.data["annotations"] = _label(node["annotations"], node["declared_at"])
        for source in node["inputs"]:
            lua.add(made[source], True)
        made[index] = lua
    outnode = _Node({"input": [], "annotations": {"_debugLabel": DUMMY_LABEL}})
    for number in graph.output_nodes:
        outnode.add(made[number], True)
    innode = _Node({"input": [], "annotations": {"_debugLabel": DUMMY_LABEL}})
    entries = graph.input_nodes
    if len(entries) == 1:
        made[entries[0]].add(innode, True)
    else:
        for number, select in zip(entries, _split(innode, len(entries))):
            made[number].add(select, True)
    backward = _breadth_first_graph(outnode)
    forward, _ = backward.reverse()
    forward_nodes, backward_nodes = forward.topsort(), backward.topsort()
    for node in forward_nodes:
        node.data["forwardNodeId"] = node.id
    objects: dict[int, TorchObject] = {}
    as_lua = _converter(objects)
    fields = {
        "forwardnodes": [as_lua(node) for node in forward_nodes],
        "backwardnodes": [as_lua(node) for node in backward_nodes],
        "fg": _graph_object(forward, as_lua),
        "bg": _graph_object(backward, as_lua),
        "innode": as_lua(forward.roots()[0]),
        "outnode": as_lua(outnode),
        "nInputs": len(entries),
        "verbose": False,
        "modules": [node.data["module"] for node in forward_nodes if "module" in node.data],
    }
    if len(graph.output_nodes) > 1:  # Lua's gModule: output is outnode's input table
        fields["output"] = outnode.data["input"]
    done: set[int] = set()
    for node in [*forward.nodes, *backward.nodes]:  # reverseMap: the nodes reading this one
        if id(node.data) not in done:  # one data table, shared by a node and its copies
            done.add(id(node.data))
            node.data["reverseMap"] = {as_lua(reader): True for reader in node.data["reverseMap"]}
    return fields


def _converter(objects: dict[int, TorchObject]):
    def as_lua(node: _Node) -> TorchObject:
        found = objects.get(id(node))
        if found is None:
            found = objects[id(node)] = TorchObject(
                "nngraph.Node", {"data": node.data, "id": node.id, "visited": False}
            )
            children: dict = {}
            found.fields["children"] = children
            found.fields["marked"] = False
            for place, child in enumerate(node.children, start=1):
                lua_child = as_lua(child)
                children[place] = lua_child
                children[lua_child] = place
        return found

    return as_lua


def _graph_object(graph: _Graph, as_lua) -> TorchObject:
    nodes: dict = {}
    for place, node in enumerate(graph.nodes, start=1):
        nodes[place] = as_lua(node)
        nodes[as_lua(node)] = place
    edges: dict = {}
    for place, (source, target) in enumerate(graph.edges, start=1):
        edge = TorchObject("graph.Edge", {"from": as_lua(source), "to": as_lua(target)})
        edges[place] = edge
        edges[edge] = place
    return TorchObject("graph.Graph", {"nodes": nodes, "edges": edges})
