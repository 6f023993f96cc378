"""The structure of a ``.t7`` file, independent of Lua's hash order: for comparing two files.

``structure(data)`` parses the bytes (the reader's first pass, no conversion) and describes the
object graph canonically: tables as their entries sorted by key, torch objects as class, version
and payload, tensors as type, sizes, strides, offset and *which* storage (numbered in the
canonical walk, so sharing shows), storages by size and the bytes of their contents. Two files
with the same description hold the same objects, shared the same way, whatever order Lua's
hash tables wrote their keys in.
"""

from __future__ import annotations

import numpy as np

from minitorch_l2.serialization.t7._parser import Parser, RawFunction, RawObject, RawTable
from minitorch_l2.serialization.t7._streams import detect


def raw_graph(data: bytes) -> tuple[object, Parser]:
    """The first pass's graph of a file, and the parser (which knows storages from tensors)."""
    for stream in detect(data):
        parser = Parser(stream, 2**32)
        try:
            return parser.read(), parser
        except ValueError:
            continue
    raise ValueError("not a .t7 file")


def structure(data: bytes, per_call: dict[str, set[str]] | None = None) -> object:
    """The canonical description of a file's object graph (see the module docstring).

    ``per_call`` maps a class name to fields left out of its objects' description: per-call
    state (``output``, buffers), which Lua writes as the last call left it and ``save`` empty.
    """
    root, parser = raw_graph(data)
    per_call = per_call or {}
    numbers: dict[int, int] = {}
    seen: dict[int, int] = {}

    def pairs(items: list) -> tuple:
        # Sorted by key (strings and numbers in practice), then described in that order, so the
        # storages are numbered in an order that does not depend on Lua's hash order.
        ordered = sorted(items, key=lambda pair: repr(pair[0]))
        return tuple((describe(k), describe(v)) for k, v in ordered)

    def storage_of(array: np.ndarray) -> np.ndarray:
        base = array
        while isinstance(base.base, np.ndarray):
            base = base.base
        return base

    def describe(value: object) -> object:
        if isinstance(value, np.ndarray):
            if id(value) in parser.storages:
                return ("storage", str(value.dtype), value.size, value.tobytes())
            if value.size == 0:
                return ("empty tensor", str(value.dtype))
            base = storage_of(value)
            if id(base) not in numbers:
                numbers[id(base)] = len(numbers)
            item = value.dtype.itemsize
            offset = value.__array_interface__["data"][0] - base.__array_interface__["data"][0]
            return (
                "tensor",
                str(value.dtype),
                value.shape,
                tuple(s // item for s in value.strides),
                offset // item,
                numbers[id(base)],
                describe(base),
            )
        if isinstance(value, RawTable | RawObject | RawFunction):
            if id(value) in seen:
                return ("seen", seen[id(value)])
            seen[id(value)] = len(seen)
        if isinstance(value, RawTable):
            return ("table", pairs(value.pairs))
        if isinstance(value, RawObject):
            if isinstance(value.payload, list):  # tds.Hash pairs or tds.Vec items
                hashed = value.class_name == "tds.Hash"
                payload = pairs(value.payload) if hashed else tuple(map(describe, value.payload))
            elif value.class_name in per_call and isinstance(value.payload, RawTable):
                skip = {name.encode() for name in per_call[value.class_name]}
                kept = [(k, v) for k, v in value.payload.pairs if k not in skip]
                payload = ("table", pairs(kept))
            else:
                payload = describe(value.payload)
            return ("object", value.class_name, value.version, payload)
        if isinstance(value, RawFunction):
            return ("function", value.bytecode, describe(value.upvalues))
        return value

    return describe(root)


def gmodule_structure(data: bytes) -> dict:
    """A gModule file's nngraph web, described by node ids (Lua's hash order aside).

    For each forward node: its id, its data's keys, the class of its module, ``selectindex``,
    ``nSplitOutputs``, the ids of its inputs (``mapindex`` 1..n) and of its children and
    readers (``reverseMap``), and the debug label of a node holding a module; the ids of the
    backward nodes and of both graphs' nodes and edges; innode, outnode, nInputs, the modules'
    classes. The labels of nngraph's own dummy and split nodes name nngraph's source file.
    """
    root, _ = raw_graph(data)

    def fields(obj: RawObject) -> dict:
        return {(k.decode() if isinstance(k, bytes) else k): v for k, v in obj.payload.pairs}

    def listed(table: RawTable) -> list:
        items = {int(k): v for k, v in table.pairs if isinstance(k, float)}
        return [items[i] for i in range(1, len(items) + 1)]

    gmodule = fields(root)
    node_id = {}  # id(data table) → forwardNodeId
    forward = [fields(node) for node in listed(gmodule["forwardnodes"])]
    for node in forward:
        node_id[id(node["data"])] = fields_of(node["data"])["forwardNodeId"]

    def ids(nodes: list) -> list:
        return [int(fields(node)["id"]) for node in nodes]

    described = []
    for node in forward:
        data = fields_of(node["data"])
        module = data.get("module")
        inputs = listed(data["mapindex"]) if isinstance(data.get("mapindex"), RawTable) else []
        labels = fields_of(data["annotations"]) if "annotations" in data else {}
        described.append(
            {
                "id": int(node["id"]),
                "keys": sorted(data),
                "module": module.class_name if isinstance(module, RawObject) else None,
                "selectindex": data.get("selectindex"),
                "nSplitOutputs": data.get("nSplitOutputs"),
                "inputs": [node_id.get(id(d)) for d in inputs],
                "children": ids(listed(node["children"])),
                "readers": sorted(int(fields(k)["id"]) for k, _ in data["reverseMap"].pairs),
                "label": labels.get("_debugLabel") if module is not None else None,
                "annotations": sorted(k for k in labels if k != "_debugLabel"),
            }
        )
    graphs = {}
    for name in ("fg", "bg"):
        graph = fields(gmodule[name])
        edges = [fields(edge) for edge in listed(graph["edges"])]
        graphs[name] = {
            "nodes": ids(listed(graph["nodes"])),
            "edges": [(int(fields(e["from"])["id"]), int(fields(e["to"])["id"])) for e in edges],
        }
    return {
        "forwardnodes": described,
        "backwardnodes": ids(listed(gmodule["backwardnodes"])),
        "graphs": graphs,
        "innode": int(fields(gmodule["innode"])["id"]),
        "outnode": int(fields(gmodule["outnode"])["id"]),
        "nInputs": gmodule["nInputs"],
        "modules": [m.class_name for m in listed(gmodule["modules"])],
        "output": "output" in gmodule,
        "keys": sorted(gmodule),
    }


def fields_of(table: RawTable) -> dict:
    """A raw table's string-keyed entries as a dict (keys decoded)."""
    return {k.decode(): v for k, v in table.pairs if isinstance(k, bytes)}
