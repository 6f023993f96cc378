"""``nn.Sequential``: a chain of modules; backward is the chain rule run in reverse.

Forward:  x₀ = input,  xᵢ₊₁ = modules[i](xᵢ),  output = xₖ.
Backward: gₖ = grad_output,  gᵢ = modules[i].backward(xᵢ, gᵢ₊₁),  grad_input = g₀,
where each xᵢ is the input that module i recorded in the forward pass (the previous ``output``).
Tensors and tables flow alike: xᵢ and gᵢ may be lists.
"""

from __future__ import annotations

import numpy as np

from ..container import Container
from ..module import Module


class Sequential(Container):
    """Feed the output of each module to the next: ``Sequential(Linear(4, 6), Tanh())``.

    Forward x₀ = input, xᵢ₊₁ = modules[i](xᵢ); backward gᵢ = modules[i].backward(xᵢ, gᵢ₊₁),
    from the last module to the first (the chain rule). An error in a child is re-raised as
    ``In module (i) of nn.Sequential: ...`` (0-based i, as the printout numbers them).

    Parameters
    ----------
    *modules : Module
        The chain, first module first; more can be added with :meth:`add` and :meth:`insert`.
    """

    @property
    def aliases_input(self) -> bool:
        """True when every child's output is (a view of) its input: the chain hands x on."""
        return all(module.aliases_input for module in self.modules)

    def __getitem__(self, index: int | slice) -> Module:
        # A slice is a new Sequential over the *same* module objects (as torch.nn.Sequential
        # does): net[:2] runs the first two layers, sharing their weights with net.
        if isinstance(index, slice):
            chain = Sequential()
            chain.modules = self.modules[index]
            return chain
        return self.get(index)

    # ------------------------------------------------------------------ the chain rule
    def update_output(self, input: np.ndarray | list) -> np.ndarray | list:
        current = input
        for index, module in enumerate(self.modules):
            try:
                current = module.forward(current)
            except Exception as error:
                raise self.rethrow(error, index) from None
        self.output = current
        return current

    @property
    def compute_grad_input(self) -> bool:
        """The first module's flag: a Sequential's grad_input is its first module's (see Module)."""
        return self.modules[0].compute_grad_input if self.modules else True

    @compute_grad_input.setter
    def compute_grad_input(self, value: bool) -> None:
        if not self.modules:
            raise ValueError(
                "nn.Sequential: compute_grad_input is its first module's flag, and it has none"
            )
        self.modules[0].compute_grad_input = bool(value)

    def _received(self, index: int, grad: object) -> object:
        # Only the first module may skip its grad_input: every other one feeds a module before it.
        if grad is None:
            raise ValueError(
                f"nn.Sequential: module ({index + 1}) {self.modules[index + 1]!r} has "
                f"compute_grad_input=False, but module ({index}) before it needs its grad_input; "
                f"only the first module may skip it"
            )
        return grad

    def _module_input(self, index: int, input: object) -> object:
        # xᵢ: what module i saw in the forward pass.
        return input if index == 0 else self.modules[index - 1].output

    def update_grad_input(self, input: np.ndarray | list, grad_output: np.ndarray | list) -> object:
        current = grad_output
        last = len(self.modules) - 1
        for index in range(last, -1, -1):
            module = self.modules[index]
            if index < last:
                current = self._received(index, current)
            if not module.compute_grad_input:  # see Module.compute_grad_input
                current = module.grad_input = None
                continue
            try:
                current = module.update_grad_input(self._module_input(index, input), current)
            except Exception as error:
                raise self.rethrow(error, index) from None
        self.grad_input = current
        return current

    def acc_grad_parameters(
        self, input: np.ndarray | list, grad_output: np.ndarray | list, scale: float = 1.0
    ) -> None:
        current = grad_output
        last = len(self.modules) - 1
        for index in range(last, -1, -1):
            module = self.modules[index]
            if index < last:
                current = self._received(index, current)
            try:
                module.acc_grad_parameters(self._module_input(index, input), current, scale)
            except Exception as error:
                raise self.rethrow(error, index) from None
            current = module.grad_input

    def backward(
        self, input: np.ndarray | list, grad_output: np.ndarray | list, scale: float = 1.0
    ) -> object:
        """One reverse pass doing both jobs, each child's own ``backward``, as Torch's does.

        Parameters
        ----------
        input : numpy.ndarray or list
            The input of the last ``forward``.
        grad_output : numpy.ndarray or list
            ∂L/∂output, of the output's structure and shapes.
        scale : float
            Factor on every parameter gradient's contribution.

        Returns
        -------
        numpy.ndarray, list or None
            ∂L/∂input (None when the first module has ``compute_grad_input`` False).
        """
        input, grad_output = self.check_backward(input, grad_output, scale)
        current = grad_output
        last = len(self.modules) - 1
        for index in range(last, -1, -1):
            if index < last:
                current = self._received(index, current)
            try:
                current = self.modules[index].backward(
                    self._module_input(index, input), current, scale
                )
            except Exception as error:
                raise self.rethrow(error, index) from None
        self.grad_input = current
        return current

    # ------------------------------------------------------------------ printing
    def __tostring__(self) -> str:
        # Torch's layout, with Python's 0-based indices; nested containers are indented.
        chain = " -> ".join(["input"] + [f"({i})" for i in range(len(self.modules))] + ["output"])
        lines = ["nn.Sequential {", f"  [{chain}]"]
        for i, module in enumerate(self.modules):
            lines.append(f"  ({i}): " + repr(module).replace("\n", "\n  "))
        lines.append("}")
        return "\n".join(lines)
