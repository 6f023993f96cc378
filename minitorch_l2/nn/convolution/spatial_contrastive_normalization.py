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
        try:  # the stages check the arguments; the error is told under this module's name
            self.subtractive = SpatialSubtractiveNormalization(n_input_plane, kernel)
            self.divisive = SpatialDivisiveNormalization(n_input_plane, kernel, threshold, thresval)
        except (TypeError, ValueError) as error:
            raise type(error)(f"{self._who()}: {error}") from None
        self.validate()

    def validate(self) -> None:
        """Check both stages (of their classes, agreeing on the plane count and the kernel)."""
        who = self._who()
        stages = (
            ("subtractive", SpatialSubtractiveNormalization),
            ("divisive", SpatialDivisiveNormalization),
        )
        for name, cls in stages:
            stage = getattr(self, name)
            if type(stage) is not cls:
                raise TypeError(f"{who}: {name} must be an nn.{cls.__name__}, got {stage!r:.60}")
            try:
                stage.validate()
            except (TypeError, ValueError) as error:
                raise type(error)(f"{who}: {name}: {error}") from None
        first, second = self.subtractive, self.divisive
        if first.n_input_plane != second.n_input_plane or not np.array_equal(
            first.kernel, second.kernel
        ):
            raise ValueError(f"{who}: subtractive and divisive disagree on n_input_plane or kernel")
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
