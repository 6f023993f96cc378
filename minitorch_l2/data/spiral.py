"""``make_spiral``: interleaved spiral arms, a toy problem no linear classifier can solve.

Point i of class k (i = 0 … n−1 for n points per class, k = 0 … K−1 for K classes) is

    r = (i + 1) / n,    θ = 2πk / K + 4r + ε,    ε ~ N(0, noise²),    x = (r sin θ, r cos θ),

so each arm winds 4 radians outwards from the centre (as in the CS231n spiral) and the K arms
are rotated 2π/K apart. ``noise`` perturbs the angle, in radians.
"""

from __future__ import annotations

import numpy as np

from ._checks import check_count, check_scale, check_total, finite_points
from ._random import rng_for


def make_spiral(
    n_per_class: int = 100, n_classes: int = 3, noise: float = 0.2, seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Points on ``n_classes`` spiral arms in the plane, grouped by class.

    X holds at most 2**26 numbers (512 MiB of float64): toy
    data stays small, and a larger request is refused with a ValueError before anything is
    allocated.

    Parameters
    ----------
    n_per_class : int
        Points per arm (≥ 1).
    n_classes : int
        Number of arms (≥ 1).
    noise : float
        Standard deviation of the Gaussian noise added to each angle, in radians (≥ 0).
    seed : int or None
        Seed of the noise; None draws from the generator set by ``minitorch_l2.manual_seed``.

    Returns
    -------
    X : numpy.ndarray of float64, shape (n_per_class · n_classes, 2)
    y : numpy.ndarray of int64, shape (n_per_class · n_classes,), labels 0 … n_classes − 1
    """
    who = "data.make_spiral"
    n = check_count(who, "n_per_class", n_per_class)
    classes = check_count(who, "n_classes", n_classes)
    check_total(who, f"n_per_class={n} with n_classes={classes}", 2 * n * classes)
    noise = check_scale(who, "noise", noise)
    rng = rng_for(who, seed)
    radius = np.tile(np.arange(1, n + 1) / n, classes)
    y = np.repeat(np.arange(classes, dtype=np.int64), n)
    with np.errstate(over="ignore", invalid="ignore"):  # refused below, not warned about
        angle = 2 * np.pi * y / classes + 4 * radius + rng.normal(0.0, noise, radius.size)
        X = np.stack([radius * np.sin(angle), radius * np.cos(angle)], axis=1)
    return finite_points(who, f"noise={noise!r}", X), y
