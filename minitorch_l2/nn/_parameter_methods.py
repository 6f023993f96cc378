"""Module's parameter methods: list, name, zero, step, flatten and convert the parameter arrays.

A part of ``nn.Module`` kept in its own file (``Module`` inherits it): ``parameters`` and
``named_parameters``, ``zero_grad_parameters``, ``update_parameters``, ``get_parameters``
(Torch's ``getParameters``: every parameter and gradient becomes a view of two flat vectors, by
re-pointing each attribute that holds one — see ``_parameters.py``), and ``type``/``float``/
``double``. Tree walks (``_children``, ``_reachable_modules``) and the transient attribute names
come from the rest of ``Module``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ._lua_names import MODULE_METHODS, link_lua_names
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
from ._types import NO_ARGUMENT, as_module_dtype, lua_type_name

if TYPE_CHECKING:  # for annotations only: module.py imports this file
    from .module import Module


class ParameterMethods:
    """The parameter half of ``nn.Module`` (see the module docstring); not used on its own."""

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

    def type(self, dtype: object = NO_ARGUMENT, tensor_cache: object = None) -> Module | str:
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
        if dtype is NO_ARGUMENT:
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


link_lua_names(ParameterMethods, MODULE_METHODS)
