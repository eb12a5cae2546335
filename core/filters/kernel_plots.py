"""Every first-layer kernel as a 3x3 colour picture beside what its filter looks for (Plotly).

Each pair is clickable: its ``customdata`` is the filter, so a click chooses it.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.filters.numbers_plots import OUTLINE
from core.plot_style import png_data_uri, style


def kernel_canvas(
    kernels: np.ndarray, looks_for: list[np.ndarray | None], per_row: int, tile: int = 60
) -> tuple[np.ndarray, np.ndarray]:
    """Each kernel picture (blown up, sharp) beside what its filter looks for, in rows.

    Args:
        kernels: (C, k, k, 3) uint8 kernel pictures.
        looks_for: Per filter, its gradient-ascent picture, or None (drawn dark grey).
        per_row: Pairs per row.
        tile: Side of each picture in pixels.

    Returns:
        The (H, W, 3) uint8 canvas and (C, 2) pixel (x, y) of each pair's centre.
    """
    from PIL import Image

    gap, margin = 4, 14
    pair_w = 2 * tile + gap
    count = len(kernels)
    rows = -(-count // per_row)
    canvas = np.full(
        (rows * (tile + margin) - margin + 2, per_row * (pair_w + margin) - margin, 3),
        255,
        np.uint8,
    )
    centres = np.zeros((count, 2))
    blow = tile // kernels.shape[1]
    for f in range(count):
        top, left = (f // per_row) * (tile + margin) + 1, (f % per_row) * (pair_w + margin)
        big = np.kron(kernels[f], np.ones((blow, blow, 1), np.uint8))
        pad = tile - big.shape[0]
        canvas[
            top + pad // 2 : top + pad // 2 + big.shape[0],
            left + pad // 2 : left + pad // 2 + big.shape[1],
        ] = big
        picture = looks_for[f]
        if picture is None:
            canvas[top : top + tile, left + tile + gap : left + pair_w] = 48
        else:
            resized = Image.fromarray(np.asarray(picture, np.uint8)).resize((tile, tile))
            canvas[top : top + tile, left + tile + gap : left + pair_w] = np.asarray(resized)
        centres[f] = (left + pair_w / 2, top + tile / 2)
    return canvas, centres


def kernels_figure(
    canvas: np.ndarray, centres: np.ndarray, chosen: int, width: int, tile: int = 60
) -> go.Figure:
    """The kernel canvas, each pair captioned "#f" and clickable (``customdata`` = f).

    ``width`` is the width the page gives it, in CSS pixels: the height follows the canvas.
    """
    h, w = canvas.shape[:2]
    fig = go.Figure(go.Image(source=png_data_uri(canvas), hoverinfo="skip"))
    count = len(centres)
    fig.add_trace(
        go.Scatter(
            x=centres[:, 0],
            y=centres[:, 1],
            mode="markers",
            customdata=np.arange(count),
            marker={"size": 36, "opacity": 0.01, "color": "white"},
            showlegend=False,
            hovertemplate="filter %{customdata}: its kernel (left), what it looks for "
            "(right)<extra></extra>",
        )
    )
    for f, (cx, cy) in enumerate(centres):
        fig.add_annotation(
            x=cx - tile / 2 - 2,
            y=cy + tile / 2,
            yanchor="bottom",
            showarrow=False,
            text=f"#{f}",
            font={"size": 11, "color": "white"},
            bgcolor="rgba(0,0,0,0.6)",
            borderpad=1,
        )
    cx, cy = centres[chosen]
    fig.add_shape(
        type="rect",
        x0=cx - tile - 5,
        x1=cx + tile + 5,
        y0=cy - tile / 2 - 4,
        y1=cy + tile / 2 + 4,
        line={"color": OUTLINE, "width": 3},
    )
    fig.update_xaxes(visible=False, range=[-8, w + 8])
    fig.update_yaxes(visible=False, range=[h + 6, -6], scaleanchor="x")
    style(fig, None, int(width * (h + 12) / (w + 16)) + 4)
    fig.update_layout(margin={"l": 2, "r": 2, "t": 2, "b": 2}, dragmode=False)
    return fig
