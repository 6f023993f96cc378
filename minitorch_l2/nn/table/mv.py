"""``nn.MV(trans=False)``: a matrix times a vector, or a batch of each.

y = op(M) v, op(M) = Mᵀ when ``trans``; for g = ∂L/∂y: ∂L/∂op(M) = g vᵀ and ∂L/∂v = op(M)ᵀ g.
M is (m, n) with v (n,), or a batch (b, m, n) with v (b, n).
"""

from __future__ import annotations

import numpy as np

from .._checks import reuse
from .._settings import boolean
from .._tables import reuse_list
from ..module import Module
from ._inputs import tensors


class MV(Module):
    """Matrix-vector product of a pair [M, v]: y = op(M) v, batched over a leading dimension.

    With g = ∂L/∂y: ∂L/∂M = g vᵀ (v gᵀ when ``trans``) and ∂L/∂v = op(M)ᵀ g.

    Parameters
    ----------
    trans : bool, default False
        Use Mᵀ (each matrix of a batch transposed).
    """

    def __init__(self, trans: bool = False) -> None:
        super().__init__()
        self.trans = trans
        self.validate()

    def validate(self) -> None:
        """Check ``trans`` (a bool)."""
        self.trans = boolean(self._who(), "trans", self.trans)
        super().validate()

    def _matrix(self, input: list[np.ndarray]) -> np.ndarray:
        m, v = tensors(self._who(), input, 2)
        if m.ndim not in (2, 3) or v.ndim != m.ndim - 1:
            raise ValueError(
                f"{self._who()}: expected a matrix (m, n) with a vector (n,), or a batch "
                f"(b, m, n) with (b, n), got shapes {m.shape} and {v.shape}"
            )
        matrix = np.swapaxes(m, -1, -2) if self.trans else m
        if matrix.shape[:-2] != v.shape[:-1] or matrix.shape[-1] != v.shape[-1]:
            raise ValueError(
                f"{self._who()}: cannot multiply {matrix.shape} by a vector {v.shape} (input "
                f"shapes {m.shape} and {v.shape}, trans={self.trans})"
            )
        return matrix

    def update_output(self, input: list[np.ndarray]) -> np.ndarray:
        matrix = self._matrix(input)
        self.output = reuse(self.output, matrix.shape[:-1], matrix.dtype)
        np.matmul(matrix, input[1][..., None], out=self.output[..., None])
        return self.output

    def update_grad_input(self, input: list[np.ndarray], grad_output: np.ndarray) -> list:
        matrix = self._matrix(input)
        m, v = input
        grads = self.grad_input = reuse_list(self.grad_input, 2)
        for index in (0, 1):
            grads[index] = reuse(grads[index], input[index].shape, grad_output.dtype)
        if self.trans:
            np.multiply(v[..., :, None], grad_output[..., None, :], out=grads[0])  # v gᵀ
        else:
            np.multiply(grad_output[..., :, None], v[..., None, :], out=grads[0])  # g vᵀ
        np.matmul(np.swapaxes(matrix, -1, -2), grad_output[..., None], out=grads[1][..., None])
        return grads
