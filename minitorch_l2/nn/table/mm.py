"""``nn.MM(trans_a=False, trans_b=False)``: the matrix product of a pair, or of two batches.

C = op(A) op(B), op(M) = Mᵀ when its flag is set; for G = ∂L/∂C:
∂L/∂op(A) = G op(B)ᵀ and ∂L/∂op(B) = op(A)ᵀ G, transposed back for a transposed input.
A and B are matrices (2-D) or batches of matrices (3-D, the batch first).
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._settings import boolean
from .._tables import reuse_list
from ..module import Module
from ._inputs import tensors


def _t(matrix: np.ndarray) -> np.ndarray:
    return np.swapaxes(matrix, -1, -2)


class MM(Module):
    """Matrix product of a pair [A, B]: C = op(A) op(B), batched over a leading dimension.

    With G = ∂L/∂C: ∂L/∂A = G op(B)ᵀ (or op(B) Gᵀ when ``trans_a``), ∂L/∂B = op(A)ᵀ G (or
    Gᵀ op(A) when ``trans_b``).

    Parameters
    ----------
    trans_a : bool, default False
        Use Aᵀ (each matrix of a batch transposed).
    trans_b : bool, default False
        Use Bᵀ.
    """

    def __init__(self, trans_a: bool = False, trans_b: bool = False) -> None:
        super().__init__()
        self.trans_a = trans_a
        self.trans_b = trans_b
        self.validate()

    def validate(self) -> None:
        """Check ``trans_a`` and ``trans_b`` (bools)."""
        self.trans_a = boolean(self._who(), "trans_a", self.trans_a)
        self.trans_b = boolean(self._who(), "trans_b", self.trans_b)
        super().validate()

    def _operands(self, input: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        a, b = tensors(self._who(), input, 2)
        if a.ndim not in (2, 3) or b.ndim != a.ndim:
            raise ValueError(
                f"{self._who()}: expected two matrices (2-D) or two batches of matrices (3-D), "
                f"got shapes {a.shape} and {b.shape}"
            )
        left, right = _t(a) if self.trans_a else a, _t(b) if self.trans_b else b
        if left.shape[:-2] != right.shape[:-2] or left.shape[-1] != right.shape[-2]:
            raise ValueError(
                f"{self._who()}: cannot multiply {left.shape} by {right.shape} (input shapes "
                f"{a.shape} and {b.shape}, trans_a={self.trans_a}, trans_b={self.trans_b})"
            )
        return left, right

    def update_output(self, input: list[np.ndarray]) -> np.ndarray:
        left, right = self._operands(input)
        shape = left.shape[:-1] + right.shape[-1:]
        self.output = reuse(self.output, shape, left.dtype)
        np.matmul(left, right, out=self.output)
        return self.output

    def update_grad_input(self, input: list[np.ndarray], grad_output: np.ndarray) -> list:
        left, right = self._operands(input)
        grads = self.grad_input = reuse_list(self.grad_input, 2)
        for index in (0, 1):
            grads[index] = reuse(grads[index], input[index].shape, grad_output.dtype)
        if self.trans_a:
            np.matmul(right, _t(grad_output), out=grads[0])  # (G op(B)ᵀ)ᵀ
        else:
            np.matmul(grad_output, _t(right), out=grads[0])  # G op(B)ᵀ
        if self.trans_b:
            np.matmul(_t(grad_output), left, out=grads[1])  # (op(A)ᵀ G)ᵀ
        else:
            np.matmul(_t(left), grad_output, out=grads[1])  # op(A)ᵀ G
        return grads
