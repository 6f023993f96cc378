"""``nn.Sequential``: a chain of modules; backward is the chain rule run in reverse.

Forward:  x₀ = input,  xᵢ₊₁ = modules[i](xᵢ),  output = xₖ.
Backward: gₖ = grad_output,  gᵢ = modules[i].backward(xᵢ, gᵢ₊₁),  grad_input = g₀,
where each xᵢ is the input that module i recorded in the forward pass (the previous ``output``).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from .module import Module


class Sequential(Module):
    """Feed the output of each module to the next: ``Sequential(Linear(4, 6), Tanh())``.

    Forward x₀ = input, xᵢ₊₁ = modules[i](xᵢ); backward gᵢ = modules[i].backward(xᵢ, gᵢ₊₁),
    from the last module to the first (the chain rule).

    Parameters
    ----------
    *modules : Module
        The chain, first module first; more can be added with :meth:`add` and :meth:`insert`.
    """

    def __init__(self, *modules: Module) -> None:
        super().__init__()
        self.modules: list[Module] = []
        for module in modules:
            self.add(module)

    # ------------------------------------------------------------------ container API
    def add(self, module: Module) -> Sequential:
        """Append ``module`` at the end; returns self.

        Parameters
        ----------
        module : Module
            The module that will receive the current last module's output. Anything that is
            not an ``nn.Module`` raises a TypeError.

        Returns
        -------
        Sequential
            ``self``, so calls chain: ``Sequential().add(a).add(b)``.
        """
        self.modules.append(self._checked_module(module))
        return self

    def insert(self, module: Module, index: int | None = None) -> Sequential:
        """Insert ``module`` before position ``index`` (0-based; default: at the end).

        Parameters
        ----------
        module : Module
            The module to insert; anything else raises a TypeError.
        index : int or None
            The module goes before the one now at ``index``, as with ``list.insert``: ``0``
            puts it first, ``len(self)`` or None last, a negative index counts from the end
            (``-1``: before the last module). Outside ``-len(self) … len(self)``, an
            IndexError.

        Returns
        -------
        Sequential
            ``self``.
        """
        module = self._checked_module(module)
        if index is None:
            index = len(self.modules)
        if not -len(self.modules) <= index <= len(self.modules):
            raise IndexError(
                f"nn.Sequential.insert: index {index} out of range for {len(self.modules)} modules"
            )
        self.modules.insert(index, module)
        return self

    def remove(self, index: int | None = None) -> Sequential:
        """Remove the module at ``index`` (0-based; default: the last one); returns self.

        Parameters
        ----------
        index : int or None
            Position of the module to remove, ``-len(self) <= index < len(self)`` (a negative
            index counts from the end), else an IndexError (also for an empty Sequential).
            None removes the last module.

        Returns
        -------
        Sequential
            ``self``.
        """
        if index is None:
            index = len(self.modules) - 1
        self._checked_index(index)
        del self.modules[index]
        return self

    def get(self, index: int) -> Module:
        """The module at 0-based ``index`` (negative indices count from the end).

        ``net[index]`` does the same; ``net[a:b]`` is a new Sequential over the same modules.

        Parameters
        ----------
        index : int
            ``-len(self) <= index < len(self)``, else an IndexError.

        Returns
        -------
        Module
            The module itself, not a copy.
        """
        return self.modules[self._checked_index(index)]

    def size(self) -> int:
        """Number of modules (Torch's ``:size()``)."""
        return len(self.modules)

    def __len__(self) -> int:
        return len(self.modules)

    def __getitem__(self, index: int | slice) -> Module:
        # A slice is a new Sequential over the *same* module objects (as torch.nn.Sequential
        # does): net[:2] runs the first two layers, sharing their weights with net.
        if isinstance(index, slice):
            return Sequential(*self.modules[index])
        return self.get(index)

    def __iter__(self) -> Iterator[Module]:
        return iter(self.modules)

    def _children(self) -> list[Module]:
        return self.modules

    def _checked_module(self, module: object) -> Module:
        if not isinstance(module, Module):
            raise TypeError(f"nn.Sequential: expected an nn.Module, got {type(module).__name__}")
        return module

    def _checked_index(self, index: int) -> int:
        if not -len(self.modules) <= index < len(self.modules):
            raise IndexError(
                f"nn.Sequential: index {index} out of range for {len(self.modules)} modules"
            )
        return index

    # ------------------------------------------------------------------ the chain rule
    def update_output(self, input: np.ndarray) -> np.ndarray:
        current = input
        for module in self.modules:
            current = module.forward(current)
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

    def _check_received(self, index: int, grad: np.ndarray | None) -> np.ndarray:
        # Only the first module may skip its grad_input: every other one feeds a module before it.
        if grad is None:
            raise ValueError(
                f"nn.Sequential: module ({index + 1}) {self.modules[index + 1]!r} has "
                f"compute_grad_input=False, but module ({index}) before it needs its grad_input; "
                f"only the first module may skip it"
            )
        return grad

    def _module_input(self, index: int, input: np.ndarray) -> np.ndarray:
        # xᵢ: what module i saw in the forward pass.
        return input if index == 0 else self.modules[index - 1].output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        current = grad_output
        for index in range(len(self.modules) - 1, -1, -1):
            module = self.modules[index]
            module_input = self._module_input(index, input)
            if index < len(self.modules) - 1:
                current = self._check_received(index, current)
            module._check_backward_args(module_input, current)
            current = module._run_update_grad_input(module_input, current)
        self.grad_input = current
        return current

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        current = grad_output
        for index in range(len(self.modules) - 1, -1, -1):
            module = self.modules[index]
            if index < len(self.modules) - 1:
                current = self._check_received(index, current)
            module.acc_grad_parameters(self._module_input(index, input), current, scale)
            current = module.grad_input

    def backward(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> np.ndarray:
        # One reverse pass doing both jobs, as Torch's Sequential:backward does.
        self._check_backward_args(input, grad_output)
        current = grad_output
        last = len(self.modules) - 1
        for index in range(last, -1, -1):
            if index < last:
                current = self._check_received(index, current)
            current = self.modules[index].backward(self._module_input(index, input), current, scale)
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
