"""``make_blobs``: Gaussian clusters around centres spread evenly on a circle.

Class k (k = 0 … K−1) is centred at c_k = radius · (cos 2πk/K, sin 2πk/K, 0, …, 0) — in the plane
of the first two features — and its points are c_k + σ z with z ~ N(0, I). With one feature the
centres sit evenly on [−radius, radius] instead. Adjacent centres are 2 · radius · sin(π/K) apart
(≈ 6.9 for the defaults, 7 σ: nearly separable), so K and σ set the difficulty.
"""

from __future__ import annotations

import numpy as np

from ._checks import check_count, check_scale, check_total, finite_points
from ._random import rng_for


def make_blobs(
    n_per_class: int = 100,
    n_classes: int = 3,
    n_features: int = 2,
    radius: float = 4.0,
    std: float = 1.0,
    seed: int | None = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Isotropic Gaussian clusters, one per class, grouped by class.

    X holds at most 2**26 numbers (512 MiB of float64): toy
    data stays small, and a larger request is refused with a ValueError before anything is
    allocated.

    Parameters
    ----------
    n_per_class : int
        Points per cluster (≥ 1).
    n_classes : int
        Number of clusters (≥ 1).
    n_features : int
        Dimension of each point (≥ 1).
    radius : float
        Distance of every centre from the origin (≥ 0).
    std : float
        Standard deviation σ of each cluster along every axis (≥ 0).
    seed : int or None
        Seed of the noise; None draws from the generator set by ``minitorch_l2.manual_seed``.

    Returns
    -------
    X : numpy.ndarray of float64, shape (n_per_class · n_classes, n_features)
    y : numpy.ndarray of int64, shape (n_per_class · n_classes,), labels 0 … n_classes − 1
    """
    who = "data.make_blobs"
    n = check_count(who, "n_per_class", n_per_class)
    classes = check_count(who, "n_classes", n_classes)
    features = check_count(who, "n_features", n_features)
    given = f"n_per_class={n}, n_classes={classes}, n_features={features}"
    check_total(who, given, n * classes * features)
    radius = check_scale(who, "radius", radius)
    std = check_scale(who, "std", std)
    rng = rng_for(who, seed)
    centres = np.zeros((classes, features))
    with np.errstate(over="ignore", invalid="ignore"):  # refused below, not warned about
        if features == 1:
            centres[:, 0] = np.linspace(-radius, radius, classes) if classes > 1 else 0.0
        else:
            angle = 2 * np.pi * np.arange(classes) / classes
            centres[:, 0], centres[:, 1] = radius * np.cos(angle), radius * np.sin(angle)
        y = np.repeat(np.arange(classes, dtype=np.int64), n)
        X = centres[y] + rng.normal(0.0, std, (y.size, features))
    return finite_points(who, f"radius={radius!r} with std={std!r}", X), y
