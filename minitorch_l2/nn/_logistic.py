"""The logistic function σ(x) = 1 / (1 + e^(−x)) in NumPy, as Lua Torch writes it.

Shared by ``nn.Sigmoid``, ``nn.SoftMarginCriterion`` and ``nn.MultiLabelSoftMarginCriterion``.
SciPy's ``expit`` computes the same formula, but importing ``scipy.special`` made
``import minitorch_l2`` several times slower (docs/performance.md).
"""

from __future__ import annotations

import numpy as np


def logistic(x: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``out = 1 / (1 + e^(−x))`` element-wise, in place in ``out`` (which may be ``x``).

    For very negative x, e^(−x) overflows to inf and σ(x) is exactly 0, as in Lua; the overflow
    and the underflow of e^(−x) for very positive x (σ = 1) are expected: no warning.
    """
    np.negative(x, out=out)
    with np.errstate(over="ignore", under="ignore"):
        np.exp(out, out=out)
    out += 1
    np.reciprocal(out, out=out)
    return out
