"""``nn.Module``: the Torch 7 layer contract.

A module maps an input to ``output`` (``update_output``) and a ``grad_output`` (∂L/∂output) to
``grad_input`` = ∂L/∂input (``update_grad_input``); a module with weights also adds
∂L/∂weight to ``grad_weight`` (``acc_grad_parameters``). Parameter gradients *accumulate* until
``zero_grad_parameters``, exactly as in Lua Torch.

Buffers are lazy and reused: ``output``, ``grad_input`` and any internal buffer are allocated on
first use and the *same array object* is returned by later calls while shape and dtype match.
Copy an output you want to keep (``y = module.forward(x).copy()``), as you would in Torch.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator

import numpy as np

from ._checks import SUPPORTED_FLOAT_CHARS, check_float_array, check_same_dtype, reuse
from ._lua_names import MODULE_METHODS, attribute_alias, link_lua_names
from ._parameter_slots import Pairing, Slot, all_views_of, check_declared, group_slots


class Module:
    """Base class of every layer and container.

    Subclasses implement ``update_output(input)`` and ``update_grad_input(input, grad_output)``
    (or their Lua spellings ``updateOutput``/``updateGradInput``), plus
    ``acc_grad_parameters(input, grad_output, scale)`` if they have weights. Parameters are found
    through :attr:`parameter_names`: pairs ``(parameter attribute, gradient attribute)``.

    For y = f(x; θ) and a loss L: ``forward`` computes y, ``backward(x, ∂L/∂y, scale)`` returns
    ∂L/∂x = (∂y/∂x)ᵀ ∂L/∂y and adds scale · (∂y/∂θ)ᵀ ∂L/∂y to each parameter gradient.
    The constructor takes no parameters; a subclass calls ``super().__init__()``.
    """

    #: Pairs (parameter attribute, gradient attribute) a module owns; ``None`` values are skipped.
    parameter_names: tuple[tuple[str, str], ...] = (
        ("weight", "grad_weight"),
        ("bias", "grad_bias"),
    )
    #: Attributes a layer sets in forward/backward for the next call, beside ``output``,
    #: ``grad_input`` and named buffers: ``clear_state`` resets them to None, ``save`` skips them.
    per_call_attributes: tuple[str, ...] = ()

    # Class-level defaults, so a layer ported from Lua that forgets ``super().__init__()`` still
    # has the Torch state (Lua's ``parent.__init(self)`` is just as easy to forget).
    output: np.ndarray | None = None
    grad_input: np.ndarray | None = None
    train: bool = True

    #: Set to False when nothing needs ∂L/∂input from this module — typically the first layer of
    #: a network, whose input is the data. ``backward`` then skips ``update_grad_input`` (for a
    #: first Linear layer that is a third of its backward's arithmetic: the product G W), still
    #: accumulates the parameter gradients, and leaves ``grad_input`` None. Lua Torch's
    #: ``nn.Linear`` skipped the same product when ``self.gradInput`` was nil; PyTorch skips it
    #: whenever the input does not require grad. Default True: Torch's contract.
    compute_grad_input: bool = True

    def __init__(self) -> None:
        self.output = None
        self.grad_input = None
        self.train = True

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        link_lua_names(cls, MODULE_METHODS)

    # ------------------------------------------------------------------ the layer API
    def update_output(self, input: np.ndarray) -> np.ndarray:
        """Compute ``self.output`` from ``input`` and return it (subclasses implement this).

        The layer's own computation y = f(x; θ), called by :meth:`forward` after its checks. An
        implementation may set ``self.output`` and return it, or only return it: ``forward``
        stores a returned array in ``self.output``. The base class raises NotImplementedError.

        Parameters
        ----------
        input : numpy.ndarray
            x. Through ``forward`` it has been checked: float32 or float64, of the
            parameters' dtype.

        Returns
        -------
        numpy.ndarray
            y, usually a buffer the module reuses on the next call (copy it to keep it).
        """
        raise NotImplementedError(f"{self._who()} does not implement update_output")

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        """Compute ``self.grad_input`` = ∂L/∂input from ``grad_output`` = ∂L/∂output.

        The chain rule through this layer: ∂L/∂x = (∂y/∂x)ᵀ ∂L/∂y, a vector-Jacobian product
        (the Jacobian itself is never formed). Called by :meth:`backward`, which skips it when
        ``compute_grad_input`` is False. An implementation may set ``self.grad_input`` and
        return it, or only return it: ``backward`` stores a returned array in
        ``self.grad_input``. It may read what the last ``forward`` left (``self.output``,
        buffers), so it must follow a forward at the same ``input``. The base class raises
        NotImplementedError.

        Parameters
        ----------
        input : numpy.ndarray
            x, the input of the last ``forward``.
        grad_output : numpy.ndarray
            ∂L/∂y, of the output's shape and the input's dtype.

        Returns
        -------
        numpy.ndarray
            ∂L/∂x, of the input's shape.
        """
        raise NotImplementedError(f"{self._who()} does not implement update_grad_input")

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        """Add ``scale`` · ∂L/∂θ to every parameter gradient (nothing for parameter-free layers).

        For each parameter θ with gradient array g: g += scale · (∂y/∂θ)ᵀ ∂L/∂y. Gradients
        accumulate over calls until :meth:`zero_grad_parameters`. Called by :meth:`backward`
        (also when ``compute_grad_input`` is False). The base class does nothing.

        Parameters
        ----------
        input : numpy.ndarray
            x, the input of the last ``forward``.
        grad_output : numpy.ndarray
            ∂L/∂y, of the output's shape and the input's dtype.
        scale : float
            Factor applied to this call's contribution before it is added (Torch's ``scale``).
        """

    def forward(self, input: np.ndarray) -> np.ndarray:
        """Check ``input`` (floating ndarray, dtype of the parameters), then ``update_output``.

        ``module(input)`` calls this method too.

        Parameters
        ----------
        input : numpy.ndarray
            x: a float32 or float64 array, of the dtype of the module's own parameters if it
            has any. Anything else raises a TypeError saying what to convert.

        Returns
        -------
        numpy.ndarray
            y = ``self.output``. The module reuses this array on later calls while shape and
            dtype match: copy it to keep it (``module.forward(x).copy()``).
        """
        # Cheap attribute tests on the hot path; the checkers build the message only on failure.
        if not isinstance(input, np.ndarray) or input.dtype.char not in SUPPORTED_FLOAT_CHARS:
            check_float_array(self._who(), "input", input)
        for param_name, _ in type(self).parameter_names:
            param = getattr(self, param_name, None)
            if param is not None:
                if param.dtype != input.dtype:
                    check_same_dtype(self._who(), "input", input, param.dtype)
                break
        result = self.update_output(input)
        if result is not None:
            self.output = result
        return self.output

    def __call__(self, input: np.ndarray) -> np.ndarray:
        # Looked up on the instance, so a subclass's own ``forward`` is what ``module(x)`` runs
        # (``__call__ = forward`` would bind Module.forward for good). One extra call frame.
        return self.forward(input)

    def backward(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> np.ndarray:
        """``update_grad_input`` then ``acc_grad_parameters(scale)``; returns ``grad_input``.

        For y = f(x; θ): returns ∂L/∂x = (∂y/∂x)ᵀ ∂L/∂y and adds scale · (∂y/∂θ)ᵀ ∂L/∂y to
        every parameter gradient. ``update_grad_input`` is skipped, and ``grad_input`` set to
        None, when ``compute_grad_input`` is False.

        Parameters
        ----------
        input : numpy.ndarray
            x, the input given to the last ``forward`` (backward reads what forward left).
        grad_output : numpy.ndarray
            ∂L/∂y: the output's shape and the input's dtype (float32 or float64).
        scale : float
            Factor on the parameter gradients' contribution; ``grad_input`` is not scaled.

        Returns
        -------
        numpy.ndarray or None
            ``self.grad_input`` = ∂L/∂x (a reused buffer, as ``output`` is), or None when
            ``compute_grad_input`` is False.

        Raises
        ------
        ValueError
            Called before any forward (or after ``clear_state``), or ``grad_output``'s shape
            is not the output's.
        TypeError
            ``input`` or ``grad_output`` is not a float32/float64 array, their dtypes differ,
            or the input's dtype is not the parameters'.
        """
        self._check_backward_args(input, grad_output)
        if grad_output is self.grad_input:
            # The layer's own buffer, passed back in: update_grad_input writes it while it, and
            # then acc_grad_parameters, still read it as grad_output. Work on a copy.
            grad_output = grad_output.copy()
        self._run_update_grad_input(input, grad_output)
        self.acc_grad_parameters(input, grad_output, scale)
        return self.grad_input

    def _check_backward_args(self, input: np.ndarray, grad_output: np.ndarray) -> None:
        output = self.output
        if (  # the hot path: attribute tests only, no message built
            output is not None
            and isinstance(input, np.ndarray)
            and isinstance(grad_output, np.ndarray)
            and input.dtype.char in SUPPORTED_FLOAT_CHARS
            and grad_output.dtype == input.dtype
            and grad_output.shape == output.shape
        ):
            for param_name, _ in type(self).parameter_names:  # forward's parameter-dtype test
                param = getattr(self, param_name, None)
                if param is not None:
                    if param.dtype == input.dtype:
                        return
                    break
            else:
                return
        self._raise_backward_error(input, grad_output)

    def _raise_backward_error(self, input: object, grad_output: object) -> None:
        # Off the hot path: find what _check_backward_args refused and say so.
        who = self._who()
        output = self.output
        if output is None:
            got = f"{input.shape}" if isinstance(input, np.ndarray) else type(input).__name__
            raise ValueError(
                f"{who}: backward called before forward (no forward yet, or clear_state() "
                f"dropped the output backward reads); call forward(input) first; got input {got}"
            )
        check_float_array(who, "input", input)
        check_float_array(who, "grad_output", grad_output)
        for param_name, _ in type(self).parameter_names:
            param = getattr(self, param_name, None)
            if param is not None:
                check_same_dtype(who, "input", input, param.dtype)
                break
        if grad_output.shape != output.shape:
            raise ValueError(
                f"{who}: expected grad_output of the output's shape {output.shape}, "
                f"got {grad_output.shape}"
            )
        if grad_output.dtype != input.dtype:
            raise TypeError(
                f"{who}: grad_output has dtype {grad_output.dtype} but input has {input.dtype}; "
                f"pass both in one dtype"
            )

    def _run_update_grad_input(
        self, input: np.ndarray, grad_output: np.ndarray
    ) -> np.ndarray | None:
        if not self.compute_grad_input:  # nobody reads it (see compute_grad_input): skip the work
            self.grad_input = None
            return None
        # A Lua port sets self.gradInput and returns it; a Python layer may only return it.
        result = self.update_grad_input(input, grad_output)
        if result is not None:
            self.grad_input = result
        return self.grad_input

    # ------------------------------------------------------------------ parameters
    def _own_parameters(self) -> Iterator[tuple[str, np.ndarray, np.ndarray]]:
        for param_name, grad_name in type(self).parameter_names:
            param = getattr(self, param_name, None)
            if param is not None:
                yield param_name, param, getattr(self, grad_name)

    def _parameter_slots(self) -> list[Slot]:
        """Every parameter of the tree as (dotted name, owning module, param attr, grad attr).

        A shared parameter has one slot per use; ``_parameter_groups`` groups them.
        """
        slots = [
            (param_name, self, param_name, grad_name)
            for param_name, grad_name in type(self).parameter_names
            if getattr(self, param_name, None) is not None
        ]
        for index, child in enumerate(self._children()):
            slots += [(f"{index}.{name}", m, p, g) for name, m, p, g in child._parameter_slots()]
        return slots

    def _parameter_groups(self) -> list[list[Slot]]:
        """The slots grouped by parameter array: one group per distinct array, first use first."""
        return group_slots(self._who(), self._parameter_slots())

    def named_parameters(self) -> list[tuple[str, np.ndarray, np.ndarray]]:
        """``[(name, param, grad), ...]`` with names ``weight``, ``bias``, ``3.weight``, ...

        A parameter shared by several modules is listed once, under the name of its first use.
        """
        return [
            (name, getattr(m, p), getattr(m, g)) for (name, m, p, g), *_ in self._parameter_groups()
        ]

    def parameters(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """``(params, grads)``: two lists of the actual arrays (not copies), as Torch returns.

        The module's own arrays (``parameter_names``) then its children's ``parameters()``,
        concatenated as Torch's containers do, so a child overriding ``parameters()`` is
        honoured; an array reached twice (a shared module, tied weights) is listed once.
        """
        params: list[np.ndarray] = []
        grads: list[np.ndarray] = []
        pairing = Pairing()  # to list each pair once, and one gradient per parameter
        pairs = [(param, grad) for _, param, grad in self._own_parameters()]
        for child in self._children():
            pairs += zip(*child.parameters())
        for param, grad in pairs:
            new = pairing.meet(param, grad)
            if new is None:
                # A parameter with two gradients (or the reverse): listing the pair once would
                # silently drop one of them, as get_parameters refuses to.
                raise ValueError(
                    f"{self._who()}: a parameter array of shape {param.shape} and its "
                    f"gradient are not shared together: one of them is shared with another "
                    f"parameter's; share weight and grad_weight together "
                    f"(Torch's clone('weight', 'bias', 'gradWeight', 'gradBias')), or neither"
                )
            if new:
                params.append(param)
                grads.append(grad)
        return params, grads

    def zero_grad_parameters(self) -> Module:
        """Set every parameter gradient to zero, in place (views from get_parameters stay valid)."""
        if type(self).parameters is not Module.parameters:
            # An overridden parameters() is the list of what this module owns (Torch's default
            # zeroGradParameters zeroes exactly its gradParameters).
            for grad in self.parameters()[1]:
                grad.fill(0)
            return self
        for _, _, grad in self._own_parameters():
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
            param -= learning_rate * grad
        return self

    def get_parameters(self) -> tuple[np.ndarray, np.ndarray]:
        """Flatten all parameters and gradients into two 1-D arrays (Torch's ``getParameters``).

        Afterwards every parameter and gradient array of the tree is a view into them, so an
        optimiser can update one vector. A second call returns arrays over the same memory. A
        shared parameter takes one place, and every module using it gets the same view.
        Parameters are found through ``parameter_names``: a layer whose overridden
        ``parameters()`` returns arrays not declared there gets a TypeError saying so.
        """
        groups = self._parameter_groups()
        cached = self.__dict__.get("_flat")
        if cached is not None and all_views_of(cached, groups):
            return cached
        check_declared(self, "get_parameters")
        params = [getattr(group[0][1], group[0][2]) for group in groups]
        dtypes = {param.dtype for param in params}
        if len(dtypes) > 1:
            raise TypeError(
                f"{self._who()}: get_parameters needs one dtype, found {sorted(map(str, dtypes))}; "
                f"convert with .float() or .double() first"
            )
        dtype = dtypes.pop() if dtypes else np.dtype(np.float64)
        total = sum(param.size for param in params)
        flat_params = np.empty(total, dtype=dtype)
        flat_grads = np.empty(total, dtype=dtype)
        offset = 0
        for group, param in zip(groups, params):
            for flat, which in ((flat_params, 2), (flat_grads, 3)):
                old = getattr(group[0][1], group[0][which])
                view = flat[offset : offset + old.size].reshape(old.shape)
                view[...] = old
                for slot in group:  # every user of a shared array sees the one view
                    setattr(slot[1], slot[which], view)
            offset += param.size
        self._flat = (flat_params, flat_grads)
        return self._flat

    # ------------------------------------------------------------------ state
    def _children(self) -> list[Module]:
        return []

    def list_modules(self) -> list[Module]:
        """This module followed by every module below it, depth first."""
        found: list[Module] = [self]
        for child in self._children():
            found += child.list_modules()
        return found

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

    def clear_state(self) -> Module:
        """Drop ``output``, ``grad_input`` and internal buffers here and below."""
        for module in self.list_modules():
            module.output = None
            module.grad_input = None
            module.__dict__.pop("_buffers", None)
            for name in type(module).per_call_attributes:
                setattr(module, name, None)
        return self

    def type(self, dtype: np.dtype | type | str) -> Module:
        """Convert every parameter and gradient to ``dtype`` (float32/float64), drop buffers.

        Arrays already of ``dtype`` are kept, so ``get_parameters`` views stay valid; once an
        array is converted, the flat vectors of an earlier ``get_parameters`` no longer back
        the parameters (call it again). A shared array stays shared. Ends with
        :meth:`clear_state`.

        Parameters
        ----------
        dtype : numpy.dtype, type or str
            float32 or float64, in any spelling ``numpy.dtype`` accepts (``np.float32``,
            ``"float64"``, ...). Another dtype raises a TypeError, as does a module whose
            overridden ``parameters()`` returns arrays ``parameter_names`` does not declare.

        Returns
        -------
        Module
            ``self``.
        """
        dtype = np.dtype(dtype)
        if dtype.char not in SUPPORTED_FLOAT_CHARS:
            raise TypeError(
                f"{self._who()}: type() expects a floating dtype modules compute in, float32 or "
                f"float64, got {dtype}"
            )
        check_declared(self, "type")
        converted_any = False
        for group in self._parameter_groups():
            for which in (2, 3):
                array = getattr(group[0][1], group[0][which])
                if array.dtype == dtype:
                    continue  # no copy: views made by get_parameters stay views of its vectors
                converted = array.astype(dtype)
                for slot in group:  # a shared array stays shared after conversion
                    setattr(slot[1], slot[which], converted)
                converted_any = True
        if converted_any:  # the old flat vectors no longer back the parameters
            for module in self.list_modules():
                module.__dict__.pop("_flat", None)
        return self.clear_state()

    def float(self) -> Module:
        """Convert to float32 (Torch's ``:float()``)."""
        return self.type(np.float32)

    def double(self) -> Module:
        """Convert to float64, the default (Torch's ``:double()``)."""
        return self.type(np.float64)

    def clone(self) -> Module:
        """A deep copy: parameters, gradients and buffers are new arrays."""
        twin = copy.deepcopy(self)
        for module in twin.list_modules():
            module.__dict__.pop("_flat", None)
        return twin

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


link_lua_names(Module, MODULE_METHODS)
