"""``nn.Mean(dim=0, n_input_dims=None)``: y = the mean of x along dim (Lua's ``Sum`` averaged).

y = Σ_dim x / n, n the size of dim; ∂L/∂x = g / n repeated along dim. Lua keeps ``Mean`` as
``nn.Sum(dim, nInputDims, true)``, and so does this class.
"""

from __future__ import annotations

from .sum import Sum


class Mean(Sum):
    """y = the mean of x along ``dim``; ∂L/∂x = g / n repeated along it.

    Parameters
    ----------
    dim : int
        The dimension averaged (0-based, default 0; negative counts from the end).
    n_input_dims : int or None
        Dimensions of one sample: an input with one more is a batch, and a ``dim`` ≥ 0 moves
        one place right (Lua's ``nInputDims``).
    """

    def __init__(self, dim: int = 0, n_input_dims: int | None = None) -> None:
        super().__init__(dim, n_input_dims, size_average=True)
