"""``nn.ParallelTable``: child i applied to entry i of a table input.

yᵢ = modules[i](xᵢ);  ∂L/∂xᵢ = modules[i].backward(xᵢ, ∂L/∂yᵢ).
"""

from __future__ import annotations

from .._branch_printing import branches
from .._tables import describe, reuse_list
from ..container import Container


class ParallelTable(Container):
    """Apply child i to entry i of the input table: y = [m₀(x₀), m₁(x₁), …].

    ∂L/∂xᵢ = mᵢ.backward(xᵢ, ∂L/∂yᵢ): ``grad_input`` is the table of the children's own
    grad_inputs (None for a child whose ``compute_grad_input`` is False). The input must have
    one entry per child (Lua ignores extra entries). An error in a child is re-raised as
    ``In module (i) of nn.ParallelTable: ...``.

    Parameters
    ----------
    *modules : Module
        The branches, in order; more with :meth:`add`.
    """

    def _check(self, input: object) -> None:
        if type(input) is not list or len(input) != len(self.modules):
            raise ValueError(
                f"{self._who()}: expected a table of {len(self.modules)} entries, one per "
                f"module, got {describe(input)} (nn.SplitTable(0) splits a tensor into one)"
            )

    def update_output(self, input: list) -> list:
        self._check(input)
        outputs = self.output = reuse_list(self.output, len(self.modules))
        for index, module in enumerate(self.modules):
            try:
                outputs[index] = module.forward(input[index])
            except Exception as error:
                raise self.rethrow(error, index) from None
        return outputs

    def update_grad_input(self, input: list, grad_output: list) -> list:
        grads = self.grad_input = reuse_list(self.grad_input, len(self.modules))
        for index, module in enumerate(self.modules):
            if not module.compute_grad_input:  # see Module.compute_grad_input
                grads[index] = module.grad_input = None
                continue
            try:
                grads[index] = module.update_grad_input(input[index], grad_output[index])
            except Exception as error:
                raise self.rethrow(error, index) from None
        return grads

    def acc_grad_parameters(self, input: list, grad_output: list, scale: float = 1.0) -> None:
        for index, module in enumerate(self.modules):
            try:
                module.acc_grad_parameters(input[index], grad_output[index], scale)
            except Exception as error:
                raise self.rethrow(error, index) from None

    def backward(self, input: list, grad_output: list, scale: float = 1.0) -> list | None:
        """One pass: each child's own ``backward`` on its entry, as Lua's does.

        Parameters
        ----------
        input : list
            The input of the last ``forward``: one entry per child.
        grad_output : list
            ∂L/∂output: one entry per child.
        scale : float
            Factor on every parameter gradient's contribution.

        Returns
        -------
        list or None
            ∂L/∂input, the children's grad_inputs (None when ``compute_grad_input`` is False).
        """
        input, grad_output = self.check_backward(input, grad_output, scale)
        self._check(input)
        if not self.compute_grad_input:
            self.acc_grad_parameters(input, grad_output, scale)
            self.grad_input = None
            return None
        grads = self.grad_input = reuse_list(self.grad_input, len(self.modules))
        for index, module in enumerate(self.modules):
            try:
                grads[index] = module.backward(input[index], grad_output[index], scale)
            except Exception as error:
                raise self.rethrow(error, index) from None
        return grads

    def __tostring__(self) -> str:
        return branches(self._who(), self.modules)
