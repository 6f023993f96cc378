"""``nn.Parallel(input_dim, output_dim)``: child i applied to slice i of the input.

yᵢ = modules[i](x selected at i along ``input_dim``), joined along ``output_dim``;
∂L/∂x at slice i = modules[i].backward(xᵢ, gᵢ), gᵢ the part of ∂L/∂y that yᵢ filled. Both
dimensions are 0-based (Lua's ``nn.Parallel(1, 1)`` is ``nn.Parallel(0, 0)``); negative ones
count from the end.
"""

from __future__ import annotations

import numpy as np

from .._branch_printing import branches
from .._checks import reuse
from .._dims import index_along, resolve_dim
from .._settings import integer
from .._tables import describe
from ..container import Container
from ..module import Module


class Parallel(Container):
    """Apply child i to slice i of the input along ``input_dim``; join along ``output_dim``.

    y = concatenate([mᵢ(x[..., i, ...]) for i], axis=output_dim); slice i of ∂L/∂x is
    mᵢ.backward(xᵢ, gᵢ). The input must have one slice per child (Lua ignores extra children).
    An error in a child is re-raised as ``In module (i) of nn.Parallel: ...``.

    Parameters
    ----------
    input_dim : int
        The 0-based dimension of the input to split into one slice per child.
    output_dim : int
        The 0-based dimension of the children's outputs to join along.
    *modules : Module
        The branches, in order; more with :meth:`add`.
    """

    def __init__(self, input_dim: int, output_dim: int, *modules: Module) -> None:
        super().__init__(*modules)
        self.input_dimension = input_dim
        self.output_dimension = output_dim
        self.validate()

    def validate(self) -> None:
        """Check ``input_dimension`` and ``output_dimension`` (ints)."""
        self.input_dimension = integer(self._who(), "input_dimension", self.input_dimension)
        self.output_dimension = integer(self._who(), "output_dimension", self.output_dimension)
        super().validate()

    def _input_axis(self, input: object) -> int:
        if type(input) is not np.ndarray:
            raise TypeError(f"{self._who()}: expected a tensor, got {describe(input)}")
        axis = resolve_dim(self._who(), self.input_dimension, input.ndim, name="input_dim")
        if input.shape[axis] != len(self.modules):
            raise ValueError(
                f"{self._who()}: expected input of size {len(self.modules)} (one slice per "
                f"module) along input_dim {self.input_dimension}, got shape {input.shape}"
            )
        return axis

    def _output_axis(self, output: np.ndarray) -> int:
        return resolve_dim(self._who(), self.output_dimension, output.ndim, name="output_dim")

    def update_output(self, input: np.ndarray) -> np.ndarray:
        axis = self._input_axis(input)
        outputs = []
        for index, module in enumerate(self.modules):
            try:
                outputs.append(module.forward(input[index_along(axis, index)]))
            except Exception as error:
                raise self.rethrow(error, index) from None
        first = outputs[0]
        out_axis = self._output_axis(first)
        others = first.shape[:out_axis] + first.shape[out_axis + 1 :]
        size = 0
        for index, out in enumerate(outputs):
            if (
                type(out) is not np.ndarray
                or out.ndim != first.ndim
                or out.shape[:out_axis] + out.shape[out_axis + 1 :] != others
                or out.dtype != first.dtype
            ):
                raise ValueError(
                    f"{self._who()}: module ({index}) gave {describe(out)}, which cannot be "
                    f"joined along output_dim {self.output_dimension} to module (0)'s "
                    f"{describe(first)}"
                )
            size += out.shape[out_axis]
        shape = first.shape[:out_axis] + (size,) + first.shape[out_axis + 1 :]
        self.output = reuse(self.output, shape, first.dtype)
        np.concatenate(outputs, axis=out_axis, out=self.output)
        return self.output

    def _pieces(self, input: np.ndarray, grad_output: np.ndarray) -> list[tuple]:
        # (xᵢ, gᵢ) per child: its input slice and the part of ∂L/∂y its output filled.
        axis, out_axis = self._input_axis(input), self._output_axis(self.output)
        pieces, offset = [], 0
        for index, module in enumerate(self.modules):
            size = module.output.shape[out_axis]
            grad = grad_output[index_along(out_axis, slice(offset, offset + size))]
            pieces.append((input[index_along(axis, index)], grad))
            offset += size
        return pieces

    def _store(self, input: np.ndarray, index: int, grad: object) -> None:
        # Slice i of ∂L/∂x is child i's grad_input, which must have the slice's shape.
        if grad is None:
            raise ValueError(
                f"{self._who()}: module ({index}) has compute_grad_input=False, but slice "
                f"{index} of grad_input needs its grad_input; set it on the nn.Parallel instead"
            )
        axis = self._input_axis(input)
        self.grad_input = reuse(self.grad_input, input.shape, grad.dtype)
        target = self.grad_input[index_along(axis, index)]
        if grad.shape != target.shape:
            raise ValueError(
                f"{self._who()}: module ({index}) returned a grad_input of shape {grad.shape} "
                f"for its input slice of shape {target.shape}"
            )
        np.copyto(target, grad)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        for index, (module, (piece, grad)) in enumerate(
            zip(self.modules, self._pieces(input, grad_output))
        ):
            result = None
            if module.compute_grad_input:  # else _store refuses: see Module.compute_grad_input
                try:
                    result = module.update_grad_input(piece, grad)
                except Exception as error:
                    raise self.rethrow(error, index) from None
            self._store(input, index, result)
        return self.grad_input

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        for index, (module, (piece, grad)) in enumerate(
            zip(self.modules, self._pieces(input, grad_output))
        ):
            try:
                module.acc_grad_parameters(piece, grad, scale)
            except Exception as error:
                raise self.rethrow(error, index) from None

    def backward(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> np.ndarray | None:
        """One pass: each child's own ``backward`` on its slice, as Lua's does.

        Parameters
        ----------
        input : numpy.ndarray
            The input of the last ``forward``.
        grad_output : numpy.ndarray
            ∂L/∂output, of the output's shape.
        scale : float
            Factor on every parameter gradient's contribution.

        Returns
        -------
        numpy.ndarray or None
            ∂L/∂input (None when ``compute_grad_input`` is False).
        """
        input, grad_output = self.check_backward(input, grad_output, scale)
        if not self.compute_grad_input:
            self.acc_grad_parameters(input, grad_output, scale)
            self.grad_input = None
            return None
        for index, (module, (piece, grad)) in enumerate(
            zip(self.modules, self._pieces(input, grad_output))
        ):
            try:
                result = module.backward(piece, grad, scale)
            except Exception as error:
                raise self.rethrow(error, index) from None
            self._store(input, index, result)
        return self.grad_input

    def __tostring__(self) -> str:
        return branches(self._who(), self.modules)
