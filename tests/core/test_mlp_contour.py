"""The replay's decision boundary as a line: marching squares against closed forms."""

import numpy as np
import pytest

from core.mlp.contour import level_line


def grid(low=-1.0, high=1.0, n=41):
    axis = np.linspace(low, high, n)
    gx, gy = np.meshgrid(axis, axis)
    return axis, gx, gy


def curves(xs, ys):
    """The NaN-separated curves as a list of (k, 2) arrays."""
    cut = np.flatnonzero(np.isnan(xs))
    pieces = zip(np.split(xs, cut), np.split(ys, cut), strict=True)
    return [np.column_stack([px[~np.isnan(px)], py[~np.isnan(py)]]) for px, py in pieces]


def test_a_plane_gives_one_straight_line_exactly():
    axis, gx, gy = grid(0, 1, 30)
    xs, ys = level_line(axis, axis, 0.3 * gx + 0.7 * gy, 0.5)
    assert not np.isnan(xs).any()  # one curve
    np.testing.assert_allclose(0.3 * xs + 0.7 * ys, 0.5, atol=1e-12)  # linear: exact
    assert np.all(np.diff(xs) > 0) or np.all(np.diff(xs) < 0)  # in order along the line
    for x, y in ((xs[0], ys[0]), (xs[-1], ys[-1])):  # both ends on the border
        assert min(x, y, 1 - x, 1 - y) < 1e-12


def test_a_circle_is_one_closed_curve_on_its_radius():
    axis, gx, gy = grid()
    xs, ys = level_line(axis, axis, gx**2 + gy**2, 0.25)
    assert not np.isnan(xs).any()
    assert (xs[0], ys[0]) == (xs[-1], ys[-1])  # closed
    radius = np.hypot(xs, ys)
    np.testing.assert_allclose(radius, 0.5, atol=2e-3)  # the grid's chord error only
    angles = np.unwrap(np.arctan2(ys, xs))
    assert abs(abs(angles[-1] - angles[0]) - 2 * np.pi) < 1e-9  # once around, in order
    assert len(xs) == len(set(zip(xs[:-1], ys[:-1], strict=True))) + 1  # no point twice


def test_two_crossings_give_two_curves_with_one_gap():
    axis, gx, gy = grid(0, 1, 21)
    xs, ys = level_line(axis, axis, np.abs(gx - 0.5), 0.25)
    assert np.isnan(xs).sum() == 1
    found = sorted(np.unique(np.round(c[:, 0], 12))[0] for c in curves(xs, ys))
    np.testing.assert_allclose(found, [0.25, 0.75])
    assert all(len(c) == 21 for c in curves(xs, ys))  # one point per row


def test_a_saddle_keeps_its_two_branches_apart():
    axis, gx, gy = grid(-1, 1, 20)  # even count: no grid point at the saddle itself
    xs, ys = level_line(axis, axis, gx * gy, 0.1)
    parts = curves(xs, ys)
    assert len(parts) == 2
    for part in parts:
        assert np.all(np.sign(part[:, 0]) == np.sign(part[0, 0]))  # each branch in one quadrant
        np.testing.assert_allclose(part[:, 0] * part[:, 1], 0.1, atol=0.01)


def test_rows_and_columns_keep_their_own_axes():
    x, y = np.linspace(0, 255, 31), np.linspace(0, 100, 11)
    gx, gy = np.meshgrid(x, y)
    xs, ys = level_line(x, y, gx / 255 + 0 * gy, 0.5)
    np.testing.assert_allclose(xs, 127.5)
    np.testing.assert_allclose(np.sort(ys), y)


def test_a_level_never_crossed_gives_no_line():
    axis, gx, gy = grid()
    xs, ys = level_line(axis, axis, gx**2, 5.0)
    assert xs.size == ys.size == 0


@pytest.mark.parametrize(
    "x, y, values, message",
    [
        (np.arange(3), np.arange(2), np.zeros((3, 2)), "shape"),
        (np.arange(3), np.arange(1), np.zeros((1, 3)), "shape"),
        (np.arange(2), np.arange(2), np.array([[0, 1], [np.nan, 1]]), "finite"),
        (np.arange(2), np.arange(2), np.zeros(4), "shape"),
    ],
)
def test_bad_maps_are_refused(x, y, values, message):
    with pytest.raises(ValueError, match=message):
        level_line(x, y, values, 0.5)
