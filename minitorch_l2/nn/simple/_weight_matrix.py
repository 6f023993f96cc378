"""What Lua's Cosine and Euclidean share: one weight matrix sized by (input_size, output_size).

The constructor, ``validate`` and ``reset`` (U(−a, a), a = 1/√weight:size(1) as in Lua, or
stdv·√3); each layer has its own orientation of the matrix and its formula.
"""

from __future__ import annotations

import numpy as np

from .._settings import array, integer
from ..module import Module
from ._lua_uniform import lua_uniform


class WeightMatrix(Module):
    """A layer whose one parameter is a weight matrix sized by its two settings (internal).

    Parameters
    ----------
    input_size : int
        Features of each input row.
    output_size : int
        Outputs per row.
    """

    parameter_names = (("weight", "grad_weight"),)
    #: The weight's shape, by the names of the two settings.
    weight_shape = ("output_size", "input_size")

    def __init__(self, input_size: int, output_size: int) -> None:
        super().__init__()
        self.input_size = input_size
        self.output_size = output_size
        self._check_settings()
        self.weight = np.empty(self._shape())
        self.grad_weight = np.zeros_like(self.weight)
        self.validate()
        self.reset()

    def validate(self) -> None:
        """Check the sizes (ints >= 1) and the weight's shape."""
        self._check_settings()
        names = f"({', '.join(self.weight_shape)})"
        array(self._who(), "weight", self.weight, self._shape(), shape_is=names)
        super().validate()

    def _check_settings(self) -> None:
        self.input_size = integer(self._who(), "input_size", self.input_size, 1)
        self.output_size = integer(self._who(), "output_size", self.output_size, 1)

    def _shape(self) -> tuple[int, int]:
        return tuple(getattr(self, name) for name in self.weight_shape)

    def reset(self, stdv: float | None = None) -> WeightMatrix:
        """Draw ``weight`` from U(−a, a), in place: a = stdv·√3, or 1/√(its first size) (Lua's).

        Parameters
        ----------
        stdv : float, optional
            The standard deviation of the uniform draw.

        Returns
        -------
        WeightMatrix
            ``self``.
        """
        lua_uniform(self._who(), stdv, self.weight.shape[0], self.weight)
        return self
