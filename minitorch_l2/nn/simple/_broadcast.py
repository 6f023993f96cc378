"""Lua's CMul and CAdd: one learnt parameter of ``size``, laid over the input three ways.

1. The same number of elements: the parameter is seen with the input's shape.
2. The same number of dims: sizes equal, or 1 in the parameter (broadcast, Lua's ``expandAs``).
3. Otherwise a batch: the input seen as (n, rest) and the parameter as (1, rest).

:class:`BroadcastParameter` holds what the two layers share: the constructor, ``validate``,
``reset`` and that layout; each layer has its formula.
"""

from __future__ import annotations

import math

import numpy as np

from .._settings import array, int_tuple
from ..module import Module
from ._lua_uniform import lua_uniform


class BroadcastParameter(Module):
    """A layer with one learnt parameter of shape ``size`` broadcast over its input (internal).

    Parameters
    ----------
    *size : int
        The parameter's shape (a single tuple works too, as Lua's ``LongStorage``).
    """

    #: The parameter's attribute (its gradient is ``grad_`` + it).
    parameter = "weight"

    def __init__(self, *size: int) -> None:
        super().__init__()
        if len(size) == 1 and isinstance(size[0], tuple | list):
            size = tuple(size[0])
        self.size = size
        self._check_settings()
        setattr(self, self.parameter, np.empty(self.size))
        setattr(self, "grad_" + self.parameter, np.zeros(self.size))
        self.validate()
        self.reset()

    def _check_settings(self) -> None:
        self.size = int_tuple(self._who(), "size", self.size, minimum=1)
        if not self.size:
            raise ValueError(f"{self._who()}: expected at least one size, got none")

    def validate(self) -> None:
        """Check the size (ints ≥ 1) and the parameter's shape, ``size``."""
        self._check_settings()
        array(
            self._who(), self.parameter, getattr(self, self.parameter), self.size, shape_is="size"
        )
        super().validate()

    def reset(self, stdv: float | None = None) -> BroadcastParameter:
        """Draw the parameter from U(−a, a): a = stdv·√3, or 1/√size by default (Lua's).

        Parameters
        ----------
        stdv : float, optional
            The standard deviation of the uniform draw.

        Returns
        -------
        BroadcastParameter
            ``self``.
        """
        values = getattr(self, self.parameter)
        lua_uniform(self._who(), stdv, values.size, values)
        return self

    def _layout(self, input: np.ndarray) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """:func:`layout` of this layer's parameter over ``input``."""
        return layout(self._who(), self.parameter, input.shape, getattr(self, self.parameter).shape)


def layout(
    who: str, name: str, input_shape: tuple[int, ...], shape: tuple[int, ...]
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(the shape to see x and g with, the shape to see the parameter with), else a ValueError."""
    size, own = math.prod(input_shape), math.prod(shape)
    if size == own:
        return input_shape, input_shape
    if len(shape) == len(input_shape):
        if all(p in (1, d) for p, d in zip(shape, input_shape)):
            return input_shape, shape
    elif input_shape and size == input_shape[0] * own:
        return (input_shape[0], own), (1, own)
    raise ValueError(
        f"{who}: the {name} of shape {shape} does not fit an input of shape {input_shape}: "
        f"expected {own} elements, a shape with 1 where the {name} is broadcast, or a batch "
        f"(n, {', '.join(map(str, shape))})"
    )


def broadcast_axes(seen: tuple[int, ...], parameter: tuple[int, ...]) -> tuple[int, ...]:
    """The axes a parameter seen as ``parameter`` is broadcast along: its gradient sums them."""
    return tuple(i for i, (d, p) in enumerate(zip(seen, parameter)) if p == 1 and d != 1)
