"""``nn.Criterion``: a loss L(input, target) and its gradient ∂L/∂input (Torch's API).

``forward(input, target)`` returns the loss as a Python float (also kept in ``output``);
``backward(input, target)`` returns ``grad_input``. With ``size_average=True`` the loss is a
mean over the batch, as in Torch.
"""

from __future__ import annotations

import copy

import numpy as np

from .._lua_names import CRITERION_METHODS, attribute_alias, link_lua_names
from .._parameters import held_items
from .._settings import boolean
from .._tables import as_table, check_leaves, holds_tensors, leaves, table_refused
from .._types import NO_ARGUMENT, as_module_dtype, lua_type_name
from ..module import Module
from ._non_finite import check_loss


class Criterion:
    """Base class of the losses; subclasses implement ``update_output``, ``update_grad_input``.

    A criterion maps an ``input`` (what the network produced) and a ``target`` to a loss
    L(input, target), a Python float, and gives ∂L/∂input, an array of the input's shape. Over
    a batch of n rows, L = (1/n) Σᵢ ℓᵢ with ``size_average=True`` (Torch's default) and Σᵢ ℓᵢ
    without; each subclass defines ℓ and its normaliser.

    Parameters
    ----------
    size_average : bool, default True
        Average the loss over the batch (True) or sum it (False); Lua's ``sizeAverage``. It may
        be changed after construction.
    """

    output: float = 0.0
    grad_input: np.ndarray | None = None
    #: Buffers a criterion keeps between calls (``self._diff``): like ``output`` and
    #: ``grad_input``, never saved, loaded or converted (see :meth:`transient_attributes`).
    per_call_attributes: tuple[str, ...] = ()
    #: Whether the input may be a table (a list): criteria of pairs (``[x1, x2]``) and of
    #: several criteria. A criterion of one tensor given a table is refused by ``forward`` and
    #: ``backward`` with a TypeError naming it (tested only when the input is not an ndarray).
    takes_table: bool = False

    def __init__(self, size_average: bool = True) -> None:
        self.size_average = boolean(self._who(), "size_average", size_average)
        self.output = 0.0
        self.grad_input = None

    def validate(self) -> None:
        """Check the criterion's state, normalising it; raise naming the class and attribute.

        The one validation a class has, run at the end of ``__init__`` and by ``load``. A
        subclass checks its settings, then calls ``super().validate()``, which checks
        ``size_average`` (a bool).

        Raises
        ------
        TypeError
            A setting of the wrong type.
        ValueError
            A value out of its domain.
        """
        who = f"nn.{type(self).__name__}"
        self.size_average = boolean(who, "size_average", vars(self).get("size_average"))

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        link_lua_names(cls, CRITERION_METHODS)

    @classmethod
    def transient_attributes(cls) -> frozenset[str]:
        """Names of per-call state: ``output``, ``grad_input`` and ``per_call_attributes``."""
        return frozenset(("output", "grad_input", *cls.per_call_attributes))

    @classmethod
    def transient_defaults(cls) -> dict[str, object]:
        """The per-call state of a fresh instance, as a loader sets it (class defaults)."""
        return {name: getattr(cls, name, None) for name in cls.transient_attributes()}

    def update_output(self, input: np.ndarray, target: np.ndarray) -> float:
        """Compute the loss, store it in ``self.output`` and return it.

        Parameters
        ----------
        input : numpy.ndarray
            What the network produced (float32 or float64).
        target : numpy.ndarray
            What it should have produced, in the form the criterion expects.
        """
        raise NotImplementedError(f"{self._who()} does not implement update_output")

    def update_grad_input(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        """Compute ``self.grad_input`` = ∂L/∂input and return it.

        Parameters
        ----------
        input : numpy.ndarray
            The input the loss is differentiated at.
        target : numpy.ndarray
            The target, as for :meth:`update_output`.
        """
        raise NotImplementedError(f"{self._who()} does not implement update_grad_input")

    def forward(self, input: np.ndarray | list, target: object) -> float:
        """Check every leaf of ``input`` is a floating array, then return the loss.

        Parameters
        ----------
        input : numpy.ndarray or list
            What the network produced: a float32/float64 array, or a table (list; a tuple is
            read as a list) of them for a criterion of pairs (``[x1, x2]``).
        target : numpy.ndarray, number or list
            What it should have produced, in the form the criterion expects.

        Returns
        -------
        float
            The loss, also kept in ``output``.

        Notes
        -----
        A NaN or ±inf loss is never returned silently: when the loss is not finite, the input
        (and a floating target) are scanned, and a NaN or ±inf there is a ValueError naming the
        first offending index. A non-finite loss from finite input (an overflow) is returned
        as IEEE arithmetic gives it, with a RuntimeWarning. ``backward`` does not repeat the
        scan: call ``forward`` first, as a training loop does.
        """
        input, target = self.check_arguments(input, target)
        result = self.update_output(input, target)
        loss = float(self.output if result is None else result)
        self.output = check_loss(self._who(), loss, self._inputs_to_scan(input, target))
        return self.output

    def __call__(self, input: np.ndarray | list, target: object) -> float:
        # Dispatch through the instance, so a subclass overriding ``forward`` is reached too.
        return self.forward(input, target)

    def backward(self, input: np.ndarray | list, target: object) -> np.ndarray | list:
        """Return ∂L/∂input (also kept in ``grad_input``), of the input's structure.

        Parameters
        ----------
        input : numpy.ndarray or list
            The input the loss is differentiated at.
        target : numpy.ndarray, number or list
            The target.

        Returns
        -------
        numpy.ndarray or list
            ∂L/∂input, the criterion's reused ``grad_input`` buffer: copy it to keep it.
        """
        input, target = self.check_arguments(input, target)
        result = self.update_grad_input(input, target)
        if result is not None:
            self.grad_input = result
        return self.grad_input

    def check_arguments(self, input: object, target: object) -> tuple[object, object]:
        """Check ``input``'s leaves (float32/float64 arrays); return both with tuples as lists.

        Called by ``forward`` and ``backward``; a criterion whose input is not floating
        overrides it. ``update_output``/``update_grad_input`` called directly are unchecked.

        Parameters
        ----------
        input : object
            The criterion's input.
        target : object
            The target.

        Returns
        -------
        tuple
            ``(input, target)`` with tuples read as lists.
        """
        if type(input) is np.ndarray and input.dtype.char in "fd":
            return input, as_table(target) if type(target) is tuple else target
        input = as_table(input)
        if type(input) is list and not self.takes_table and holds_tensors(input):
            custom = not type(self).__module__.startswith("minitorch_l2.")
            raise table_refused(self._who(), input, custom)
        check_leaves(self._who(), input, "input")
        return input, as_table(target)

    def _inputs_to_scan(self, input: object, target: object) -> list[tuple[str, object]]:
        """(name, value) of what may explain a non-finite loss (only floating arrays are read)."""
        return [*leaves(input, "input"), *leaves(target, "target")]

    # ------------------------------------------------------------------ type and copies
    def type(self, dtype: object = NO_ARGUMENT, tensor_cache: object = None) -> Criterion | str:
        """Convert every floating array attribute (class weights, buffers) to ``dtype``.

        With no argument, returns the type as ``Module.type()`` does: ``'torch.FloatTensor'``
        or ``'torch.DoubleTensor'``, the dtype of the criterion's own arrays (class weights,
        those of the criteria it combines), ``'torch.DoubleTensor'`` when it holds none. (Lua's
        ``Criterion:type()`` without a type is an error.)

        Parameters
        ----------
        dtype : numpy.dtype, type or str
            float32 or float64, as for ``Module.type`` (``'torch.FloatTensor'`` too).
        tensor_cache : object, optional
            Accepted for Lua's signature and ignored.

        Returns
        -------
        Criterion or str
            ``self``, with its per-call state (``output``, ``grad_input``, work buffers)
            dropped; or, without ``dtype``, the type name.
        """
        if dtype is NO_ARGUMENT:
            return lua_type_name(self._array_dtype() or np.dtype(np.float64))
        dtype = as_module_dtype(dtype, self._who())
        transient = type(self).transient_attributes()
        for name, value in list(vars(self).items()):
            if name in transient:  # per-call state: dropped as Module.type drops it, not cast
                setattr(self, name, getattr(type(self), name, None))
            elif isinstance(value, np.ndarray) and value.dtype.kind == "f":
                setattr(self, name, value.astype(dtype))
            elif isinstance(value, Criterion | Module):
                value.type(dtype)
            elif type(value) is list:
                for item in value:
                    if isinstance(item, Criterion | Module):
                        item.type(dtype)
        return self

    def _array_dtype(self) -> np.dtype | None:
        """The dtype of the first floating array the criterion holds (itself or its parts)."""
        skip = type(self).transient_attributes()
        for name, value in vars(self).items():
            if name in skip:
                continue
            for item in value if type(value) is list else [value]:
                if isinstance(item, np.ndarray) and item.dtype.kind == "f":
                    return item.dtype
                found = item._array_dtype() if isinstance(item, Criterion) else None
                if found is not None:
                    return found
                if isinstance(item, Module) and item.parameters()[0]:
                    return item.parameters()[0][0].dtype
        return None

    def float(self) -> Criterion:
        """Convert to float32 (Torch's ``:float()``)."""
        return self.type(np.float32)

    def double(self) -> Criterion:
        """Convert to float64 (Torch's ``:double()``)."""
        return self.type(np.float64)

    def clone(self) -> Criterion:
        """A deep copy with no per-call state (Lua's ``clone``), as ``Module.clone`` gives.

        Settings and arrays (class weights) are copied; ``output``, ``grad_input`` and the work
        buffers (``per_call_attributes``), here and in the criteria and modules it holds, are
        not: the copy starts as a fresh criterion does.
        """
        parts = self._parts()
        kept = {
            id(item)
            for part in parts
            for name, value in vars(part).items()
            if name not in type(part).transient_attributes()
            for item in [value, *held_items(value)]
        }
        memo: dict[int, object] = {}  # transient values map to None: deepcopy skips them
        for part in parts:
            for name in type(part).transient_attributes():
                value = part.__dict__.get(name)
                if value is not None and id(value) not in kept:
                    memo[id(value)] = None
        twin = copy.deepcopy(self, memo)
        for part in twin._parts():
            if isinstance(part, Module):
                part.clear_state()
            else:
                part.__dict__.update(type(part).transient_defaults())
        return twin

    def _parts(self) -> list[Criterion | Module]:
        """This criterion and every criterion and module it holds (in attributes or lists)."""
        found: dict[int, Criterion | Module] = {}
        stack: list[Criterion | Module] = [self]
        while stack:
            part = stack.pop()
            if id(part) in found:
                continue
            found[id(part)] = part
            if isinstance(part, Module):
                stack.extend(part._reachable_modules())
                continue
            skip = type(part).transient_attributes()
            for name, value in vars(part).items():
                if name not in skip:
                    stack.extend(i for i in held_items(value) if isinstance(i, Criterion | Module))
        return list(found.values())

    gradInput = attribute_alias("grad_input")
    sizeAverage = attribute_alias("size_average")

    def _who(self) -> str:
        return f"nn.{type(self).__name__}"

    def __repr__(self) -> str:
        return f"nn.{type(self).__name__}"


link_lua_names(Criterion, CRITERION_METHODS)
