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

import copy
import numbers
import re
import weakref
from collections.abc import Callable, Iterator

import numpy as np

from ._checks import SUPPORTED_FLOAT_CHARS, reuse
from ._lua_names import MODULE_METHODS, attribute_alias, link_lua_names
from ._parameters import (
    Parameter,
    array_key,
    attribute_path,
    consecutive_base,
    converted,
    floating_arrays,
    held_items,
    replace_references,
    unique_pairs,
)
from ._settings import boolean
from ._state_checks import check_no_overlap, check_parameter_pairs, parameter_arrays
from ._tables import as_table, check_leaves, check_like, copy_table, describe
from .graph.node import call_node, wants_node

#: State rebuilt on use, never saved, copied by ``type`` or taken from a file: the last output
#: and grad_input, and the named internal buffers. A class adds its own in ``per_call_attributes``.
TRANSIENT_ATTRIBUTES: tuple[str, ...] = ("output", "grad_input", "_buffers")

#: Modules that ``share`` tied together (weakly): ``get_parameters`` re-points them too.
_SHARE_PARTNERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

_TORCH_TYPES = {
    "torch.FloatTensor": np.dtype(np.float32),
    "torch.DoubleTensor": np.dtype(np.float64),
}


class _NoArgument:
    def __repr__(self) -> str:
        return "<no argument>"


_NO_ARGUMENT = _NoArgument()


def _camel_to_snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def as_module_dtype(dtype: object, who: str) -> np.dtype:
    """float32 or float64 from any spelling (``np.float32``, ``"float64"``, Lua's type names).

    Anything else — None, another dtype, a string NumPy does not know — is a TypeError naming
    ``who`` and the two accepted types.

    Parameters
    ----------
    dtype : object
        The requested type.
    who : str
        The module or criterion asking, for the message.

    Returns
    -------
    numpy.dtype
        float32 or float64.
    """
    if isinstance(dtype, str) and dtype in _TORCH_TYPES:
        return _TORCH_TYPES[dtype]
    if dtype is None:
        raise TypeError(
            f"{who}: type() needs a dtype, float32 or float64 (np.float32, 'float64', "
            f"'torch.FloatTensor', ...), got None; call type() without arguments to read it"
        )
    try:
        resolved = np.dtype(dtype)
    except TypeError:
        resolved = None
    if resolved is None or resolved.char not in SUPPORTED_FLOAT_CHARS:
        got = repr(dtype) if resolved is None else resolved.name
        raise TypeError(
            f"{who}: type() expects a floating dtype modules compute in (np.float32, 'float64', "
            f"'torch.FloatTensor', 'torch.DoubleTensor'): float32 or float64, got {got}"
        )
    return resolved


def lua_type_name(dtype: np.dtype) -> str:
    """``'torch.FloatTensor'`` or ``'torch.DoubleTensor'``, as Lua's ``module:type()`` answers.

    Parameters
    ----------
    dtype : numpy.dtype
        float32 or float64.

    Returns
    -------
    str
        Lua's tensor type name.
    """
    return "torch.FloatTensor" if dtype == np.float32 else "torch.DoubleTensor"


def with_place(error: Exception, place: str) -> Exception:
    """``error`` re-made with ``place`` in front of its message, as Lua's ``rethrowErrors`` does.

    ``In module (1) of nn.Sequential: nn.Linear(4 -> 3): expected input ...``; nested
    containers each add their part. An exception type that cannot be rebuilt from a message
    keeps its own and gets the place as a note instead.

    Parameters
    ----------
    error : Exception
        The exception raised inside a child.
    place : str
        Where: ``In module (1) of nn.Sequential``.

    Returns
    -------
    Exception
        The exception to raise (``raise with_place(error, place) from None``).
    """
    message = f"{place}: {error}"
    try:
        new = type(error)(message)
    except Exception:
        new = None
    if new is None or str(new) != message:
        error.add_note(place)
        return error
    new.__traceback__ = error.__traceback__
    for note in getattr(error, "__notes__", ()):
        new.add_note(note)
    return new


class Module:
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
            if type(argument) is not np.ndarray and wants_node(argument):
                return call_node(self, argument)
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
        number. ``backward`` calls it off its hot path; a container may call it too.

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
        self.check_input(input)
        check_like(who, grad_output, self.output, "grad_output", "the output")
        if isinstance(grad_output, np.ndarray) and grad_output.dtype.kind != "f":
            raise TypeError(
                f"{who}: grad_output must be float32 or float64, got {grad_output.dtype}"
            )
        return input, grad_output

    # ------------------------------------------------------------------ parameters
    def _parameter_dtype(self) -> np.dtype | None:
        """The dtype of the module's own first parameter, or None (no parameters, a container)."""
        if self._lua_parameters and not self._children():
            params = self.parameters()[0]
            return params[0].dtype if params else None
        for param_name, _ in type(self).parameter_names:
            param = getattr(self, param_name, None)
            if param is not None:
                return param.dtype
        return None

    def _declared_dtype_matches(self, dtype: np.dtype) -> bool:
        for param_name, _ in type(self).parameter_names:
            param = getattr(self, param_name, None)
            if param is not None:
                return param.dtype == dtype
        return True

    def _own_pairs(self) -> list[tuple[np.ndarray, np.ndarray]]:
        pairs = []
        for param_name, grad_name in type(self).parameter_names:
            param = getattr(self, param_name, None)
            if param is not None:
                pairs.append((param, getattr(self, grad_name, None)))
        return pairs

    def parameters(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """``(params, grads)``: two lists of the actual arrays (not copies), as Torch returns.

        The module's own arrays (``parameter_names``) then its children's ``parameters()``,
        concatenated as Torch's containers do, so a child overriding ``parameters()`` is
        honoured. A parameter reached twice (a module used twice, ``share``d weights, two views
        of one memory) is listed once; a weight shared without its gradient is a ValueError.
        A layer may override this the Lua way, returning its own arrays: ``get_parameters``,
        ``type`` and ``gradcheck`` then use what it returns.
        """
        pairs = self._own_pairs()
        for child in self._children():
            pairs += zip(*child.parameters())
        return unique_pairs(self._who(), pairs)

    def named_parameters(self) -> list[Parameter]:
        """``[Parameter(name, param, grad), ...]``, names ``weight``, ``3.weight``, ``1.0.bias``.

        The arrays of :meth:`parameters`, each named by the first attribute of the tree that
        holds it (child index, dot, attribute); a parameter held by no attribute is named by
        its place, ``parameters()[k]``.
        """
        params, grads = self.parameters()
        tree = list(self._named_tree(""))
        named = []
        for index, (param, grad) in enumerate(zip(params, grads)):
            name = None
            for prefix, module in tree:
                found = attribute_path(module, param)
                if found is not None:
                    name = prefix + found
                    break
            named.append(Parameter(name or f"parameters()[{index}]", param, grad))
        return named

    def zero_grad_parameters(self) -> Module:
        """Set every parameter gradient to zero, in place (views from get_parameters stay valid)."""
        if self._lua_parameters:
            for grad in self.parameters()[1]:
                grad.fill(0)
        else:
            for param_name, grad_name in type(self).parameter_names:
                if getattr(self, param_name, None) is not None:
                    grad = getattr(self, grad_name, None)
                    if grad is not None:
                        grad.fill(0)
        for child in self._children():
            child.zero_grad_parameters()
        return self

    def update_parameters(self, learning_rate: float) -> Module:
        """Plain gradient step, in place: ``p -= learning_rate * grad`` for every parameter.

        Each distinct array moves once, even when a module is used twice in the tree.

        Parameters
        ----------
        learning_rate : float
            The step size η in θ ← θ − η · ∂L/∂θ.

        Returns
        -------
        Module
            ``self``.
        """
        for param, grad in zip(*self.parameters()):
            if grad is not None:
                param -= learning_rate * grad
        return self

    def get_parameters(self) -> tuple[np.ndarray, np.ndarray]:
        """Flatten all parameters and gradients into two 1-D arrays (Torch's ``getParameters``).

        Afterwards every parameter and gradient array of the tree is a view into them (every
        attribute holding one is re-pointed, in this tree and in modules tied to it by
        :meth:`share`), so an optimiser can update one vector. A second call returns the same
        vectors, as does a call on arrays that already tile one vector (a loaded flattened
        file). A shared parameter takes one place. A parameter that no attribute holds (an
        overridden ``parameters()`` returning computed arrays) is a TypeError: it could not be
        re-pointed.
        """
        params, grads = self.parameters()
        for param, grad in zip(params, grads):
            if grad is None or grad.shape != param.shape:
                got = "None" if grad is None else f"shape {grad.shape}"
                raise ValueError(
                    f"{self._who()}: get_parameters needs a gradient array of each parameter's "
                    f"shape; a parameter of shape {param.shape} has a gradient of {got}"
                )
        flat_params, flat_grads = consecutive_base(params), consecutive_base(grads)
        if flat_params is not None and flat_grads is not None:
            return flat_params, flat_grads
        dtypes = {param.dtype for param in params} | {grad.dtype for grad in grads}
        if len(dtypes) > 1:
            raise TypeError(
                f"{self._who()}: get_parameters needs one dtype, found {sorted(map(str, dtypes))}; "
                f"convert with .float() or .double() first"
            )
        dtype = dtypes.pop() if dtypes else np.dtype(np.float64)
        total = sum(param.size for param in params)
        flat_params = np.empty(total, dtype=dtype)
        flat_grads = np.empty(total, dtype=dtype)
        by_key: dict[tuple, np.ndarray] = {}
        offset = 0
        for param, grad in zip(params, grads):
            for flat, old in ((flat_params, param), (flat_grads, grad)):
                view = flat[offset : offset + old.size].reshape(old.shape)
                view[...] = old
                by_key[array_key(old)] = view
            offset += param.size
        modules = self._reachable_modules(partners=True)
        replace_references(modules, self._views_by_id(modules, by_key), self._skipped())
        params, grads = self.parameters()
        if consecutive_base(params) is not flat_params or consecutive_base(grads) is not flat_grads:
            raise TypeError(
                f"{self._who()}: get_parameters could not re-point every parameter: "
                f"parameters() returns arrays that no attribute of the module holds (a computed "
                f"array, or one kept outside the module); keep each parameter and gradient in "
                f"an attribute (or a list attribute) and return those arrays"
            )
        return flat_params, flat_grads

    def _views_by_id(self, modules: list[Module], by_key: dict[tuple, np.ndarray]) -> dict:
        # Every array object the modules hold that views a parameter's memory the same way.
        mapping: dict[int, np.ndarray] = {}
        skip = self._skipped()
        for module in modules:
            for name, value in vars(module).items():
                if name not in skip:
                    for item in held_items(value):
                        if isinstance(item, np.ndarray):
                            view = by_key.get(array_key(item))
                            if view is not None:
                                mapping[id(item)] = view
        return mapping

    # ------------------------------------------------------------------ the tree
    def _children(self) -> list[Module]:
        """The modules kept in ``self.modules`` (Lua's containers), or none."""
        modules = self.__dict__.get("modules")
        return modules if type(modules) is list else []

    def _named_tree(self, prefix: str) -> Iterator[tuple[str, Module]]:
        yield prefix, self
        for index, child in enumerate(self._children()):
            yield from child._named_tree(f"{prefix}{index}.")

    def list_modules(self) -> list[Module]:
        """This module followed by every module below it, depth first (Lua's ``listModules``).

        A module met twice (the same object in two places of the tree) is a ValueError: its
        ``output`` would be overwritten by its second use. Share weights between clones instead.
        """
        found: list[Module] = []
        seen: set[int] = set()

        def visit(module: Module, path: str) -> None:
            if id(module) in seen:
                raise ValueError(duplicate_message(module, path))
            seen.add(id(module))
            found.append(module)
            for index, child in enumerate(module._children()):
                if not isinstance(child, Module):
                    raise TypeError(
                        f"{module._who()}: modules[{index}] is a {type(child).__name__}, "
                        f"not an nn.Module"
                    )
                visit(child, f"{path}.modules[{index}]")

        visit(self, "self")
        return found

    def _reachable_modules(self, partners: bool = False) -> list[Module]:
        """The tree, plus modules held by other attributes, plus (optionally) ``share`` partners."""
        found: dict[int, Module] = {}
        stack: list[Module] = [self]
        skip = self._skipped()
        while stack:
            module = stack.pop()
            if id(module) in found:
                continue
            found[id(module)] = module
            for name, value in vars(module).items():
                if name in skip:
                    continue
                for item in held_items(value):
                    if isinstance(item, Module):
                        stack.append(item)
            if partners:
                stack.extend(_SHARE_PARTNERS.get(module, ()))
        return list(found.values())

    @classmethod
    def transient_attributes(cls) -> frozenset[str]:
        """Names of per-call state: never saved, loaded, converted or kept by ``clear_state``."""
        return frozenset((*TRANSIENT_ATTRIBUTES, *cls.per_call_attributes))

    def _skipped(self) -> frozenset[str]:
        return type(self).transient_attributes()

    def apply(self, function: Callable[[Module], object]) -> Module:
        """Call ``function(module)`` on this module and every module below it, parents first.

        Parameters
        ----------
        function : callable
            Called with each module; its return value is ignored.

        Returns
        -------
        Module
            ``self`` (Lua's ``module:apply(fn)`` returns nothing).
        """
        function(self)
        for child in self._children():
            child.apply(function)
        return self

    def replace(self, function: Callable[[Module], Module]) -> Module:
        """Lua's ``replace``: ``function(module)`` returns the module to put in its place.

        Applied to this module, then to each child of the result. A replacement that is
        already elsewhere in the tree is a ValueError, as at ``add``: it would be used twice.

        Parameters
        ----------
        function : callable
            ``function(module)`` returns the module itself or the one to use in its place.

        Returns
        -------
        Module
            The replacement of this module (``net = net.replace(fn)``).
        """
        result = function(self)
        if not isinstance(result, Module):
            raise TypeError(
                f"{self._who()}: replace's function must return an nn.Module, got "
                f"{type(result).__name__}"
            )
        children = result._children()
        for index, child in enumerate(children):
            children[index] = child.replace(function)
        result.list_modules()  # refuses a module now in two places (containers cache the check)
        return result

    def find_modules(
        self, type_or_name: type | str, container: Module | None = None
    ) -> tuple[list[Module], list[Module]]:
        """Every module of the given class below (and including) this one, and its container.

        Lua's ``findModules(typename)``: the class must match exactly (``nn.Linear``, or the
        names ``'nn.Linear'``/``'Linear'``), not a subclass.

        Parameters
        ----------
        type_or_name : type or str
            The class, or its name with or without ``nn.``.
        container : Module, optional
            The container reported for this module itself (default: itself).

        Returns
        -------
        tuple of (list, list)
            ``(modules, containers)``: each module found, and the container holding it.
        """
        if isinstance(type_or_name, str):
            name = type_or_name.removeprefix("nn.")
            matches = type(self).__name__ == name
        elif isinstance(type_or_name, type):
            matches = type(self) is type_or_name
        else:
            raise TypeError(
                f"{self._who()}: find_modules expects a class or a class name such as "
                f"'nn.Linear', got {type_or_name!r}"
            )
        found, containers = ([self], [container or self]) if matches else ([], [])
        for child in self._children():
            more, their = child.find_modules(type_or_name, self)
            found += more
            containers += their
        return found, containers

    def training(self) -> Module:
        """Set ``train = True`` here and below (Dropout becomes active)."""
        for module in self.list_modules():
            module.train = True
        return self

    def evaluate(self) -> Module:
        """Set ``train = False`` here and below (Dropout becomes the identity)."""
        for module in self.list_modules():
            module.train = False
        return self

    def reset(self, stdv: float | None = None) -> Module:
        """Re-draw the parameters (layers with weights override this); children are reset too.

        Parameters
        ----------
        stdv : float, optional
            Passed on to each child's ``reset``; its meaning is the layer's (see ``nn.Linear``).
        """
        for child in self._children():
            child.reset(stdv)
        return self

    def clear_state(self) -> Module:
        """Drop ``output``, ``grad_input``, internal buffers and per-call state here and below."""
        for module in self.list_modules():
            for name in type(module).transient_attributes():
                if name == "_buffers":
                    module.__dict__.pop(name, None)
                else:
                    setattr(module, name, None)
        return self

    def type(self, dtype: object = _NO_ARGUMENT, tensor_cache: object = None) -> Module | str:
        """Convert every floating array attribute to ``dtype`` (float32/float64); drop buffers.

        As Lua's ``Module:type`` converts every tensor field: parameters, gradients, running
        statistics, lists of arrays, in this module, its children and modules held by its
        attributes. Arrays already of ``dtype`` are kept (``get_parameters`` views stay valid);
        arrays viewing one contiguous base stay views of one converted base, so flattened
        parameters stay flattened. A shared array stays shared. Ends with :meth:`clear_state`.
        With no argument, returns the current type as Lua does: ``'torch.DoubleTensor'``.

        Parameters
        ----------
        dtype : numpy.dtype, type or str
            float32 or float64, in any spelling ``numpy.dtype`` accepts (``np.float32``,
            ``"float64"``) or Lua's (``"torch.FloatTensor"``, ``"torch.DoubleTensor"``).
            Anything else (None included) raises a TypeError.
        tensor_cache : object, optional
            Accepted for Lua's signature and ignored.

        Returns
        -------
        Module or str
            ``self``; or, without ``dtype``, the type name.
        """
        if dtype is _NO_ARGUMENT:
            params = self.parameters()[0]
            return lua_type_name(params[0].dtype if params else np.dtype(np.float64))
        dtype = as_module_dtype(dtype, self._who())
        modules = self._reachable_modules()
        skip = frozenset().union(*(type(m).transient_attributes() for m in modules))
        mapping = converted(floating_arrays(modules, skip), dtype)
        replace_references(modules, mapping, skip)
        return self.clear_state()

    def float(self) -> Module:
        """Convert to float32 (Torch's ``:float()``)."""
        return self.type(np.float32)

    def double(self) -> Module:
        """Convert to float64, the default (Torch's ``:double()``)."""
        return self.type(np.float64)

    def clone(self, *names: str) -> Module:
        """A deep copy; with ``names``, the copy shares those fields with this module (Lua's).

        ``clone()`` gives new arrays throughout — the way to give each thread its own module —
        and no transient state: the copy starts as after :meth:`clear_state`.
        ``clone('weight', 'bias', 'grad_weight', 'grad_bias')`` (Lua's camelCase names work
        too) makes the copy use this module's very arrays for those fields, in every module of
        the two trees: the Siamese-network recipe, whose gradients then add up in one place.

        Parameters
        ----------
        *names : str
            Fields to share (``weight``, ``grad_weight`` or ``gradWeight``, ``running_mean``).

        Returns
        -------
        Module
            The copy.
        """
        # Transient state is not copied (the copy starts as after clear_state): seeding the
        # memo with None keeps deepcopy from copying outputs, buffers or a caller's input.
        modules = self._reachable_modules()
        kept = {
            id(item)
            for m in modules
            for name, value in vars(m).items()
            if name not in type(m).transient_attributes()
            for item in [value, *held_items(value)]
        }
        memo: dict[int, object] = {}
        for m in modules:
            for name in type(m).transient_attributes():
                value = m.__dict__.get(name)
                if value is not None and id(value) not in kept:
                    memo[id(value)] = None
        twin = copy.deepcopy(self, memo)
        twin.clear_state()
        if names:
            twin.share(self, *names)
        return twin

    def share(self, other: Module, *names: str) -> Module:
        """Make this module use ``other``'s arrays for the fields ``names``, module by module.

        Lua's ``share``: the two trees are walked in step (they must have the same layout, as a
        clone has) and each named field present in both is set to ``other``'s array. The
        modules stay tied: ``get_parameters`` on either re-points both.

        Parameters
        ----------
        other : Module
            The module whose arrays this one takes.
        *names : str
            The fields, in our spelling or Lua's (``grad_weight`` or ``gradWeight``).

        Returns
        -------
        Module
            ``self``.
        """
        if not isinstance(other, Module):
            raise TypeError(
                f"{self._who()}: share expects an nn.Module, got {type(other).__name__}"
            )
        for name in names:
            if not isinstance(name, str):
                raise TypeError(f"{self._who()}: share's field names must be str, got {name!r}")
        mine, theirs = self.list_modules(), other.list_modules()
        if len(mine) != len(theirs) or any(type(a) is not type(b) for a, b in zip(mine, theirs)):
            raise ValueError(
                f"{self._who()}: share needs two trees of the same layout (as a clone has); "
                f"got {len(mine)} and {len(theirs)} modules"
            )
        for a, b in zip(mine, theirs):
            for name in names:
                attribute = _field_name(b, name)
                value = getattr(b, attribute, None)
                if value is not None and getattr(a, attribute, None) is not None:
                    setattr(a, attribute, value)
            if a is not b:
                _SHARE_PARTNERS.setdefault(a, weakref.WeakSet()).add(b)
                _SHARE_PARTNERS.setdefault(b, weakref.WeakSet()).add(a)
        return self

    def _buffer(self, name: str, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        """A named internal buffer, reused while ``shape`` and ``dtype`` match (see ``reuse``)."""
        buffers = self.__dict__.setdefault("_buffers", {})
        buffer = buffers[name] = reuse(buffers.get(name), shape, dtype)
        return buffer

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


def _field_name(module: Module, name: str) -> str:
    # Lua's camelCase field ('gradWeight') or ours ('grad_weight'): whichever the module has.
    if name in vars(module) or hasattr(type(module), name):
        return name
    snake = _camel_to_snake(name)
    return snake if snake in vars(module) else name


def duplicate_message(module: Module, path: str) -> str:
    """The error for one module object placed twice in a tree, with the sharing recipe.

    Parameters
    ----------
    module : Module
        The module met twice.
    path : str
        Where it was met the second time.

    Returns
    -------
    str
        The message.
    """
    return (
        f"{module._who()} appears twice in one module tree (again at {path}); a module keeps "
        f"the output and grad_input of its last call, so a second use would overwrite the "
        f"first's and give wrong gradients. To use the same weights twice, add a clone that "
        f"shares them: m.clone('weight', 'bias', 'grad_weight', 'grad_bias')"
    )


link_lua_names(Module, MODULE_METHODS)
