"""``nn.Criterion``: a loss L(input, target) and its gradient ∂L/∂input (Torch's API).

``forward(input, target)`` returns the loss as a Python float (also kept in ``output``);
``backward(input, target)`` returns ``grad_input``. With ``size_average=True`` the loss is a
mean over the batch, as in Torch.
"""

from __future__ import annotations

import numpy as np

from ._checks import check_float_array
from ._lua_names import CRITERION_METHODS, attribute_alias, link_lua_names
from ._non_finite import check_loss


class Criterion:
    """Base class of the losses; subclasses implement ``update_output``, ``update_grad_input``.

    A criterion maps an ``input`` (what the network produced) and a ``target`` to a loss
    L(input, target), a Python float, and gives ∂L/∂input, an array of the input's shape. Over
    a batch of n rows, L = (1/n) Σᵢ ℓᵢ with ``size_average=True`` (Torch's default) and Σᵢ ℓᵢ
    without; each subclass defines ℓ and its normaliser.

    Parameters
    ----------
    size_average : bool, default True
        Average the loss over the batch (True) or sum it (False); Lua's ``sizeAverage``. It may
        be changed after construction.
    """

    output: float = 0.0
    grad_input: np.ndarray | None = None

    def __init__(self, size_average: bool = True) -> None:
        self.size_average = bool(size_average)
        self.output = 0.0
        self.grad_input = None

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        link_lua_names(cls, CRITERION_METHODS)

    def update_output(self, input: np.ndarray, target: np.ndarray) -> float:
        """Compute the loss, store it in ``self.output`` and return it.

        Parameters
        ----------
        input : numpy.ndarray
            What the network produced (float32 or float64).
        target : numpy.ndarray
            What it should have produced, in the form the criterion expects.
        """
        raise NotImplementedError(f"{self._who()} does not implement update_output")

    def update_grad_input(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        """Compute ``self.grad_input`` = ∂L/∂input and return it.

        Parameters
        ----------
        input : numpy.ndarray
            The input the loss is differentiated at.
        target : numpy.ndarray
            The target, as for :meth:`update_output`.
        """
        raise NotImplementedError(f"{self._who()} does not implement update_grad_input")

    def forward(self, input: np.ndarray, target: np.ndarray) -> float:
        """Check ``input`` is a floating array, then return ``update_output(input, target)``.

        Parameters
        ----------
        input : numpy.ndarray
            What the network produced (float32 or float64).
        target : numpy.ndarray
            What it should have produced.

        Returns
        -------
        float
            The loss, also kept in ``output``.

        Notes
        -----
        A NaN or ±inf loss is never returned silently: when the loss is not finite, the input
        (and a floating target) are scanned, and a NaN or ±inf there is a ValueError naming the
        first offending index. A non-finite loss from finite input (an overflow) is returned
        as IEEE arithmetic gives it, with a RuntimeWarning. ``backward`` does not repeat the
        scan: call ``forward`` first, as a training loop does.
        """
        check_float_array(self._who(), "input", input)
        result = self.update_output(input, target)
        loss = float(self.output if result is None else result)
        self.output = check_loss(self._who(), loss, self._inputs_to_scan(input, target))
        return self.output

    def __call__(self, input: np.ndarray, target: np.ndarray) -> float:
        # Dispatch through the instance, so a subclass overriding ``forward`` is reached too.
        return self.forward(input, target)

    def backward(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        """Return ∂L/∂input (also kept in ``grad_input``).

        Parameters
        ----------
        input : numpy.ndarray
            The input the loss is differentiated at.
        target : numpy.ndarray
            The target.

        Returns
        -------
        numpy.ndarray
            ∂L/∂input, the criterion's reused ``grad_input`` buffer: copy it to keep it.
        """
        check_float_array(self._who(), "input", input)
        result = self.update_grad_input(input, target)
        if result is not None:
            self.grad_input = result
        return self.grad_input

    def _inputs_to_scan(self, input: object, target: object) -> list[tuple[str, object]]:
        """(name, value) of what may explain a non-finite loss (only floating arrays are read)."""
        return [("input", input), ("target", target)]

    gradInput = attribute_alias("grad_input")
    sizeAverage = attribute_alias("size_average")

    def _who(self) -> str:
        return f"nn.{type(self).__name__}"

    def __repr__(self) -> str:
        return f"nn.{type(self).__name__}"


link_lua_names(Criterion, CRITERION_METHODS)
