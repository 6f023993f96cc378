"""``nn.Concat(dim)``: every child applied to the same input, the outputs joined along ``dim``.

y = concatenate([m₀(x), m₁(x), …], axis=dim);  ∂L/∂x = Σᵢ mᵢ.backward(x, gᵢ), where gᵢ is the
slice of ∂L/∂y that child i's output filled. ``dim`` is 0-based (Lua's ``nn.Concat(2)`` is
``nn.Concat(1)``); negative counts from the end.
"""

from __future__ import annotations

import numpy as np

from .._branch_printing import branches
from .._checks import reuse
from .._dims import index_along, resolve_dim
from .._settings import integer
from .._table_sums import add_into, copy_into
from .._tables import describe
from ..container import Container
from ..module import Module


class Concat(Container):
    """Apply each child to the same input and join the outputs along ``dim``.

    y = concatenate([m₀(x), m₁(x), …], axis=dim); ∂L/∂x = Σᵢ mᵢ.backward(x, gᵢ) with gᵢ the
    slice of ∂L/∂y at child i's place (a child whose ``compute_grad_input`` is False adds
    nothing, as in Lua). An error in a child is re-raised as ``In module (i) of nn.Concat: ...``.

    Parameters
    ----------
    dim : int
        The 0-based dimension of the children's outputs to join along; negative counts from
        the end.
    *modules : Module
        The branches, in order; more with :meth:`add`.
    """

    def __init__(self, dim: int, *modules: Module) -> None:
        super().__init__(*modules)
        self.dimension = dim
        self.validate()

    def validate(self) -> None:
        """Check ``dimension`` (an int)."""
        self.dimension = integer(self._who(), "dimension", self.dimension)
        super().validate()

    def update_output(self, input: np.ndarray | list) -> np.ndarray:
        if not self.modules:
            raise ValueError(f"{self._who()} has no modules; add its branches first")
        outputs = []
        for index, module in enumerate(self.modules):
            try:
                outputs.append(module.forward(input))
            except Exception as error:
                raise self.rethrow(error, index) from None
        first = outputs[0]
        axis = self._axis(first)
        others = first.shape[:axis] + first.shape[axis + 1 :]
        size = 0
        for index, out in enumerate(outputs):
            if (
                type(out) is not np.ndarray
                or out.ndim != first.ndim
                or out.shape[:axis] + out.shape[axis + 1 :] != others
                or out.dtype != first.dtype
            ):
                raise ValueError(
                    f"{self._who()}: module ({index}) gave {describe(out)}, which cannot be "
                    f"joined along dim {self.dimension} to module (0)'s {describe(first)}"
                )
            size += out.shape[axis]
        shape = first.shape[:axis] + (size,) + first.shape[axis + 1 :]
        self.output = reuse(self.output, shape, first.dtype)
        np.concatenate(outputs, axis=axis, out=self.output)
        return self.output

    def _axis(self, output: object) -> int:
        if type(output) is not np.ndarray:
            raise TypeError(
                f"{self._who()}: module (0) gave {describe(output)}; nn.Concat joins tensors "
                f"(nn.ConcatTable keeps a table of outputs)"
            )
        return resolve_dim(self._who(), self.dimension, output.ndim)

    def _slices(self, grad_output: np.ndarray) -> list[np.ndarray]:
        # gᵢ: the part of ∂L/∂y that child i's output filled in the last forward.
        axis = self._axis(self.output)
        slices, offset = [], 0
        for module in self.modules:
            size = module.output.shape[axis]
            slices.append(grad_output[index_along(axis, slice(offset, offset + size))])
            offset += size
        return slices

    def _sum(self, index: int, total: object, grad: object) -> object:
        if grad is None:
            return total
        if total is None:
            return copy_into(self.grad_input, grad)
        add_into(f"{self._who()}: module ({index})'s grad_input", total, grad)
        return total

    def update_grad_input(self, input: np.ndarray | list, grad_output: np.ndarray) -> object:
        total = None
        for index, (module, grad) in enumerate(zip(self.modules, self._slices(grad_output))):
            if not module.compute_grad_input:  # see Module.compute_grad_input
                module.grad_input = None
                continue
            try:
                grad = module.update_grad_input(input, grad)
            except Exception as error:
                raise self.rethrow(error, index) from None
            total = self._sum(index, total, grad)
        self.grad_input = total
        return total

    def acc_grad_parameters(
        self, input: np.ndarray | list, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        for index, (module, grad) in enumerate(zip(self.modules, self._slices(grad_output))):
            try:
                module.acc_grad_parameters(input, grad, scale)
            except Exception as error:
                raise self.rethrow(error, index) from None

    def backward(
        self, input: np.ndarray | list, grad_output: np.ndarray, scale: float = 1.0
    ) -> object:
        """One pass: each child's own ``backward`` on its slice, the grad_inputs summed.

        Parameters
        ----------
        input : numpy.ndarray or list
            The input of the last ``forward``.
        grad_output : numpy.ndarray
            ∂L/∂output, of the output's shape.
        scale : float
            Factor on every parameter gradient's contribution.

        Returns
        -------
        numpy.ndarray, list or None
            ∂L/∂input (None when ``compute_grad_input`` is False).
        """
        input, grad_output = self.check_backward(input, grad_output, scale)
        if not self.compute_grad_input:
            self.acc_grad_parameters(input, grad_output, scale)
            self.grad_input = None
            return None
        total = None
        for index, (module, grad) in enumerate(zip(self.modules, self._slices(grad_output))):
            try:
                grad = module.backward(input, grad, scale)
            except Exception as error:
                raise self.rethrow(error, index) from None
            total = self._sum(index, total, grad)
        self.grad_input = total
        return total

    def __tostring__(self) -> str:
        return branches(self._who(), self.modules)
