"""The pair modules' input: two tensors of one shape, vectors (d,) or batches (n, d), as rows."""

from __future__ import annotations

import numpy as np

from ._inputs import same_shapes


def pair_rows(who: str, input: object) -> tuple[np.ndarray, np.ndarray]:
    """The two (n, d) row views of a pair [x1, x2] of one shape, (d,) or (n, d)."""
    x1, x2 = input
    same_shapes(who, input)
    if x1.ndim not in (1, 2) or x1.shape[-1] < 1:
        raise ValueError(
            f"{who}: expected a pair of vectors (d,) or of batches (n, d), got shape {x1.shape}"
        )
    return x1.reshape(-1, x1.shape[-1]), x2.reshape(-1, x2.shape[-1])
