"""``nn.Bilinear(in1, in2, out, bias=True)``: a bilinear form of a pair of batches.

W (out, in1, in2), b (out,); for rows x1 (in1,), x2 (in2,):
    yₖ = x1ᵀ Wₖ x2 + bₖ,
    ∂L/∂x1 = Σₖ gₖ Wₖ x2,   ∂L/∂x2 = Σₖ gₖ Wₖᵀ x1,
    ∂L/∂Wₖ += scale · Σₙ gₙₖ x1ₙ x2ₙᵀ,   ∂L/∂b += scale · Σₙ gₙ.
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._settings import array, boolean, integer
from .._tables import reuse_list
from ..simple._lua_uniform import lua_uniform
from ._inputs import TensorTable


class Bilinear(TensorTable):
    """Bilinear layer on a pair [x1, x2] of (n, in1) and (n, in2) batches: yₖ = x1ᵀ Wₖ x2 + bₖ.

    ∂L/∂x1 = Σₖ gₖ Wₖ x2, ∂L/∂x2 = Σₖ gₖ Wₖᵀ x1, ∂L/∂Wₖ += scale Σₙ gₙₖ x1ₙ x2ₙᵀ,
    ∂L/∂b += scale Σₙ gₙ. Lua's ``accGradParameters`` forgets ``scale`` on the weight; here it
    applies to both.

    Parameters
    ----------
    input_size1 : int
        Features of the first input's rows.
    input_size2 : int
        Features of the second input's rows.
    output_size : int
        Outputs (the first dimension of ``weight``).
    bias : bool, default True
        Add the learnt bias ``b``.

    Attributes
    ----------
    weight, grad_weight : numpy.ndarray, shape (output_size, input_size1, input_size2)
    bias, grad_bias : numpy.ndarray, shape (output_size,), or None without bias
        Drawn from U(−1/√input_size1, 1/√input_size1) by :meth:`reset`, as Lua.
    """

    table_size = 2

    def __init__(
        self, input_size1: int, input_size2: int, output_size: int, bias: bool = True
    ) -> None:
        super().__init__()
        self.input_size1, self.input_size2 = input_size1, input_size2
        self.output_size = output_size
        self.weight = self.grad_weight = self.bias = self.grad_bias = None
        bias = boolean("nn.Bilinear", "bias", bias)
        self._check_settings()
        self.weight = np.empty((self.output_size, self.input_size1, self.input_size2))
        self.grad_weight = np.zeros_like(self.weight)
        if bias:
            self.bias = np.empty(self.output_size)
            self.grad_bias = np.zeros(self.output_size)
        self.validate()
        self.reset()

    def validate(self) -> None:
        """Check the sizes (ints >= 1) and the parameters' shapes."""
        self._check_settings()
        shape = (self.output_size, self.input_size1, self.input_size2)
        array(
            "nn.Bilinear",
            "weight",
            self.weight,
            shape,
            shape_is="(output_size, input_size1, input_size2)",
        )
        if self.bias is not None:
            array("nn.Bilinear", "bias", self.bias, shape[:1], shape_is="(output_size,)")
        super().validate()

    def _check_settings(self) -> None:
        for name in ("input_size1", "input_size2", "output_size"):
            setattr(self, name, integer("nn.Bilinear", name, getattr(self, name), 1))

    def reset(self, stdv: float | None = None) -> Bilinear:
        """Draw weight and bias from U(−s, s), in place: s = stdv·√3 if given, else 1/√in1.

        Parameters
        ----------
        stdv : float, optional
            The standard deviation of the uniform draw (Lua's meaning for this layer).
        """
        lua_uniform(self._who(), stdv, self.input_size1, self.weight, self.bias)
        return self

    def _pair(self, input: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        x1, x2 = input
        if (
            x1.ndim != 2
            or x2.ndim != 2
            or x1.shape[0] != x2.shape[0]
            or (x1.shape[1], x2.shape[1]) != (self.input_size1, self.input_size2)
        ):
            raise ValueError(
                f"{self._who()}: expected a pair of batches (n, {self.input_size1}) and "
                f"(n, {self.input_size2}), got shapes {x1.shape} and {x2.shape}"
            )
        return x1, x2

    def _products(self, x: np.ndarray, order: tuple[int, int, int], name: str) -> np.ndarray:
        # x times W along one input axis, for every k, as one matrix product: (n, out, other).
        weight = self._buffer(f"{name}_weight", tuple(self.weight.shape[i] for i in order), x.dtype)
        np.copyto(weight, self.weight.transpose(order))
        products = self._buffer(name, (x.shape[0],) + weight.shape[1:], x.dtype)
        np.matmul(x, weight.reshape(weight.shape[0], -1), out=products.reshape(x.shape[0], -1))
        return products

    def update_output(self, input: list[np.ndarray]) -> np.ndarray:
        x1, x2 = self._pair(input)
        left = self._products(x1, (1, 0, 2), "left")  # x1ᵀ Wₖ for every k, kept for backward
        self.output = reuse(self.output, (x1.shape[0], self.output_size), x1.dtype)
        np.matmul(left, x2[:, :, None], out=self.output[:, :, None])
        if self.bias is not None:
            self.output += self.bias
        return self.output

    def update_grad_input(self, input: list[np.ndarray], grad_output: np.ndarray) -> list:
        x1, x2 = self._pair(input)
        shape = (x1.shape[0], self.output_size, self.input_size2)
        left = self._buffer("left", shape, x1.dtype)  # from the forward pass
        right = self._products(x2, (2, 0, 1), "right")  # Wₖ x2 for every k
        grads = self.grad_input = reuse_list(self.grad_input, 2)
        for index in (0, 1):
            grads[index] = reuse(grads[index], input[index].shape, grad_output.dtype)
        rows = grad_output[:, None, :]
        np.matmul(rows, right, out=grads[0][:, None, :])  # Σₖ gₖ Wₖ x2
        np.matmul(rows, left, out=grads[1][:, None, :])  # Σₖ gₖ Wₖᵀ x1
        return grads

    def acc_grad_parameters(
        self, input: list[np.ndarray], grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        x1, x2 = input
        n = x1.shape[0]
        scaled = self._buffer("scaled_input", (n, self.output_size, self.input_size1), x1.dtype)
        np.multiply(grad_output[:, :, None], x1[:, None, :], out=scaled)  # gₙₖ x1ₙ
        step = self._buffer("weight_step", self.weight.shape, self.weight.dtype)
        np.matmul(scaled.reshape(n, -1).T, x2, out=step.reshape(-1, self.input_size2))
        if scale != 1:
            step *= scale
        self.grad_weight += step
        if self.bias is not None:
            self.grad_bias += scale * grad_output.sum(axis=0)

    def _who(self) -> str:
        if getattr(self, "weight", None) is None:  # still being built: the sizes may be bad
            return "nn.Bilinear"
        return repr(self)

    def __tostring__(self) -> str:
        sizes = f"({self.input_size1}x{self.input_size2} -> {self.output_size})"
        return f"nn.Bilinear{sizes}" + ("" if self.bias is not None else " without bias")
