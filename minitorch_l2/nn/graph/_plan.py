"""A gModule's working state: its graph data resolved once into steps, and the per-call values.

Rebuilt from the data whenever it is missing (after ``clear_state``, ``type``, ``load``) or the
modules list changed (``replace``); never saved.
"""

from __future__ import annotations

NONE, FORWARD, BACKWARD = 0, 1, 2  # how far the last call got: what backward steps may read


class Step:
    """What forward and backward need of one node: module, inputs, split, input slot, label."""

    __slots__ = ("module", "inputs", "select", "split", "slot", "table", "label", "who")


class Plan:
    """The steps, and per node: its output, its module's input, its gradient, its sum buffers."""

    __slots__ = ("modules", "steps", "values", "node_inputs", "totals", "sums", "stage")


def label(nodes: list[dict], modules: list, index: int) -> str:
    """``node 4 'i2h' nn.Linear(3 -> 16) (declared at lstm.py:12)``, for messages."""
    node = nodes[index]
    name = node["annotations"].get("name")
    named = f" '{name}'" if name else ""
    if node["select"] is not None:
        return (
            f"node {index}{named} (split output {node['select']} of {node['split']} of "
            f"node {node['inputs'][0]})"
        )
    module = repr(modules[node["module"]]).split("\n", 1)[0].removesuffix(" {")
    return f"node {index}{named} {module} (declared at {node['declared_at']})"


def build_plan(who: str, modules: list, nodes: list[dict], inputs: list[int]) -> Plan:
    """A fresh plan for the graph data."""
    plan = Plan()
    plan.modules = list(modules)
    plan.steps = []
    slots = {node: slot for slot, node in enumerate(inputs)}
    for index, node in enumerate(nodes):
        step = Step()
        step.module = None if node["module"] is None else modules[node["module"]]
        step.inputs = tuple(node["inputs"])
        step.select, step.split = node["select"], node["split"]
        step.slot = slots.get(index)
        step.table = [None] * len(step.inputs)  # a multi-input node's table, refilled per call
        step.label = label(nodes, modules, index)
        step.who = f"{who}: {step.label}"
        plan.steps.append(step)
    count = len(plan.steps)
    plan.values, plan.node_inputs = [None] * count, [None] * count
    plan.totals, plan.sums = [None] * count, [None] * count
    plan.stage = NONE
    return plan
