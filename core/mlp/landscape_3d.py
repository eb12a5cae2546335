"""The Landscape tab's 3D view: the error surface as a surface, each run's path lying on it.

The colours, the colour bar and the header are the contour map's (``landscape_plots``), so the
two views of one surface read alike.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from core.mlp.landscape import Landscape, PathOnPlane
from core.mlp.landscape_plots import (
    PATH_COLOURS,
    SURFACE_SCALE,
    axis_titles,
    colour_bar,
    colour_values,
    header,
)
from core.plot_style import style


def path_3d_traces(path: PathOnPlane, label: str, colour: str, log_colour: bool) -> list:
    """A path lying on the 3D surface (at the surface's error), its start and end marked."""
    height = colour_values(path.surface_errors, log_colour)
    line = go.Scatter3d(
        x=path.coords[:, 0],
        y=path.coords[:, 1],
        z=height,
        mode="lines",
        name=label,
        line={"color": colour, "width": 8},
        hoverinfo="skip",
    )
    ends = go.Scatter3d(
        x=path.coords[[0, -1], 0],
        y=path.coords[[0, -1], 1],
        z=height[[0, -1]],
        mode="markers",
        showlegend=False,
        hoverinfo="skip",
        marker={"size": 7, "color": ["white", colour], "line": {"width": 2, "color": colour}},
    )
    return [line, ends]


def surface_3d_figure(
    landscape: Landscape,
    labels: Sequence[str],
    title: str,
    log_colour: bool = True,
    compact: bool = False,
) -> go.Figure:
    """The surface in 3D (height and colour: the error), each path lying on it."""
    s = landscape.surface
    z = colour_values(s.errors, log_colour)
    data = [
        go.Surface(
            x=s.alphas,
            y=s.betas,
            z=z,
            colorscale=SURFACE_SCALE,
            opacity=0.95,
            colorbar=colour_bar(s.errors, log_colour, compact),
            hovertemplate="α %{x:.3g}, β %{y:.3g}<extra></extra>",
        )
    ]
    for k, (path, label) in enumerate(zip(landscape.paths, labels, strict=True)):
        data += path_3d_traces(path, label, PATH_COLOURS[k % len(PATH_COLOURS)], log_colour)
    fig = go.Figure(data)
    alpha, beta = axis_titles(landscape)
    zaxis = {"title": "error (log)" if log_colour else "error"}
    if log_colour:
        bar = colour_bar(s.errors, True, compact)
        zaxis |= {"tickvals": bar["tickvals"], "ticktext": bar["ticktext"]}
    fig.update_layout(
        scene={
            "xaxis": {"title": "α"},
            "yaxis": {"title": "β"},
            "zaxis": zaxis,
            "aspectmode": "manual",
            "aspectratio": {"x": 1.15, "y": 0.9, "z": 0.5}
            if compact
            else {"x": 1.45, "y": 1.1, "z": 0.65},
            "camera": {
                "eye": {"x": -1.15, "y": -1.35, "z": 0.75},
                "center": {"x": 0, "y": 0, "z": -0.12},
            },
        }
    )
    style(fig, f"{title}<br><sup>{alpha}<br>{beta}</sup>", height=600 if compact else 760)
    fig.update_layout(margin={"l": 0, "r": 0, "b": 0})
    header(fig, compact, 150)
    if compact:  # the colour bar under the scene: a phone has no width to spare
        fig.update_traces(
            colorbar={"orientation": "h", "y": -0.02, "yanchor": "top"},
            selector={"type": "surface"},
        )
    return fig
