"""One level line of a map (marching squares), as points a Plotly line can draw and animate.

The replay's decision boundary moves in every frame. A Plotly contour trace is taken off the
plot while an animation plays; a line of points (a scatter trace) is animated. So the 0.5 line
is traced here: on each grid cell the level is crossed on two of its sides (four at a saddle),
at the points found by linear interpolation along them; the pieces are then joined into
curves, so a dashed line keeps its rhythm.
"""

from __future__ import annotations

import numpy as np


def side_points(x: np.ndarray, y: np.ndarray, values: np.ndarray, level: float) -> dict:
    """Where the level crosses each grid side, keyed by ("h", j, i) or ("v", j, i).

    A horizontal side joins (j, i) and (j, i + 1); a vertical one (j, i) and (j + 1, i).
    """
    above = values >= level
    points = {}
    for j, i in zip(*np.nonzero(above[:, :-1] != above[:, 1:]), strict=True):
        t = (level - values[j, i]) / (values[j, i + 1] - values[j, i])
        points["h", j, i] = (x[i] + t * (x[i + 1] - x[i]), y[j])
    for j, i in zip(*np.nonzero(above[:-1, :] != above[1:, :]), strict=True):
        t = (level - values[j, i]) / (values[j + 1, i] - values[j, i])
        points["v", j, i] = (x[i], y[j] + t * (y[j + 1] - y[j]))
    return points


def cell_segments(values: np.ndarray, level: float, points: dict) -> list[tuple]:
    """Pairs of crossed sides, one pair per piece of line inside a cell."""
    segments = []
    rows, cols = values.shape
    for j in range(rows - 1):
        for i in range(cols - 1):
            # bottom, right, top and left side of the cell whose lower-left corner is (j, i)
            sides = [("h", j, i), ("v", j, i + 1), ("h", j + 1, i), ("v", j, i)]
            crossed = [s for s in sides if s in points]
            if len(crossed) == 2:
                segments.append(tuple(crossed))
            elif len(crossed) == 4:  # a saddle: the centre's side of the level decides
                centre = values[j : j + 2, i : i + 2].mean() >= level
                corner = values[j, i] >= level
                bottom, right, top, left = sides
                if centre == corner:  # (j, i) and the centre together: cut off the other two
                    segments += [(bottom, right), (top, left)]
                else:
                    segments += [(left, bottom), (right, top)]
    return segments


def join(segments: list[tuple]) -> list[list]:
    """Chains of sides: each side is shared by at most two pieces, so pieces join end to end."""
    neighbours: dict = {}
    for a, b in segments:
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    seen: set = set()
    chains = []
    ends = [s for s, n in neighbours.items() if len(n) == 1]
    for start in ends + list(neighbours):  # open curves from an end first, then closed loops
        if start in seen:
            continue
        chain, previous, here = [start], None, start
        seen.add(start)
        while True:
            step = [n for n in neighbours[here] if n != previous and n not in seen]
            if not step:
                if len(chain) > 2 and start in neighbours[here] and previous is not None:
                    chain.append(start)  # a loop closes on its start
                break
            previous, here = here, step[0]
            chain.append(here)
            seen.add(here)
        chains.append(chain)
    return chains


def level_line(
    x: np.ndarray, y: np.ndarray, values: np.ndarray, level: float
) -> tuple[np.ndarray, np.ndarray]:
    """Where ``values`` crosses ``level``, as curves of points separated by NaN.

    Args:
        x: (C,) increasing column positions; y: (R,) increasing row positions.
        values: (R, C) the map, row j at y[j], column i at x[i].
        level: the value the line follows.

    Returns:
        xs, ys: (n,) the curves' points, one NaN between two curves (Plotly draws a gap there);
        empty when the level is never crossed.
    """
    x, y, values = (np.asarray(a, dtype=np.float64) for a in (x, y, values))
    if values.ndim != 2 or values.shape != (len(y), len(x)) or min(values.shape) < 2:
        raise ValueError(f"expected values of shape ({len(y)}, {len(x)}), got {values.shape}")
    if not np.all(np.isfinite(values)):
        raise ValueError("expected finite values, got NaN or infinity")
    points = side_points(x, y, values, level)
    curves = [
        [p for k, p in enumerate(c) if k == 0 or p != c[k - 1]]  # a corner on the level: once
        for c in (
            [points[s] for s in chain] for chain in join(cell_segments(values, level, points))
        )
    ]
    if not curves:
        return np.empty(0), np.empty(0)
    gap = [(np.nan, np.nan)]
    out = np.array([p for k, curve in enumerate(curves) for p in (gap if k else []) + curve])
    return out[:, 0], out[:, 1]
