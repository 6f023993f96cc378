"""``make_glyphs``: ten digit-like glyphs in 1×28×28 images, generated (no download).

Glyph k is digit k drawn with the seven strokes of a seven-segment display (a top, upper right,
lower right, bottom, lower left, upper left, middle), each digit lighting its usual ones. Every
image draws one glyph with a random height (``scale`` of the frame, ±30 %), width 0.55–0.75 of
its height, slant (±0.25), stroke width (1.1–2.1 pixels) and position anywhere it fits in the
frame, then adds Gaussian noise:

    x[i, j] = clip(1 − (d(i, j) − w/2), 0, 1) + ε,     ε ~ N(0, noise²),

d the distance from pixel (i, j)'s centre to the nearest lit stroke and w the stroke width: an
anti-aliased line. The random position is what a convolutional network, whose features slide
over the image, learns from a few thousand examples, and what a fully connected network of the
same size must learn separately for every place.
"""

from __future__ import annotations

import numpy as np

from ._checks import check_count, check_scale, check_total, finite_points
from ._random import rng_for

# Stroke ends in a unit box (x right, y down): the seven segments a…g of a seven-segment digit.
_SEGMENTS = np.array(
    [
        [(0, 0), (1, 0)],  # a: top
        [(1, 0), (1, 0.5)],  # b: upper right
        [(1, 0.5), (1, 1)],  # c: lower right
        [(0, 1), (1, 1)],  # d: bottom
        [(0, 0.5), (0, 1)],  # e: lower left
        [(0, 0), (0, 0.5)],  # f: upper left
        [(0, 0.5), (1, 0.5)],  # g: middle
    ],
    dtype=np.float64,
)
# Which segments each digit 0…9 lights.
_DIGITS = ("abcdef", "bc", "abged", "abgcd", "fgbc", "afgcd", "afgedc", "abc", "abcdefg", "abcdfg")
_LIT = np.array([[letter in digit for letter in "abcdefg"] for digit in _DIGITS])


def make_glyphs(
    n_per_class: int = 500,
    size: int = 28,
    scale: float = 0.55,
    noise: float = 0.2,
    seed: int | None = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Images (n, 1, size, size) of digit-like glyphs at random places, and their labels 0…9.

    X holds at most 2**26 numbers (512 MiB of float64): toy
    data stays small, and a larger request is refused with a ValueError before anything is
    allocated.

    Parameters
    ----------
    n_per_class : int
        Images per class (≥ 1); the classes come in order, 0 first.
    size : int
        Height and width of each image in pixels (≥ 12).
    scale : float
        Mean glyph height as a fraction of the frame, in [0.2, 0.8]; each image varies it by
        up to ±30 %.
    noise : float
        Standard deviation of the Gaussian noise added to every pixel (≥ 0).
    seed : int or None
        Seed of the draws; None draws from the generator set by ``minitorch_l2.manual_seed``.

    Returns
    -------
    X : numpy.ndarray of float64, shape (10 · n_per_class, 1, size, size)
        Strokes near 1 on a background near 0, plus the noise.
    y : numpy.ndarray of int64, shape (10 · n_per_class,)
        The glyph's class, 0…9.
    """
    who = "data.make_glyphs"
    n = check_count(who, "n_per_class", n_per_class)
    size = check_count(who, "size", size, minimum=12)
    check_total(who, f"n_per_class={n} with size={size}", 10 * n * size * size)
    scale = check_scale(who, "scale", scale)
    if not 0.2 <= scale <= 0.8:
        raise ValueError(f"{who}: scale must be in [0.2, 0.8], got {scale!r}")
    noise = check_scale(who, "noise", noise)
    rng = rng_for(who, seed)
    y = np.repeat(np.arange(10, dtype=np.int64), n)
    count = y.size
    height = size * scale * rng.uniform(0.7, 1.3, count)
    width = height * rng.uniform(0.55, 0.75, count)
    slant = rng.uniform(-0.25, 0.25, count)
    stroke = rng.uniform(1.1, 2.1, count)
    margin = stroke / 2 + 0.5
    # The top-left corner, anywhere the slanted box stays inside the frame.
    span_x = width + np.abs(slant) * height
    left = margin + rng.uniform(0, 1, count) * np.maximum(size - 2 * margin - span_x, 0)
    left += np.maximum(-slant, 0) * height
    top = margin + rng.uniform(0, 1, count) * np.maximum(size - 2 * margin - height, 0)

    # Stroke ends in pixels, (count, 7, 2 ends, 2 coordinates): x = left + w·u + slant·h·v.
    u, v = _SEGMENTS[..., 0], _SEGMENTS[..., 1]
    ends_x = left[:, None, None] + width[:, None, None] * u + (slant * height)[:, None, None] * v
    ends_y = top[:, None, None] + height[:, None, None] * v
    centre = np.arange(size) + 0.5
    px, py = centre[None, None, :], centre[None, :, None]  # x along the columns, y the rows
    nearest = np.full((count, size, size), np.inf)
    for k in range(len(_SEGMENTS)):  # seven strokes, each a vectorised distance over all images
        ax, ay = ends_x[:, k, 0, None, None], ends_y[:, k, 0, None, None]
        dx, dy = ends_x[:, k, 1, None, None] - ax, ends_y[:, k, 1, None, None] - ay
        t = np.clip(((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy), 0, 1)
        distance = np.hypot(px - ax - t * dx, py - ay - t * dy)
        lit = _LIT[y, k][:, None, None]
        nearest = np.where(lit, np.minimum(nearest, distance), nearest)
    X = np.clip(1 - (nearest - stroke[:, None, None] / 2), 0, 1)
    with np.errstate(over="ignore"):  # a noise past the float range: refused just below
        X += rng.normal(0.0, noise, X.shape)
    return finite_points(who, f"noise={noise!r}", X)[:, None], y
