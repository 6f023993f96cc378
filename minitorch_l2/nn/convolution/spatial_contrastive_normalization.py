"""``nn.SpatialContrastiveNormalization(n, kernel, threshold, thresval)``: local contrast.

The subtractive normalisation, then the divisive one:
y = D(S(x)) with S = ``nn.SpatialSubtractiveNormalization(n, kernel)`` and
D = ``nn.SpatialDivisiveNormalization(n, kernel, threshold, thresval)``: each pixel has the
local mean removed, then is divided by the local standard deviation (the torch/tutorials
preprocessing). Gradient: the chain rule through the two, D's backward then S's.
"""

from __future__ import annotations

import numpy as np

from .._lua_names import attribute_alias
from ..module import Module
from ._shapes import as_batch
from .spatial_divisive_normalization import SpatialDivisiveNormalization
from .spatial_subtractive_normalization import SpatialSubtractiveNormalization


class SpatialContrastiveNormalization(Module):
    """Local contrast normalisation: the subtractive, then the divisive normalisation.

    y = D(S(x)); ∂L/∂x = Sᵀ-chain of D's gradient. Input (n, H, W) or (N, n, H, W).

    Parameters
    ----------
    n_input_plane : int, default 1
        n, the planes normalised together.
    kernel : numpy.ndarray, optional
        The weights, 1-D or 2-D, odd sizes; default ``np.ones((9, 9))``.
    threshold : float, default 1e-4
        Standard deviations at or below it are replaced by ``thresval``.
    thresval : float, optional
        The replacement; default ``threshold``.
    """

    def __init__(
        self,
        n_input_plane: int = 1,
        kernel: np.ndarray | None = None,
        threshold: float = 1e-4,
        thresval: float | None = None,
    ) -> None:
        super().__init__()
        self.subtractive = SpatialSubtractiveNormalization(n_input_plane, kernel)
        self.divisive = SpatialDivisiveNormalization(n_input_plane, kernel, threshold, thresval)
        self.validate()

    def validate(self) -> None:
        """Check both stages (their settings must agree: one plane count, one kernel)."""
        self.subtractive.validate()
        self.divisive.validate()
        if self.subtractive.n_input_plane != self.divisive.n_input_plane:
            raise ValueError(f"{self._who()}: the two stages disagree on n_input_plane")
        super().validate()

    @property
    def n_input_plane(self) -> int:
        """n, the planes normalised together."""
        return self.subtractive.n_input_plane

    def update_output(self, input: np.ndarray) -> np.ndarray:
        as_batch(self._who(), input, 2, self.n_input_plane)  # named here, not by a stage
        centred = self.subtractive.forward(input)
        self.output = self.divisive.forward(centred)
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        grad = self.divisive.backward(self.subtractive.output, grad_output)
        self.grad_input = self.subtractive.backward(input, grad)
        return self.grad_input

    nInputPlane = attribute_alias("n_input_plane")
