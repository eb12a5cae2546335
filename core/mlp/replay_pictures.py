"""The replay's maps as pictures: Plotly keeps layout images on screen while a film plays.

Plotly's animation takes heatmap and contour traces off the plot while it plays, and redrawing
them costs more than a frame. So each frame's decision map and each hidden neuron's small map
are PNG pictures here, one pixel per point of the plane, placed in the figure as layout images
that the frames swap (only their ``source`` changes).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.plot_style import png_data_uri, scale_colours


def picture(values: np.ndarray, low: float, high: float, scale: list) -> np.ndarray:
    """A map coloured by a Plotly colour scale, as a picture with the highest row on top.

    Args:
        values: (R, C) the map; row j lies below row j + 1 (the plane's y grows with j).
        low, high: the values at the two ends of the scale (clipped outside).
        scale: a Plotly colour scale [[0, "#rrggbb"], ..., [1, "#rrggbb"]].

    Returns:
        uint8 (R, C, 3).
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 2:
        raise ValueError(f"expected a map of shape (R, C), got {values.shape}")
    if not high > low:
        raise ValueError(f"expected high > low, got low {low} and high {high}")
    position = np.clip((values[::-1] - low) / (high - low), 0, 1)
    return np.round(scale_colours(scale, position)).astype(np.uint8)


def placed(source: str, axes: str, centre: Sequence[float], size: Sequence[float]) -> dict:
    """A layout image stretched over ``size`` (width, height) around ``centre`` on axes "x2"..."""
    suffix = axes[1:]  # "x" -> "", "x2" -> "2"
    return {
        "source": source,
        "xref": f"x{suffix}",
        "yref": f"y{suffix}",
        "x": float(centre[0] - size[0] / 2),
        "y": float(centre[1] + size[1] / 2),
        "sizex": float(size[0]),
        "sizey": float(size[1]),
        "xanchor": "left",
        "yanchor": "top",
        "sizing": "stretch",
        "layer": "below",
    }


def grid_extent(axis: np.ndarray) -> tuple[float, float]:
    """Centre and width of a picture whose pixel centres are the grid points ``axis``."""
    step = (axis[-1] - axis[0]) / (len(axis) - 1)
    return float((axis[0] + axis[-1]) / 2), float(axis[-1] - axis[0] + step)


def map_sources(
    outputs: np.ndarray, neurons: Sequence[np.ndarray], zrange: tuple, output_scale: list
) -> list[str]:
    """One frame's pictures: the decision map, then every hidden neuron's map, layer by layer.

    Args:
        outputs: (R, R) the network's output over the plane, in [0, 1].
        neurons: per hidden layer, (n_neurons, r, r) each neuron's output over the plane.
        zrange: (low, high, scale) of the hidden neurons' maps.
        output_scale: the decision map's colour scale over [0, 1].
    """
    low, high, scale = zrange
    sources = [png_data_uri(picture(outputs, 0.0, 1.0, output_scale))]
    sources += [png_data_uri(picture(m, low, high, scale)) for layer in neurons for m in layer]
    return sources
