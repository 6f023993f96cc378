"""``data.make_glyphs``: ten digit-like glyphs, drawn at random places, sizes and slants."""

from __future__ import annotations

import numpy as np
import pytest

from minitorch_l2 import data


def test_shapes_labels_and_dtypes():
    X, y = data.make_glyphs(n_per_class=3, size=20, seed=0)
    assert X.shape == (30, 1, 20, 20) and X.dtype == np.float64
    assert y.dtype == np.int64
    np.testing.assert_array_equal(y, np.repeat(np.arange(10), 3))


def test_the_seed_fixes_the_draw():
    a, _ = data.make_glyphs(2, seed=5)
    b, _ = data.make_glyphs(2, seed=5)
    c, _ = data.make_glyphs(2, seed=6)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_without_noise_strokes_are_bright_on_a_dark_background():
    X, _ = data.make_glyphs(20, noise=0.0, seed=1)
    assert X.min() >= 0 and X.max() <= 1
    assert np.all(X.reshape(len(X), -1).max(axis=1) == 1)  # every image has a full stroke
    assert X.mean() < 0.25


def test_each_digit_lights_its_seven_segment_strokes():
    # "8" lights all seven strokes, "1" two, "7" three: the ink follows the stroke counts.
    X, y = data.make_glyphs(60, noise=0.0, seed=2)
    ink = {digit: X[y == digit].sum(axis=(1, 2, 3)).mean() for digit in (1, 7, 8)}
    assert ink[1] < ink[7] < ink[8]
    assert 2.2 < ink[8] / ink[1] < 4.5


def test_glyphs_move_around_the_frame():
    X, y = data.make_glyphs(50, noise=0.0, seed=3)
    grid = np.arange(28) + 0.5
    mass = X[:, 0].sum(axis=(1, 2))
    column = (X[:, 0].sum(axis=1) * grid).sum(axis=1) / mass
    row = (X[:, 0].sum(axis=2) * grid).sum(axis=1) / mass
    assert column[y == 8].std() > 2 and row[y == 8].std() > 1.5


def test_noise_has_the_requested_spread():
    clean, _ = data.make_glyphs(5, noise=0.0, seed=4)
    noisy, _ = data.make_glyphs(5, noise=0.3, seed=4)
    assert abs((noisy - clean).std() - 0.3) < 0.01


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"n_per_class": 0}, "n_per_class must be an int >= 1"),
        ({"size": 8}, "size must be an int >= 12"),
        ({"scale": 0.9}, r"scale must be in \[0.2, 0.8\]"),
        ({"noise": -0.1}, "noise must be a finite number >= 0"),
        ({"seed": -1}, "seed must be a non-negative int"),
    ],
)
def test_bad_arguments_name_the_function(arguments, message):
    with pytest.raises(ValueError, match=f"data.make_glyphs: {message}"):
        data.make_glyphs(**arguments)
