"""``Node``: one module applied in a graph (Lua's ``nngraph.Node``), made by calling a module.

``nn.Linear(4, 3)(x)`` does not compute anything when ``x`` is a node: it returns a new node
whose module is the Linear and whose input is ``x``. ``module()`` with no argument makes an
input node; ``module([a, b])`` a node whose module receives the table ``[a's output, b's
output]``. ``node.split(n)`` gives n nodes, each one element of a table output. Nodes only
record the graph; ``nn.gModule(inputs, outputs)`` runs it.

This file imports nothing from the rest of ``nn`` (``nn/module.py`` imports it).
"""

from __future__ import annotations

import os
import re
import sys

# The frames that make a node (Module.__call__, this file) are skipped when a node records
# where it was declared.
_NN_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_MAKERS = frozenset({os.path.abspath(__file__), os.path.join(_NN_DIR, "module.py")})
_DOT_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _declared_at() -> str:
    """``file.py:12``: the code that called the module or the node (Lua's ``_debugLabel``)."""
    frame = sys._getframe(1)
    while frame is not None and os.path.abspath(frame.f_code.co_filename) in _MAKERS:
        frame = frame.f_back
    if frame is None:
        return "?"
    return f"{os.path.basename(frame.f_code.co_filename)}:{frame.f_lineno}"


def _looks_like_module(value: object) -> bool:
    return hasattr(value, "update_output") and hasattr(value, "forward")


def describe_node(node: Node) -> str:
    """A node for messages: ``'i2h' nn.Linear(4 -> 3) (declared at lstm.py:12)``.

    Parameters
    ----------
    node : Node
        The node to describe.

    Returns
    -------
    str
        Its annotation name (quoted) if any, its module's first line (or which element of which
        node it selects), and where it was declared.
    """
    name = node.annotations.get("name")
    if node.select_index is not None:
        what = (
            f"split output {node.select_index} of {node.split_size} of "
            f"{describe_node(node.inputs[0])}"
        )
        return f"'{name}' ({what})" if name else what
    module = repr(node.module).split("\n", 1)[0].removesuffix(" {")
    head = f"'{name}' {module}" if name else module
    return f"{head} (declared at {node.declared_at})"


class Node:
    """One module applied to the outputs of other nodes: Lua's ``nngraph.Node``.

    Made by calling a module on nodes (``nn.Tanh()(x)``) or on nothing (``nn.Identity()()``,
    an input node), or by :meth:`split`. ``inputs`` are the nodes whose outputs this node's
    module receives, in order: one input gives the module that node's output itself, several
    give it the table (list) of their outputs, as Lua's nngraph does.

    Parameters
    ----------
    module : nn.Module or None
        The module this node runs; None for a node made by :meth:`split`.
    inputs : list of Node
        The nodes feeding this one, in the order the module receives them.

    Attributes
    ----------
    annotations : dict
        ``name``, ``description``, ``graph_attributes`` set by :meth:`annotate` (Lua's
        ``node.data.annotations``).
    declared_at : str
        ``file.py:line`` of the code that made the node; error messages and pictures show it.
    select_index, split_size : int or None
        For a node made by ``split(n)``: which element (0-based) of which n it selects.
    """

    def __init__(self, module: object = None, inputs: list[Node] | tuple = ()) -> None:
        self.module = module
        self.inputs: list[Node] = []
        self.annotations: dict[str, object] = {}
        self.select_index: int | None = None
        self.split_size: int | None = None
        self.declared_at = _declared_at()
        for index, node in enumerate(inputs):
            self.add(node, index)

    # ------------------------------------------------------------------ building
    def add(self, node: Node, index: int | None = None) -> Node:
        """Append ``node`` to this node's inputs (Lua's ``node:add(child, true)``); returns self.

        Parameters
        ----------
        node : Node
            The new last input.
        index : int, optional
            The position shown in an error message (default: the new input's position).
        """
        if not isinstance(node, Node):
            place = len(self.inputs) if index is None else index
            raise TypeError(_not_a_node(node, place, self))
        self.inputs.append(node)
        return self

    def split(self, n: int) -> tuple[Node, ...]:
        """``n`` nodes, the k-th selecting element k (0-based) of this node's table output.

        Lua's ``node:split(n)``: ``n1, n2 = nn.SplitTable(1)(x).split(2)``. At forward the output
        must be a table of exactly ``n`` elements. A tuple is returned even for ``n = 1``.

        Parameters
        ----------
        n : int
            How many elements the output table has (≥ 1).

        Returns
        -------
        tuple of Node
            The n selecting nodes, in order.
        """
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(
                f"Node.split: n must be an int >= 1, got {n!r} ({describe_node(self)})"
            )
        selected = []
        for k in range(n):
            node = Node(None, [self])
            node.select_index, node.split_size = k, n
            selected.append(node)
        return tuple(selected)

    def annotate(
        self,
        *,
        name: str | None = None,
        description: str | None = None,
        graph_attributes: dict | None = None,
    ) -> Node:
        """Set annotations (Lua's ``node:annotate{name = ..., ...}``); returns the node itself.

        The name appears in error messages, ``repr`` and pictures; the graph attributes (Lua's
        ``graphAttributes``) are Graphviz node attributes, e.g. ``{"color": "red"}``.

        Parameters
        ----------
        name : str, optional
            A short name: ``"i2h_1"``.
        description : str, optional
            A longer text shown in pictures.
        graph_attributes : dict, optional
            Graphviz attributes of the node: names (str) to str or number values.
        """
        who = f"Node.annotate ({describe_node(self)})"
        for key, value in (("name", name), ("description", description)):
            if value is not None:
                if not isinstance(value, str):
                    raise TypeError(f"{who}: {key} must be a str, got {value!r}")
                self.annotations[key] = value
        if graph_attributes is not None:
            if not isinstance(graph_attributes, dict):
                raise TypeError(f"{who}: graph_attributes must be a dict, got {graph_attributes!r}")
            for key, value in graph_attributes.items():
                if not isinstance(key, str) or not _DOT_NAME.match(key):
                    raise ValueError(f"{who}: {key!r} is not a Graphviz attribute name")
                if isinstance(value, bool) or not isinstance(value, str | int | float):
                    raise TypeError(f"{who}: graph attribute {key!r} must be a str or a number")
            self.annotations["graph_attributes"] = {k: str(v) for k, v in graph_attributes.items()}
        return self

    # ------------------------------------------------------------------ Lua spellings
    @property
    def data(self) -> Node:
        """Lua's ``node.data``: here the node holds ``module`` and ``annotations`` itself."""
        return self

    def __repr__(self) -> str:
        return f"Node({describe_node(self)})"


def _not_a_node(value: object, index: int, node: Node | None = None) -> str:
    where = f" of {describe_node(node)}" if node is not None and node.module is not None else ""
    if value is None:
        return f"inputs[{index}]{where} is None (a typo, or a node not made yet?)"
    if _looks_like_module(value):
        return (
            f"inputs[{index}]{where} is a module ({value!r}), but only graph nodes can be "
            f"passed: did you forget the second pair of parentheses that makes a node, "
            f"nn.{type(value).__name__}(...)(x) rather than nn.{type(value).__name__}(...)?"
        )
    return f"inputs[{index}]{where} should be a graph node (Node), got {type(value).__name__}"


def wants_node(argument: object) -> bool:
    """True when ``module(argument)`` builds a graph: a Node, or a list/tuple holding one.

    Parameters
    ----------
    argument : object
        What a module was called with.

    Returns
    -------
    bool
        False for arrays and tables of arrays, which ``module(argument)`` runs forward on.
    """
    if isinstance(argument, Node):
        return True
    return type(argument) in (list, tuple) and any(
        isinstance(item, Node) or _looks_like_module(item) for item in argument
    )


def call_node(module: object, argument: object = None) -> Node:
    """The node ``module(argument)`` makes: no inputs, one node, or a list of nodes.

    Parameters
    ----------
    module : nn.Module
        The module called.
    argument : Node, list of Node or None
        Its inputs; None (``module()``) makes an input node.

    Returns
    -------
    Node
        The new node.
    """
    if argument is None:
        node = Node(module)
    else:
        items = [argument] if isinstance(argument, Node) else list(argument)
        for index, item in enumerate(items):
            if not isinstance(item, Node):
                raise TypeError(f"{module!r}: {_not_a_node(item, index)}")
        node = Node(module, items)
    return node
