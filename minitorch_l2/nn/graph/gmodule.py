"""``nn.gModule(inputs, outputs)``: a graph of modules run as one module (Lua's nngraph).

Forward runs the nodes in topological order: node i's module receives its input node's output
(one input) or the table of its input nodes' outputs (several), yᵢ = fᵢ(x_{in(i)}); a node made
by ``split`` selects element k of its input's table output. Backward runs them in reverse:

    ∂L/∂yᵢ = Σ over the consumers c of i of the part of ∂L/∂x_c that belongs to yᵢ,

the sum over every node that uses yᵢ (fan-out), plus the given ∂L/∂output where i is an output;
then each module's ``backward(x_{in(i)}, ∂L/∂yᵢ, scale)`` sends its grad_input on to its inputs.

The graph is kept as plain data (``nodes``: dicts holding module indices, so ``save`` writes it
as it is); the working state — each node's output, input table and gradient buffers — is
per-call state, rebuilt after ``clear_state``, ``type`` or ``load``.
"""

from __future__ import annotations

import os

import numpy as np

from .._errors import with_place
from .._tables import check_like, describe, reuse_list
from ..container import Container
from ..module import Module
from . import _build, _data, _dot, _sums
from ._plan import BACKWARD, FORWARD, NONE, Plan, Step, build_plan
from .node import Node

WHO = "nn.gModule"


class gModule(Container):  # noqa: N801 (Lua's class name)
    """A directed acyclic graph of modules, from input nodes to output nodes (Lua's nngraph).

    ``nn.gModule([x, prev_h], [next_h])``: forward takes one tensor (or table) per input node —
    the value itself for one input node, a table of them for several — and returns the output
    node's output, or the table of the output nodes' outputs. Backward sums the gradients of a
    node that feeds several others. The modules are the children (``self.modules``, in Lua's
    order), so parameters, ``get_parameters``, ``type``, ``training``, ``clear_state``,
    ``save`` and the gradient checker see them.

    Parameters
    ----------
    inputs : Node or list of Node
        The input nodes, each made by calling a module with no argument (``nn.Identity()()``).
    outputs : Node or list of Node
        The nodes whose outputs the gModule returns.

    Attributes
    ----------
    nodes : list of dict
        The graph in topological order: ``{"module": index into modules or None, "inputs":
        [node numbers], "select": k, "split": n, "annotations": {...}, "declared_at": str}``.
    input_nodes, output_nodes : list of int
        The node numbers of the inputs and outputs, in order.
    """

    per_call_attributes = (*Container.per_call_attributes, "_plan")

    def __init__(self, inputs: Node | list[Node], outputs: Node | list[Node]) -> None:
        super().__init__()
        graph = _build.build(WHO, inputs, outputs)
        self.modules = graph.modules
        self.nodes = graph.nodes
        self.input_nodes = graph.inputs
        self.output_nodes = graph.outputs
        self._plan = None
        self.validate()
        self.list_modules()  # a module also used inside a nested gModule or container

    def validate(self) -> None:
        """Check that ``nodes``, ``input_nodes`` and ``output_nodes`` describe a usable graph.

        Every module is used by exactly one node, each node's inputs come before it, a node
        made by ``split`` selects one element of one input, the input nodes and only they have
        no inputs, and every node leads to an output (``load`` runs this on a file's graph).
        """
        _data.check(WHO, self.modules, self.nodes, self.input_nodes, self.output_nodes)
        super().validate()

    # ------------------------------------------------------------------ the children
    def add(self, module: Module) -> gModule:
        """Refused: a gModule's children come from its graph (build a new gModule instead).

        Parameters
        ----------
        module : Module
            Not used.
        """
        raise TypeError(f"{WHO}: its modules come from its graph; build a new nn.gModule instead")

    def insert(self, module: Module, index: int | None = None) -> gModule:
        """Refused, as :meth:`add`.

        Parameters
        ----------
        module : Module
            Not used.
        index : int, optional
            Not used.
        """
        return self.add(module)

    def remove(self, index: int | None = None) -> gModule:
        """Refused, as :meth:`add`.

        Parameters
        ----------
        index : int, optional
            Not used.
        """
        return self.add(None)

    @property
    def n_inputs(self) -> int:
        """How many input nodes (Lua's ``nInputs``): forward takes a table of that many if > 1."""
        return len(self.input_nodes)

    nInputs = n_inputs

    # ------------------------------------------------------------------ the working state
    def _runtime(self) -> Plan:
        plan = self._plan
        if plan is None or plan.modules != self.modules:  # new, or modules replaced
            plan = self._plan = build_plan(
                WHO, self.modules, self.nodes, self.input_nodes, self.output_nodes
            )
        return plan

    # ------------------------------------------------------------------ forward
    def update_output(self, input: np.ndarray | list) -> np.ndarray | list:
        plan = self._runtime()
        count = len(self.input_nodes)
        if count == 1:
            given = (input,)
        elif type(input) is not list or len(input) != count:
            got = f"a table of {len(input)}" if type(input) is list else describe(input)
            raise ValueError(
                f"{WHO}: expected a table of {count} inputs (one for each input node, in the "
                f"order of gModule's inputs), got {got}"
            )
        else:
            given = input
        plan.stage = NONE
        values, node_inputs = plan.values, plan.node_inputs
        for index, step in enumerate(plan.steps):
            if step.select is not None:
                source = values[step.inputs[0]]
                if type(source) is not list or len(source) != step.split:
                    raise ValueError(
                        f"{WHO}: {step.label} cannot split {describe(source)}: split("
                        f"{step.split}) needs a table of {step.split} elements"
                    )
                values[index] = source[step.select]
                continue
            if step.slot is not None:
                x = given[step.slot]
            elif len(step.inputs) == 1:
                x = values[step.inputs[0]]
            else:
                x = step.table
                for place, source in enumerate(step.inputs):
                    x[place] = values[source]
            node_inputs[index] = x
            try:
                values[index] = step.module.forward(x)
            except Exception as error:
                raise with_place(error, f"In {step.label} of {WHO}") from None
        if len(self.output_nodes) == 1:
            self.output = values[self.output_nodes[0]]
        else:
            output = reuse_list(self.output, len(self.output_nodes))
            for place, index in enumerate(self.output_nodes):
                output[place] = values[index]
            self.output = output
        plan.stage = FORWARD
        return self.output

    # ------------------------------------------------------------------ backward
    def _reverse(self, grad_output: object, run: object) -> object:
        """One reverse pass: sum each node's gradient, ``run(module, input, gradient)`` on it."""
        plan = self._plan
        if plan is None or plan.stage == NONE:
            raise ValueError(
                f"{WHO}: backward called before forward (no forward yet, or clear_state() "
                f"dropped what backward reads); call forward(input) first"
            )
        steps = plan.steps
        received: list[list] = [[] for _ in steps]
        if len(self.output_nodes) == 1:
            received[self.output_nodes[0]].append((None, grad_output))
        else:
            for place, index in enumerate(self.output_nodes):
                received[index].append((None, grad_output[place]))
        grad_input = reuse_list(self.grad_input, len(self.input_nodes))
        for index in range(len(steps) - 1, -1, -1):
            step = steps[index]
            grad, plan.sums[index] = _sums.total(
                received[index], plan.values[index], plan.sums[index], step.who
            )
            plan.totals[index] = grad
            if step.select is not None:
                received[step.inputs[0]].append((step.select, grad))
                continue
            try:
                result = run(step.module, plan.node_inputs[index], grad)
            except Exception as error:
                raise with_place(error, f"In {step.label} of {WHO}") from None
            if step.slot is not None:
                grad_input[step.slot] = result
            elif len(step.inputs) == 1:
                received[step.inputs[0]].append((None, self._sent(step, result)))
            else:
                result = self._sent(step, result)
                if type(result) is not list or len(result) != len(step.inputs):
                    raise ValueError(
                        f"{WHO}: {step.label} has {len(step.inputs)} inputs but its module's "
                        f"grad_input is {describe(result)}"
                    )
                for place, source in enumerate(step.inputs):
                    received[source].append((None, result[place]))
        self.grad_input = grad_input[0] if len(self.input_nodes) == 1 else grad_input
        plan.stage = BACKWARD
        return self.grad_input

    @staticmethod
    def _sent(step: Step, grad_input: object) -> object:
        if grad_input is None:
            raise ValueError(
                f"{WHO}: {step.label} gave no grad_input (compute_grad_input is False?), but the "
                f"nodes before it need it; only a module of an input node may skip it"
            )
        return grad_input

    def check_backward(self, input: object, grad_output: object, scale: object = 1.0) -> tuple:
        """Check ``grad_output`` against ``output``; returns both with tuples read as lists.

        The part of ``grad_output`` an output node's module receives unchanged is left to that
        module's own check; the parts that are summed first (an output node that also feeds
        other nodes, is listed twice, or selects from a split) are checked here, leaf by leaf.

        Parameters
        ----------
        input : object
            The input given to ``backward``; the input nodes' modules check it.
        grad_output : object
            ∂L/∂output given to ``backward``.
        scale : object
            The ``scale`` given to ``backward``.

        Returns
        -------
        tuple
            ``(input, grad_output)`` with tuples read as lists.
        """
        input, grad_output = super().check_backward(input, grad_output, scale)
        summed = self._runtime().summed_outputs
        if summed and len(self.output_nodes) == 1:
            check_like(WHO, grad_output, self.output, "grad_output", "the output")
        elif summed:
            for place in summed:
                check_like(
                    WHO,
                    grad_output[place],
                    self.output[place],
                    f"grad_output[{place}]",
                    f"the output[{place}]",
                )
        return input, grad_output

    def update_grad_input(self, input: np.ndarray | list, grad_output: np.ndarray | list) -> object:
        def run(module: Module, x: object, grad: object) -> object:
            result = module.update_grad_input(x, grad)
            if result is not None:
                module.grad_input = result
            return module.grad_input

        return self._reverse(grad_output, run)

    def acc_grad_parameters(
        self, input: np.ndarray | list, grad_output: np.ndarray | list, scale: float = 1.0
    ) -> None:
        plan = self._plan
        if plan is None or plan.stage != BACKWARD:
            raise ValueError(
                f"{WHO}: acc_grad_parameters reads the gradients of the last update_grad_input "
                f"(or backward) after a forward; call update_grad_input first"
            )
        for index in range(len(plan.steps) - 1, -1, -1):
            step = plan.steps[index]
            if step.module is not None:
                try:
                    step.module.acc_grad_parameters(
                        plan.node_inputs[index], plan.totals[index], scale
                    )
                except Exception as error:
                    raise with_place(error, f"In {step.label} of {WHO}") from None

    def backward(
        self, input: np.ndarray | list, grad_output: np.ndarray | list, scale: float = 1.0
    ) -> object:
        """One reverse pass calling each node's module's own ``backward``; returns grad_input.

        Parameters
        ----------
        input : numpy.ndarray or list
            The input of the last ``forward`` (the nodes' inputs are read from that forward).
        grad_output : numpy.ndarray or list
            ∂L/∂output, of the output's structure and shapes (a table for several outputs).
        scale : float
            Factor on every parameter gradient's contribution.

        Returns
        -------
        numpy.ndarray or list
            ∂L/∂input: a tensor for one input node, a table for several.
        """
        input, grad_output = self.check_backward(input, grad_output, scale)
        result = self._reverse(grad_output, lambda m, x, g: m.backward(x, g, scale))
        if not self.compute_grad_input:
            self.grad_input = result = None
        return result

    # ------------------------------------------------------------------ Lua's views
    @property
    def forwardnodes(self) -> list[Node]:
        """The graph as :class:`Node` objects in forward order (Lua's ``gmod.forwardnodes``).

        Built from ``nodes`` on each access; a node's ``annotations`` is the gModule's own dict,
        so ``node.annotate(...)`` through it changes the gModule's, as in Lua.
        """
        built: list[Node] = []
        for node in self.nodes:
            module = None if node["module"] is None else self.modules[node["module"]]
            made = Node(module, [built[i] for i in node["inputs"]])
            made.annotations = node["annotations"]
            made.select_index, made.split_size = node["select"], node["split"]
            made.declared_at = node["declared_at"]
            built.append(made)
        return built

    @property
    def backwardnodes(self) -> list[Node]:
        """:attr:`forwardnodes` in reverse, the order backward visits them."""
        return self.forwardnodes[::-1]

    # ------------------------------------------------------------------ pictures
    def to_dot(self, title: str | None = None) -> str:
        """The graph as Graphviz DOT text (Lua's ``graph.dot`` on ``gmod.fg``).

        Parameters
        ----------
        title : str, optional
            Drawn above the graph.

        Returns
        -------
        str
            One DOT node per graph node (number, annotation name, module, description; the
            node's ``graph_attributes``), boxes for the inputs and outputs.
        """
        return _dot.graph_to_dot(
            self.nodes, self.modules, self.input_nodes, self.output_nodes, title
        )

    def save_graph(self, path: str | os.PathLike[str], title: str | None = None) -> None:
        """Write the picture to ``path``: ``.svg``, ``.png`` or ``.pdf`` by Graphviz, or ``.dot``.

        A RuntimeError says how to install Graphviz when its ``dot`` program is missing.

        Parameters
        ----------
        path : str or os.PathLike
            The file; its suffix chooses the format.
        title : str, optional
            Drawn above the graph.
        """
        _dot.save_dot(self.to_dot(title), path, f"{WHO}.save_graph")

    # ------------------------------------------------------------------ printing
    def __tostring__(self) -> str:
        slots = {node: slot for slot, node in enumerate(self.input_nodes)}
        lines = [f"{WHO} {{"]
        for index, node in enumerate(self.nodes):
            name = node["annotations"].get("name")
            named = f"'{name}' " if name else ""
            if node["select"] is not None:
                what = f"{named}element {node['select']} of [{node['inputs'][0]}]"
                lines.append(f"  [{index}] {what}")
                continue
            module = repr(self.modules[node["module"]]).replace("\n", "\n  ")
            sources = (
                f"input {slots[index]}"
                if index in slots
                else ", ".join(f"[{i}]" for i in node["inputs"])
            )
            lines.append(f"  [{index}] {named}{module} <- {sources}")
        lines.append("  outputs: " + ", ".join(f"[{i}]" for i in self.output_nodes))
        lines.append("}")
        return "\n".join(lines)
