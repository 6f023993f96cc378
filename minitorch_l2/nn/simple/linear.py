"""``nn.Linear``: the affine map y = x Wᵀ + b.

Shapes: W (output_size, input_size), b (output_size,), x (input_size,) or (n, input_size).
Gradients (batch form, G = ∂L/∂y of shape (n, output_size)):
    ∂L/∂x = G W,     ∂L/∂W += scale · Gᵀ x,     ∂L/∂b += scale · Σₙ G.
"""

from __future__ import annotations

import numpy as np

from ..._blas import add_column_sums, add_transposed_product, write_affine
from .._checks import check_feature_input, reuse
from .._settings import array, boolean, integer
from ..module import Module
from ._lua_uniform import lua_uniform


class Linear(Module):
    """Fully connected layer ``y = x Wᵀ + b`` (Torch's ``nn.Linear``).

    For a batch x (n, input_size) and G = ∂L/∂y (n, output_size):
    ∂L/∂x = G W, ∂L/∂W += scale · Gᵀ x, ∂L/∂b += scale · Σₙ G.

    Parameters
    ----------
    input_size : int
        Features of each input row (the columns of ``weight``).
    output_size : int
        Features of each output row (the rows of ``weight``).
    bias : bool, default True
        Add the learnt bias ``b``; False is the same as calling :meth:`no_bias`.

    Attributes
    ----------
    weight, grad_weight : numpy.ndarray, shape (output_size, input_size)
    bias, grad_bias : numpy.ndarray, shape (output_size,), or None without bias
        Both drawn from U(−1/√input_size, 1/√input_size) by :meth:`reset`; float64 by default.
    """

    def __init__(self, input_size: int, output_size: int, bias: bool = True) -> None:
        super().__init__()
        self.input_size = input_size
        self.output_size = output_size
        self._check_settings()
        bias = boolean("nn.Linear", "bias", bias)
        self.weight = np.empty((self.output_size, self.input_size))
        self.grad_weight = np.zeros_like(self.weight)
        self.bias = np.empty(self.output_size) if bias else None
        self.grad_bias = np.zeros(self.output_size) if bias else None
        self.validate()
        self.reset()

    def _check_settings(self) -> None:
        self.input_size = integer("nn.Linear", "input_size", self.input_size, 1)
        self.output_size = integer("nn.Linear", "output_size", self.output_size, 1)

    def validate(self) -> None:
        """Check the sizes (ints ≥ 1), the weight (output_size, input_size), the bias or None."""
        self._check_settings()
        shape = (self.output_size, self.input_size)
        array("nn.Linear", "weight", self.weight, shape, shape_is="(output_size, input_size)")
        if self.bias is not None:
            array("nn.Linear", "bias", self.bias, shape[:1], shape_is="(output_size,)")
        super().validate()

    def reset(self, stdv: float | None = None) -> Linear:
        """Draw weight and bias uniformly, in place, by Lua's rule; returns self.

        Without ``stdv``: U(−1/√input_size, 1/√input_size). With ``stdv``: U(−√3·stdv, √3·stdv),
        whose standard deviation is ``stdv``: Lua's ``reset(stdv)`` multiplies it by √3.

        Parameters
        ----------
        stdv : float, optional
            Standard deviation of the uniform draws (not their half-width, as in Lua).
        """
        lua_uniform(self._who(), stdv, self.input_size, self.weight, self.bias)
        return self

    def no_bias(self) -> Linear:
        """Drop the bias: y = x Wᵀ."""
        self.bias = None
        self.grad_bias = None
        self.__dict__.pop("_flat", None)
        return self

    noBias = no_bias

    def update_output(self, input: np.ndarray) -> np.ndarray:
        if input.ndim not in (1, 2) or input.shape[-1] != self.input_size:
            check_feature_input(self._who(), input, self.input_size)  # raises, naming the layer
        self.output = reuse(self.output, input.shape[:-1] + (self.output_size,), self.weight.dtype)
        # x Wᵀ + b for a batch, W x + b for a single vector; the product goes to a reused
        # scratch buffer, then onto the broadcast bias (see write_affine).
        product = self._buffer("affine_product", self.output.shape, self.weight.dtype)
        write_affine(self.output, input, self.weight, self.bias, product)
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        self.grad_input = reuse(self.grad_input, input.shape, self.weight.dtype)
        np.matmul(grad_output, self.weight, out=self.grad_input)  # ∂L/∂x = G W
        return self.grad_input

    def backward(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> np.ndarray | None:
        """``Module.backward``, after checking that ``input`` has ``grad_output``'s rows.

        Parameters
        ----------
        input : numpy.ndarray
            The (n, input_size) or (input_size,) input of the last forward.
        grad_output : numpy.ndarray
            ∂L/∂y, of the output's shape.
        scale : float
            Factor on the parameter gradients' contribution.

        Returns
        -------
        numpy.ndarray or None
            ∂L/∂x (None when ``compute_grad_input`` is False).
        """
        if (
            type(input) is np.ndarray
            and type(grad_output) is np.ndarray
            and (
                input.ndim != grad_output.ndim
                or input.shape[-1] != self.input_size
                or (input.ndim == 2 and input.shape[0] != grad_output.shape[0])
            )
        ):
            # G W and Gᵀ x would fail deep inside matmul.
            expected = grad_output.shape[:-1] + (self.input_size,)
            raise ValueError(
                f"{self._who()}: backward expected input of shape {expected} (the rows of "
                f"grad_output {grad_output.shape}), got {input.shape}"
            )
        return super().backward(input, grad_output, scale)

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        if input.ndim == 2:
            # The products go into reused scratch buffers, then are added in place: gradients
            # accumulate, and the arrays stay views of get_parameters (minitorch_l2/_blas.py).
            dtype = self.weight.dtype
            product = self._buffer("weight_product", self.weight.shape, dtype)
            add_transposed_product(self.grad_weight, grad_output, input, scale, product)  # Gᵀ x
            if self.bias is not None:
                sums = self._buffer("bias_product", (self.output_size,), dtype)
                add_column_sums(self.grad_bias, grad_output, scale, sums)  # += s · Σₙ G
            return
        # A single vector: ∂L/∂W += s · g xᵀ, ∂L/∂b += s · g.
        step = self._buffer("weight_step", self.weight.shape, self.weight.dtype)
        np.multiply.outer(grad_output, input, out=step)
        if scale != 1:
            step *= scale
        self.grad_weight += step
        if self.bias is not None:
            self.grad_bias += scale * grad_output

    def _who(self) -> str:
        return repr(self)

    def __tostring__(self) -> str:
        suffix = "" if self.bias is not None else " without bias"
        return f"nn.Linear({self.input_size} -> {self.output_size}){suffix}"
