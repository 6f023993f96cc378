"""Lua's ``reset(stdv)`` rule: U(−a, a) with a = stdv·√3 when stdv is given, else 1/√fan_in.

U(−a, a) has standard deviation a/√3, so a given stdv is the draws' standard deviation; Lua's
layers (Linear, the convolutions, CMul, Cosine, Bilinear, ...) differ only in their fan-in.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from ..._random import generator


def half_width(who: str, stdv: float | None, fan_in: int | np.ndarray) -> float | np.ndarray:
    """a = stdv·√3 (stdv checked: finite, ≥ 0), or 1/√fan_in (elementwise for an array)."""
    if stdv is None:
        return 1.0 / np.sqrt(fan_in) if isinstance(fan_in, np.ndarray) else 1.0 / math.sqrt(fan_in)
    if isinstance(stdv, bool) or not isinstance(stdv, numbers.Real) or not 0 <= stdv < math.inf:
        raise ValueError(
            f"{who}: reset's stdv must be a finite number >= 0 (the standard deviation of the "
            f"uniform draws), got {stdv!r}"
        )
    return stdv * math.sqrt(3)


def lua_uniform(who: str, stdv: float | None, fan_in: int, *parameters: np.ndarray | None) -> None:
    """Fill each parameter (None skipped), in place and in order, from U(−a, a) of one a."""
    bound = half_width(who, stdv, fan_in)
    rng = generator()
    for parameter in parameters:
        if parameter is not None:  # in place, so views made by get_parameters() stay valid
            parameter[...] = rng.uniform(-bound, bound, parameter.shape)
