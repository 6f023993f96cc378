"""The ``reset`` of Lua's CMul, CAdd, Mul and Add: U(−a, a) with a = 1/√size, or stdv·√3."""

from __future__ import annotations

import math
import numbers

import numpy as np

from ..._random import generator


def lua_uniform(who: str, parameter: np.ndarray, stdv: float | None) -> None:
    """Fill ``parameter`` in place from U(−a, a): a = stdv·√3 (U's std is a/√3), or 1/√size."""
    if stdv is None:
        half_width = 1.0 / math.sqrt(parameter.size)
    elif isinstance(stdv, bool) or not isinstance(stdv, numbers.Real) or not 0 <= stdv < math.inf:
        raise ValueError(
            f"{who}: reset's stdv must be a finite number >= 0 (the standard deviation of the "
            f"uniform draw), got {stdv!r}"
        )
    else:
        half_width = stdv * math.sqrt(3)
    # In place, so views made by get_parameters() stay valid.
    parameter[...] = generator().uniform(-half_width, half_width, parameter.shape)
