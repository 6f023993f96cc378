"""``nn.Module``: the Torch 7 layer contract, for tensors and tables of tensors.

A module maps an input to ``output`` (``update_output``) and a ``grad_output`` (∂L/∂output) to
``grad_input`` = ∂L/∂input (``update_grad_input``); a module with weights also adds
∂L/∂weight to ``grad_weight`` (``acc_grad_parameters``). Parameter gradients *accumulate* until
``zero_grad_parameters``, exactly as in Lua Torch.

Inputs and outputs are tensors (ndarrays) or *tables*: Python lists, nested as deep as needed,
as Lua's tables of tensors (a tuple is accepted as input and read as a list). ``forward`` and
``backward`` are the checked entry points: every leaf's dtype, and ``grad_output``'s structure
and shapes against ``output``'s, with the leaf's path (``input[1][0]``) in any error.
``update_output``, ``update_grad_input`` and ``acc_grad_parameters`` called directly are
unchecked, as in Torch.

Buffers are lazy and reused: ``output``, ``grad_input`` and any internal buffer are allocated on
first use and the *same object* (array, or list of arrays for a table) is returned by later calls
while structure, shape and dtype match. Copy an output you want to keep, as you would in Torch.
One module object is therefore not safe to use from two threads at once: give each thread its
own ``clone()``.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._checks import SUPPORTED_FLOAT_CHARS, reuse
from ._errors import called_on_a_module
from ._lua_names import MODULE_METHODS, attribute_alias, link_lua_names
from ._node import call_node, wants_node
from ._parameter_methods import ParameterMethods
from ._settings import boolean
from ._state_checks import check_no_overlap, check_parameter_pairs, parameter_arrays
from ._tables import (
    as_table,
    check_leaves,
    check_like,
    copy_table,
    describe,
    holds_tensors,
    table_refused,
)
from ._tree_methods import TreeMethods

#: State rebuilt on use, never saved, copied by ``type`` or taken from a file: the last output
#: and grad_input, the named internal buffers, and the last table input ``forward`` checked (so
#: that ``backward`` at that input does not walk it again). A class adds its own in
#: ``per_call_attributes``.
TRANSIENT_ATTRIBUTES: tuple[str, ...] = ("output", "grad_input", "_buffers", "_checked_input")


class Module(ParameterMethods, TreeMethods):
    """Base class of every layer and container.

    Subclasses implement ``update_output(input)`` and ``update_grad_input(input, grad_output)``
    (or their Lua spellings ``updateOutput``/``updateGradInput``), plus
    ``acc_grad_parameters(input, grad_output, scale)`` if they have weights. Parameters are
    declared by :attr:`parameter_names` (pairs of parameter and gradient attribute) or, the Lua
    way, by overriding :meth:`parameters`. Children kept in a ``modules`` list are seen by every
    tree operation (see :class:`nn.Container`).

    For y = f(x; θ) and a loss L: ``forward`` computes y, ``backward(x, ∂L/∂y, scale)`` returns
    ∂L/∂x = (∂y/∂x)ᵀ ∂L/∂y and adds scale · (∂y/∂θ)ᵀ ∂L/∂y to each parameter gradient. x and
    y are tensors or tables (lists) of tensors. The constructor takes no parameters; a subclass
    calls ``super().__init__()``.
    """

    #: Pairs (parameter attribute, gradient attribute) a module owns; ``None`` values are skipped.
    parameter_names: tuple[tuple[str, str], ...] = (
        ("weight", "grad_weight"),
        ("bias", "grad_bias"),
    )
    #: Attributes a layer sets in forward/backward for the next call, beside ``output``,
    #: ``grad_input`` and named buffers: ``clear_state`` resets them to None, and ``save``,
    #: ``load``, ``type`` and ``clone`` treat them as transient (see :meth:`transient_attributes`).
    per_call_attributes: tuple[str, ...] = ()

    # Class-level defaults, so a layer ported from Lua that forgets ``super().__init__()`` still
    # has the Torch state (Lua's ``parent.__init(self)`` is just as easy to forget).
    output: np.ndarray | list | None = None
    grad_input: np.ndarray | list | None = None
    train: bool = True

    #: Set to False when nothing needs ∂L/∂input from this module — typically the first layer of
    #: a network, whose input is the data. ``backward`` then skips ``update_grad_input`` (for a
    #: first Linear layer that is a third of its backward's arithmetic: the product G W), still
    #: accumulates the parameter gradients, and leaves ``grad_input`` None. Lua Torch's
    #: ``nn.Linear`` skipped the same product when ``self.gradInput`` was nil; PyTorch skips it
    #: whenever the input does not require grad. Default True: Torch's contract.
    compute_grad_input: bool = True

    #: Whether the module's input may be a table (a list), as for Lua's table modules,
    #: containers and ``nn.Identity``. A module that takes one tensor (the default) given a
    #: table is refused by ``forward``/``backward`` with a TypeError naming it; the test runs
    #: only when the input is not an ndarray, off the hot path.
    takes_table: bool = False

    #: True when the output is the input itself, a view of it, or a table of its arrays
    #: (``nn.Identity``, ``nn.View``, ``nn.SelectTable``, ...): a module working in place after
    #: this one writes into this one's input, which ``nn.gModule``'s build check follows.
    aliases_input: bool = False

    # The last table input forward checked (see TRANSIENT_ATTRIBUTES).
    _checked_input: list | None = None

    # Set per class by __init_subclass__: does the class override check_input / parameters?
    _own_input_check = False
    _lua_parameters = False

    def __init__(self) -> None:
        self.output = None
        self.grad_input = None
        self.train = True

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        link_lua_names(cls, MODULE_METHODS)
        cls._own_input_check = cls.check_input is not Module.check_input
        cls._lua_parameters = cls.parameters is not Module.parameters

    def validate(self) -> None:
        """Check the module's state, normalising it; raise naming the class and the attribute.

        The one validation a class has, run at the end of ``__init__`` and by ``load`` on every
        module it rebuilds, so a file cannot give a module state its constructor would refuse. A
        subclass checks its settings (``nn/_settings.py``: ``integer``, ``real``, ``boolean``,
        ``choice``, ``array``) and its arrays' shapes against them, then calls
        ``super().validate()``, which checks what every module has: ``train`` (and
        ``compute_grad_input``) a bool, each parameter a float32/float64 array with a gradient
        of its shape and dtype, one dtype for all parameters, and no two parameter or gradient
        arrays sharing memory.

        Raises
        ------
        TypeError
            A setting or an array of the wrong type.
        ValueError
            A value out of its domain, or an array whose shape does not fit the settings.
        """
        who = f"nn.{type(self).__name__}"
        self.train = boolean(who, "train", self.train)
        if "compute_grad_input" in vars(self):
            self.compute_grad_input = boolean(who, "compute_grad_input", self.compute_grad_input)
        check_parameter_pairs(who, self, type(self).parameter_names)
        check_no_overlap(who, parameter_arrays(self))

    # ------------------------------------------------------------------ the layer API
    def update_output(self, input: np.ndarray | list) -> np.ndarray | list:
        """Compute ``self.output`` from ``input`` and return it (subclasses implement this).

        The layer's own computation y = f(x; θ), called by :meth:`forward` after its checks;
        called directly it is unchecked, as in Torch. An implementation may set ``self.output``
        and return it, or only return it: ``forward`` stores a returned value in
        ``self.output``. The base class raises NotImplementedError.

        Parameters
        ----------
        input : numpy.ndarray or list
            x, a tensor or a table (list) of tensors. Through ``forward`` every leaf has been
            checked: float32 or float64, of the parameters' dtype.

        Returns
        -------
        numpy.ndarray or list
            y, usually a buffer the module reuses on the next call (copy it to keep it).
        """
        raise NotImplementedError(f"{self._who()} does not implement update_output")

    def update_grad_input(
        self, input: np.ndarray | list, grad_output: np.ndarray | list
    ) -> np.ndarray | list:
        """Compute ``self.grad_input`` = ∂L/∂input from ``grad_output`` = ∂L/∂output.

        The chain rule through this layer: ∂L/∂x = (∂y/∂x)ᵀ ∂L/∂y, a vector-Jacobian product
        (the Jacobian itself is never formed). Called by :meth:`backward`, which skips it when
        ``compute_grad_input`` is False; unchecked when called directly. An implementation may
        set ``self.grad_input`` and return it, or only return it. It may read what the last
        ``forward`` left (``self.output``, buffers), so it must follow a forward at the same
        ``input``. The base class raises NotImplementedError.

        Parameters
        ----------
        input : numpy.ndarray or list
            x, the input of the last ``forward``.
        grad_output : numpy.ndarray or list
            ∂L/∂y, of the output's structure, shapes and dtypes.

        Returns
        -------
        numpy.ndarray or list
            ∂L/∂x, of the input's structure and shapes.
        """
        raise NotImplementedError(f"{self._who()} does not implement update_grad_input")

    def acc_grad_parameters(
        self, input: np.ndarray | list, grad_output: np.ndarray | list, scale: float = 1.0
    ) -> None:
        """Add ``scale`` · ∂L/∂θ to every parameter gradient (nothing for parameter-free layers).

        For each parameter θ with gradient array g: g += scale · (∂y/∂θ)ᵀ ∂L/∂y. Gradients
        accumulate over calls until :meth:`zero_grad_parameters`. Called by :meth:`backward`
        (also when ``compute_grad_input`` is False). The base class does nothing.

        Parameters
        ----------
        input : numpy.ndarray or list
            x, the input of the last ``forward``.
        grad_output : numpy.ndarray or list
            ∂L/∂y, of the output's structure.
        scale : float
            Factor applied to this call's contribution before it is added (Torch's ``scale``).
        """

    def check_input(self, input: np.ndarray | list) -> None:
        """Raise unless ``input`` is one this module computes on (called by ``forward``).

        The default accepts a tensor or (nested) table whose every leaf is a float32/float64
        ndarray of the parameters' dtype. A layer taking other input overrides it
        (``nn.LookupTable`` accepts integer indices) and raises a TypeError or ValueError naming
        itself, the leaf's path and what it expected.

        Parameters
        ----------
        input : numpy.ndarray or list
            The input given to ``forward`` (tuples already turned into lists).
        """
        check_leaves(self._who(), input, "input", self._parameter_dtype())

    def forward(self, input: np.ndarray | list) -> np.ndarray | list:
        """Check ``input`` (:meth:`check_input`), then ``update_output``; returns ``output``.

        ``module(input)`` calls this method too.

        Parameters
        ----------
        input : numpy.ndarray or list
            x: a float32 or float64 array, or a table (list, or tuple read as a list) of them,
            of the dtype of the module's own parameters if it has any. Anything else raises a
            TypeError saying which leaf and what to convert.

        Returns
        -------
        numpy.ndarray or list
            y = ``self.output``. The module reuses it on later calls while structure, shape
            and dtype match: copy it to keep it (``module.forward(x).copy()``).
        """
        # The hot path: one plain float array and a class with the default check.
        if (
            type(input) is not np.ndarray
            or input.dtype.char not in SUPPORTED_FLOAT_CHARS
            or self._own_input_check
        ):
            input = as_table(input)
            if type(input) is list:
                if not self.takes_table and holds_tensors(input):
                    raise self._table_refused(input)
                self.check_input(input)
                self._checked_input = input  # backward at this very table need not walk it
            else:
                self.check_input(input)
        else:
            dtype = self._parameter_dtype()
            if dtype is not None and input.dtype != dtype:
                self.check_input(input)  # raises, saying which conversion to call
        result = self.update_output(input)
        if result is not None:
            self.output = result
        return self.output

    def __call__(self, *args: object) -> object:
        """``module(input)`` is ``module.forward(input)``; on graph nodes it makes a node.

        Looked up on the instance, so a subclass's own ``forward`` is what ``module(x)`` runs.
        As in Lua's nngraph, ``module()`` (no argument), ``module(node)`` and ``module([node,
        node])`` return a new graph node (:class:`nn.graph.node.Node`) instead of computing.
        """
        if len(args) == 1:
            argument = args[0]
            if type(argument) is not np.ndarray:
                if wants_node(argument):
                    return call_node(self, argument)
                if isinstance(argument, Module):
                    raise TypeError(called_on_a_module(self, argument))
            return self.forward(argument)
        if not args:
            return call_node(self)
        hint = (
            " (pass several nodes as one list: module([a, b]))"
            if any(map(wants_node, args))
            else ""
        )
        raise TypeError(
            f"{self._who()}: module(input) takes exactly one input (a tensor or a table), "
            f"got {len(args)} arguments{hint}"
        )

    def backward(
        self, input: np.ndarray | list, grad_output: np.ndarray | list, scale: float = 1.0
    ) -> np.ndarray | list | None:
        """``update_grad_input`` then ``acc_grad_parameters(scale)``; returns ``grad_input``.

        For y = f(x; θ): returns ∂L/∂x = (∂y/∂x)ᵀ ∂L/∂y and adds scale · (∂y/∂θ)ᵀ ∂L/∂y to
        every parameter gradient. ``update_grad_input`` is skipped, and ``grad_input`` set to
        None, when ``compute_grad_input`` is False.

        Parameters
        ----------
        input : numpy.ndarray or list
            x, the input given to the last ``forward`` (backward reads what forward left).
        grad_output : numpy.ndarray or list
            ∂L/∂y: the output's structure, shapes and dtypes.
        scale : float
            Factor on the parameter gradients' contribution; ``grad_input`` is not scaled.

        Returns
        -------
        numpy.ndarray, list or None
            ``self.grad_input`` = ∂L/∂x (a reused buffer, as ``output`` is), or None when
            ``compute_grad_input`` is False.

        Raises
        ------
        ValueError
            Called before any forward (or after ``clear_state``), or ``grad_output``'s
            structure or shapes are not the output's.
        TypeError
            A leaf of ``input`` or ``grad_output`` is not a float32/float64 array, their dtypes
            differ from the output's or the parameters', or ``scale`` is not a real number.
        """
        output = self.output
        if not (  # the hot path: attribute tests only, no message built
            type(input) is np.ndarray
            and type(grad_output) is np.ndarray
            and type(output) is np.ndarray
            and input.dtype.char in SUPPORTED_FLOAT_CHARS
            and grad_output.dtype == output.dtype
            and grad_output.shape == output.shape
            and type(scale) in (float, int)
            and not self._own_input_check
            and (self._lua_parameters or self._declared_dtype_matches(input.dtype))
        ):
            input, grad_output = self.check_backward(input, grad_output, scale)
        if (
            grad_output is self.grad_input
            and grad_output is not None
            and not self.__dict__.get("inplace", False)
        ):
            # The layer's own buffer passed back in: update_grad_input writes it while it, and
            # then acc_grad_parameters, still read it as grad_output. Work on a copy. A layer
            # in place (Lua's ``inplace`` flag) writes grad_output itself by design: no copy.
            grad_output = copy_table(grad_output)
        if self.compute_grad_input:
            result = self.update_grad_input(input, grad_output)
            if result is not None:
                self.grad_input = result
        else:  # nobody reads it (see compute_grad_input): skip the work
            self.grad_input = None
        self.acc_grad_parameters(input, grad_output, scale)
        return self.grad_input

    def check_backward(
        self, input: object, grad_output: object, scale: object = 1.0
    ) -> tuple[np.ndarray | list, np.ndarray | list]:
        """Check ``backward``'s arguments; return them with tuples read as lists.

        A ValueError before any forward or for a ``grad_output`` whose structure or shapes are
        not the output's; a TypeError for a bad leaf dtype or a ``scale`` that is not a real
        number. ``backward`` calls it off its hot path; a container may call it too. The input
        is checked as ``forward`` checks it (:meth:`check_input`), unless it is the very table
        the last ``forward`` checked: backward at the forward's input walks only
        ``grad_output``.

        Parameters
        ----------
        input : object
            The input given to ``backward``.
        grad_output : object
            ∂L/∂output given to ``backward``.
        scale : object
            The ``scale`` given to ``backward``.

        Returns
        -------
        tuple
            ``(input, grad_output)``, tuples read as lists.
        """
        who = self._who()
        if isinstance(scale, bool) or not isinstance(scale, numbers.Real):
            raise TypeError(f"{who}: backward's scale must be a real number, got {scale!r}")
        if self.output is None:
            raise ValueError(
                f"{who}: backward called before forward (no forward yet, or clear_state() "
                f"dropped the output backward reads); call forward(input) first; got input "
                f"{describe(input)}"
            )
        input, grad_output = as_table(input), as_table(grad_output)
        if type(input) is not list:
            self.check_input(input)
        elif not self.takes_table and holds_tensors(input):
            raise self._table_refused(input)
        elif input is not self._checked_input:  # else forward checked this very table
            self.check_input(input)
        check_like(who, grad_output, self.output, "grad_output", "the output")
        if isinstance(grad_output, np.ndarray) and grad_output.dtype.kind != "f":
            raise TypeError(
                f"{who}: grad_output must be float32 or float64, got {grad_output.dtype}"
            )
        return input, grad_output

    def _table_refused(self, input: list) -> TypeError:
        custom = not type(self).__module__.startswith("minitorch_l2.")
        return table_refused(self._who(), input, custom)

    @classmethod
    def transient_attributes(cls) -> frozenset[str]:
        """Names of per-call state: never saved, loaded, converted or kept by ``clear_state``."""
        return frozenset((*TRANSIENT_ATTRIBUTES, *cls.per_call_attributes))

    def _skipped(self) -> frozenset[str]:
        return type(self).transient_attributes()

    def _buffer(self, name: str, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        """A named internal buffer, reused while ``shape`` and ``dtype`` match (see ``reuse``)."""
        buffers = self.__dict__.setdefault("_buffers", {})
        buffer = buffers[name] = reuse(buffers.get(name), shape, dtype)
        return buffer

    def _drop_state(self) -> None:
        """This module's transient state, dropped: buffers forgotten, the rest set to None."""
        for name in type(self).transient_attributes():
            if name == "_buffers":
                self.__dict__.pop(name, None)
            else:
                setattr(self, name, None)

    def _existing_buffer(self, name: str) -> np.ndarray | None:
        """The named buffer as the last call left it, or None (none yet, or after clear_state)."""
        return self.__dict__.get("_buffers", {}).get(name)

    def _drop_buffer(self, name: str) -> None:
        """Forget the named buffer (a later ``_existing_buffer`` gives None)."""
        self.__dict__.get("_buffers", {}).pop(name, None)

    @classmethod
    def transient_defaults(cls) -> dict[str, object]:
        """The per-call state of a fresh instance, as a loader sets it (buffers come on use).

        Returns
        -------
        dict
            Each transient attribute but the buffers, with the class's default (None).
        """
        return {
            name: getattr(cls, name, None) for name in cls.transient_attributes() - {"_buffers"}
        }

    # ------------------------------------------------------------------ Lua attribute names
    gradInput = attribute_alias("grad_input")
    gradWeight = attribute_alias("grad_weight")
    gradBias = attribute_alias("grad_bias")

    # ------------------------------------------------------------------ printing
    def _who(self) -> str:
        return f"nn.{type(self).__name__}"

    def __tostring__(self) -> str:
        """Torch's ``__tostring__``: ``nn.Name``; a Lua port may override this spelling."""
        return f"nn.{type(self).__name__}"

    def __repr__(self) -> str:
        return self.__tostring__()


link_lua_names(Module, MODULE_METHODS)
