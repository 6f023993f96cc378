"""data.make_spiral, data.make_blobs, data.batches: shapes, geometry, randomness, errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minitorch_l2
from minitorch_l2 import data


# ---------------------------------------------------------------- make_spiral
def test_spiral_shapes_dtypes_and_labels():
    X, y = data.make_spiral()
    assert X.shape == (300, 2) and X.dtype == np.float64
    assert y.shape == (300,) and y.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(y), [100, 100, 100])
    X, y = data.make_spiral(n_per_class=7, n_classes=5)
    assert X.shape == (35, 2) and set(y) == {0, 1, 2, 3, 4}


def test_spiral_radii_are_evenly_spaced_and_untouched_by_the_noise():
    X, y = data.make_spiral(n_per_class=4, n_classes=2, noise=0.7)
    # the noise moves the angle only, so |x| is exactly r = (i + 1)/n
    np.testing.assert_allclose(np.hypot(X[:, 0], X[:, 1]), [0.25, 0.5, 0.75, 1.0] * 2, rtol=1e-15)


def test_spiral_angles_without_noise():
    X, y = data.make_spiral(n_per_class=4, n_classes=3, noise=0.0)
    r = np.tile([0.25, 0.5, 0.75, 1.0], 3)
    theta = 2 * np.pi * np.repeat([0, 1, 2], 4) / 3 + 4 * r  # x = (r sin θ, r cos θ)
    np.testing.assert_allclose(X, np.c_[r * np.sin(theta), r * np.cos(theta)], atol=1e-15)


def test_spiral_is_repeatable_per_seed():
    first, second = data.make_spiral(seed=3), data.make_spiral(seed=3)
    np.testing.assert_array_equal(first[0], second[0])
    assert not np.array_equal(first[0], data.make_spiral(seed=4)[0])
    minitorch_l2.manual_seed(9)
    from_generator = data.make_spiral(seed=None)[0]
    minitorch_l2.manual_seed(9)
    np.testing.assert_array_equal(data.make_spiral(seed=None)[0], from_generator)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_per_class": 0}, "n_per_class must be an int >= 1"),
        ({"n_per_class": 2.5}, "n_per_class must be an int >= 1"),
        ({"n_classes": True}, "n_classes must be an int >= 1"),
        ({"noise": -0.1}, "noise must be a finite number >= 0"),
        ({"noise": float("inf")}, "noise must be a finite number >= 0"),
        ({"seed": -1}, "seed must be a non-negative int or None"),
        ({"seed": "0"}, "seed must be a non-negative int or None"),
    ],
)
def test_spiral_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=rf"data\.make_spiral: {message}"):
        data.make_spiral(**kwargs)


# ---------------------------------------------------------------- make_blobs
def test_blobs_shapes_and_centres_on_a_circle():
    X, y = data.make_blobs(n_per_class=2000, n_classes=4, radius=5.0, std=0.5)
    assert X.shape == (8000, 2) and X.dtype == np.float64 and y.dtype == np.int64
    centres = np.array([[5.0, 0.0], [0.0, 5.0], [-5.0, 0.0], [0.0, -5.0]])  # 2πk/4 on r = 5
    for k in range(4):
        points = X[y == k]
        # the mean of 2000 draws with σ = 0.5 is within 5σ/√2000 ≈ 0.056 of the centre
        np.testing.assert_allclose(points.mean(axis=0), centres[k], atol=0.06)
        np.testing.assert_allclose(points.std(axis=0), 0.5, rtol=0.1)


def test_blobs_without_spread_are_the_centres_in_any_dimension():
    X, y = data.make_blobs(n_per_class=2, n_classes=3, n_features=4, radius=2.0, std=0.0)
    angle = 2 * np.pi * y / 3
    expected = np.c_[2 * np.cos(angle), 2 * np.sin(angle), np.zeros((6, 2))]
    np.testing.assert_allclose(X, expected, atol=1e-15)
    X1, y1 = data.make_blobs(n_per_class=1, n_classes=3, n_features=1, radius=1.0, std=0.0)
    np.testing.assert_array_equal(X1[:, 0], [-1.0, 0.0, 1.0])


def test_blobs_default_is_nearly_separable_by_the_nearest_centre():
    X, y = data.make_blobs()
    angle = 2 * np.pi * np.arange(3) / 3
    centres = 4.0 * np.c_[np.cos(angle), np.sin(angle)]
    nearest = np.argmin(((X[:, None, :] - centres) ** 2).sum(axis=2), axis=1)
    assert np.mean(nearest == y) > 0.98


def test_blobs_bad_arguments():
    with pytest.raises(ValueError, match=r"data\.make_blobs: n_features must be an int >= 1"):
        data.make_blobs(n_features=0)
    with pytest.raises(ValueError, match=r"data\.make_blobs: std must be a finite number >= 0"):
        data.make_blobs(std=-1.0)


# ---------------------------------------------------------------- batches
def test_batches_in_order_are_views_with_a_short_last_batch():
    X, y = np.arange(20.0).reshape(10, 2), np.arange(10)
    parts = list(data.batches(X, y, 4, shuffle=False))
    assert [len(yb) for _, yb in parts] == [4, 4, 2]
    np.testing.assert_array_equal(np.concatenate([yb for _, yb in parts]), y)
    assert all(np.shares_memory(Xb, X) for Xb, _ in parts)


def test_shuffled_batches_keep_rows_and_labels_together():
    X, y = data.make_spiral(n_per_class=10)
    seen = []
    for Xb, yb in data.batches(X, y, 7, seed=1):
        for row, label in zip(Xb, yb):
            index = int(np.flatnonzero((X == row).all(axis=1))[0])
            assert y[index] == label
            seen.append(index)
    assert sorted(seen) == list(range(30)) and seen != list(range(30))


def test_batch_order_is_repeatable_and_changes_between_epochs():
    X, y = np.zeros((50, 1)), np.arange(50)

    def order(**kwargs):
        return np.concatenate([yb for _, yb in data.batches(X, y, 8, **kwargs)])

    np.testing.assert_array_equal(order(seed=5), order(seed=5))
    minitorch_l2.manual_seed(0)
    epoch1, epoch2 = order(), order()
    assert not np.array_equal(epoch1, epoch2)
    minitorch_l2.manual_seed(0)
    np.testing.assert_array_equal(order(), epoch1)


@settings(max_examples=50, deadline=None)
@given(n=st.integers(0, 40), size=st.integers(1, 12), shuffle=st.booleans())
def test_batches_cover_every_row_exactly_once(n, size, shuffle):
    X, y = np.arange(2.0 * n).reshape(n, 2), np.arange(n)
    parts = list(data.batches(X, y, size, shuffle=shuffle, seed=0))
    assert len(parts) == -(-n // size)  # ⌈n / size⌉
    assert all(len(yb) == size for _, yb in parts[:-1])
    labels = np.concatenate([yb for _, yb in parts]) if parts else np.array([], dtype=int)
    np.testing.assert_array_equal(np.sort(labels), y)
    for Xb, yb in parts:
        np.testing.assert_array_equal(Xb[:, 0], 2.0 * yb)


def test_batches_check_their_arguments_when_called():
    X, y = np.zeros((5, 2)), np.zeros(4)
    with pytest.raises(ValueError, match=r"data\.batches: X has 5 rows but y has 4"):
        data.batches(X, y, 2)  # raised at the call, before any iteration
    with pytest.raises(ValueError, match=r"data\.batches: batch_size must be an int >= 1"):
        data.batches(X, np.zeros(5), 0)
    with pytest.raises(TypeError, match=r"data\.batches: expected X to be a numpy\.ndarray"):
        data.batches([[0.0]], np.zeros(1), 1)
