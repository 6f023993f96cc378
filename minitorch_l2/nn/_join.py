"""Arrays joined along one axis into a reused buffer: ``Concat``, ``Parallel`` and ``JoinTable``.

y = concatenate(parts, axis); every part must have the first's dtype, number of dimensions
and sizes in every dimension but ``axis``, else a ValueError names the part and the first.
"""

from __future__ import annotations

import numpy as np

from ._checks import reuse
from ._tables import describe


def join(who: str, parts: list, axis: int, out: object, place: str, along: str) -> np.ndarray:
    """``parts`` joined along ``axis``, into ``out`` itself when its shape and dtype fit.

    ``place`` names a part in a message (``"module ({})"``, ``"input[{}]"``), ``along`` the
    setting (``"dim 1"``).
    """
    first = parts[0]
    others = first.shape[:axis] + first.shape[axis + 1 :]
    size = 0
    for index, part in enumerate(parts):
        if (
            type(part) is not np.ndarray
            or part.ndim != first.ndim
            or part.shape[:axis] + part.shape[axis + 1 :] != others
            or part.dtype != first.dtype
        ):
            raise ValueError(
                f"{who}: {place.format(index)} is {describe(part)}, which cannot be joined "
                f"along {along} to {place.format(0)}'s {describe(first)} (every other size "
                f"and the dtype must agree)"
            )
        size += part.shape[axis]
    out = reuse(out, first.shape[:axis] + (size,) + first.shape[axis + 1 :], first.dtype)
    np.concatenate(parts, axis=axis, out=out)
    return out
