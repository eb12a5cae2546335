"""Plotly figures for the filter pictures: a clickable grid, one tile large, its loss curve."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.filters.grid import FilterGrid
from core.plot_style import POSITIVE, png_data_uri, style


def tile_centres(grid: FilterGrid) -> tuple[np.ndarray, np.ndarray]:
    """Pixel (x, y) of the centre of every shown tile, row by row."""
    size = grid.tiles.shape[1]
    margin = (grid.image.shape[0] - grid.n * size) // max(grid.n - 1, 1) if grid.n > 1 else 0
    k = np.arange(len(grid.filter_indices))
    row, col = np.divmod(k, grid.n)
    return col * (size + margin) + size / 2, row * (size + margin) + size / 2


def grid_figure(grid: FilterGrid, title: str | None = None, height: int | None = None) -> go.Figure:
    """The stitched grid; every tile is captioned and can be clicked (one marker per tile).

    Args:
        grid: A rendered grid.
        title: Figure title.
        height: Figure height in pixels; None fills the element the page puts it in.

    Returns:
        A figure whose trace 1 holds one point per tile, ``customdata`` = tile number.
    """
    h, w = grid.image.shape[:2]
    x, y = tile_centres(grid)
    size = grid.tiles.shape[1]
    fig = go.Figure(go.Image(source=png_data_uri(grid.image), hoverinfo="skip"))
    fig.add_trace(
        go.Scatter(
            x=x,
            y=y,
            mode="markers",
            customdata=np.arange(len(x)),
            marker={"size": 40, "opacity": 0.01, "color": "white"},
            text=[
                f"filter {f}<br>activation {loss:.2f}"
                for f, loss in zip(grid.filter_indices, grid.losses, strict=True)
            ],
            hovertemplate="%{text}<extra></extra>",
            showlegend=False,
        )
    )
    # Short captions fit a 390 px phone; the activation is in the hover text and the picker.
    caption_size = 15 if grid.n <= 4 else 12
    for cx, cy, f, loss in zip(x, y, grid.filter_indices, grid.losses, strict=True):
        fig.add_annotation(
            x=cx,
            y=cy + size / 2 - 2,
            yanchor="bottom",
            showarrow=False,
            text=f"#{f} · {loss:.3g}" if grid.n <= 3 else f"#{f}",
            font={"size": caption_size, "color": "white"},
            bgcolor="rgba(0,0,0,0.55)",
        )
    fig.update_xaxes(visible=False, range=[0, w])
    fig.update_yaxes(visible=False, range=[h, 0], scaleanchor="x")
    style(fig, title, height)
    fig.update_layout(margin={"l": 5, "r": 5, "t": 50 if title else 5, "b": 5}, dragmode=False)
    if height is None:
        fig.update_layout(autosize=True)
    return fig


def tile_figure(tile: np.ndarray, title: str, height: int = 420) -> go.Figure:
    """One filter picture, large."""
    fig = go.Figure(go.Image(source=png_data_uri(tile), hoverinfo="skip"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x")
    style(fig, title, height)
    fig.update_layout(margin={"l": 5, "r": 5, "t": 50, "b": 5})
    return fig


def loss_curve_figure(loss_history: np.ndarray, filter_index: int, height: int = 420):
    """Mean activation of one filter at every gradient-ascent step."""
    steps = np.arange(1, len(loss_history) + 1)
    fig = go.Figure(
        go.Scatter(
            x=steps,
            y=loss_history,
            mode="lines+markers",
            line={"width": 4, "color": POSITIVE},
            name=f"filter {filter_index}",
            hovertemplate="step %{x}<br>mean activation %{y:.3f}<extra></extra>",
        )
    )
    fig.update_xaxes(title="gradient-ascent step")
    fig.update_yaxes(title="mean activation (loss)")
    return style(fig, f"Filter {filter_index}: activation while climbing", height)


def dream_curve_figure(losses: np.ndarray, target: str, height: int = 360) -> go.Figure:
    """The loss (mean activation of the target) before every step of the dream."""
    steps = np.arange(len(losses))
    fig = go.Figure(
        go.Scatter(
            x=steps,
            y=losses,
            mode="lines+markers",
            line={"width": 4, "color": POSITIVE},
            hovertemplate="after %{x} steps<br>mean activation %{y:.3f}<extra></extra>",
        )
    )
    fig.update_xaxes(title="gradient-ascent steps from the photo")
    fig.update_yaxes(title="mean activation")
    return style(fig, "Mean activation while dreaming", height)  # the target: in the caption
