"""``nn.ConcatTable``: every child applied to the same input; the output is the table of results.

yᵢ = modules[i](x);  ∂L/∂x = Σᵢ (∂yᵢ/∂x)ᵀ ∂L/∂yᵢ, the children's grad_inputs summed (tensors,
or tables leaf by leaf when x is a table).
"""

from __future__ import annotations

import numpy as np

from .._branch_printing import branches
from .._table_sums import add_branch
from .._tables import reuse_list
from ..container import Container


class ConcatTable(Container):
    """Apply each child to the same input: y = [m₀(x), m₁(x), …].

    ∂L/∂x = Σᵢ mᵢ.backward(x, ∂L/∂yᵢ), summed into a reused buffer (a child whose
    ``compute_grad_input`` is False adds nothing). An error in a child is re-raised as
    ``In module (i) of nn.ConcatTable: ...``.

    Parameters
    ----------
    *modules : Module
        The branches, in order; more with :meth:`add`.
    """

    def update_output(self, input: np.ndarray | list) -> list:
        if not self.modules:
            raise ValueError(f"{self._who()} has no modules; add its branches first")
        outputs = self.output = reuse_list(self.output, len(self.modules))
        for index, module in enumerate(self.modules):
            try:
                outputs[index] = module.forward(input)
            except Exception as error:
                raise self.rethrow(error, index) from None
        return outputs

    def update_grad_input(self, input: np.ndarray | list, grad_output: list) -> object:
        total = None
        for index, module in enumerate(self.modules):
            if not module.compute_grad_input:  # see Module.compute_grad_input
                module.grad_input = None
                continue
            try:
                grad = module.update_grad_input(input, grad_output[index])
            except Exception as error:
                raise self.rethrow(error, index) from None
            total = add_branch(self._who(), index, total, grad, self.grad_input)
        self.grad_input = total
        return total

    def acc_grad_parameters(
        self, input: np.ndarray | list, grad_output: list, scale: float = 1.0
    ) -> None:
        for index, module in enumerate(self.modules):
            try:
                module.acc_grad_parameters(input, grad_output[index], scale)
            except Exception as error:
                raise self.rethrow(error, index) from None

    def backward(self, input: np.ndarray | list, grad_output: list, scale: float = 1.0) -> object:
        """One pass: each child's own ``backward``, their grad_inputs summed, as Lua's does.

        Parameters
        ----------
        input : numpy.ndarray or list
            The input of the last ``forward``.
        grad_output : list
            ∂L/∂output: one entry per child, of that child's output layout.
        scale : float
            Factor on every parameter gradient's contribution.

        Returns
        -------
        numpy.ndarray, list or None
            ∂L/∂input, of the input's layout (None when ``compute_grad_input`` is False).
        """
        input, grad_output = self.check_backward(input, grad_output, scale)
        if not self.compute_grad_input:
            self.acc_grad_parameters(input, grad_output, scale)
            self.grad_input = None
            return None
        total = None
        for index, module in enumerate(self.modules):
            try:
                grad = module.backward(input, grad_output[index], scale)
            except Exception as error:
                raise self.rethrow(error, index) from None
            total = add_branch(self._who(), index, total, grad, self.grad_input)
        self.grad_input = total
        return total

    def __tostring__(self) -> str:
        return branches(self._who(), self.modules)
