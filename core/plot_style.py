"""One Plotly look for every chart: large type and thick lines that read on a projector."""

from __future__ import annotations

import base64
import io

import numpy as np
import plotly.graph_objects as go
from PIL import Image

FONT_SIZE = 17
# Colours of the lesson's two answers and of weight signs (TensorFlow Playground's blue/orange).
WHITE_TEXT = "#1f5fbf"
BLACK_TEXT = "#e8710a"
POSITIVE = "#1f77b4"
NEGATIVE = "#ff7f0e"


def style(fig: go.Figure, title: str | None = None, height: int | None = None) -> go.Figure:
    """Apply the house look in place and return the figure."""
    fig.update_layout(
        template="plotly_white",
        font={"size": FONT_SIZE},
        title={"text": title, "font": {"size": FONT_SIZE + 4}} if title else None,
        margin={"l": 60, "r": 30, "t": 60 if title else 30, "b": 55},
        hoverlabel={"font_size": FONT_SIZE - 1},
        legend={"font": {"size": FONT_SIZE - 2}},
    )
    fig.update_xaxes(tickfont={"size": FONT_SIZE - 2}, title_font={"size": FONT_SIZE})
    fig.update_yaxes(tickfont={"size": FONT_SIZE - 2}, title_font={"size": FONT_SIZE})
    if height is not None:
        fig.update_layout(height=height)
    return fig


# The chart toolbar (Plotly's modebar: camera, zoom, ..., full screen) shows at the top right
# when the pointer is on a chart, 28 px tall from 2 px down; on a narrow chart it spans the width.
TOOLBAR = 34


def under_toolbar(fig: go.Figure) -> go.Figure:
    """Pin a styled figure's title under the toolbar's strip, adding that strip on top.

    Call it last, after the figure's own margins. Returns the figure.
    """
    title = fig.layout.title.text
    if not title:
        return fig
    lines = title.count("<br>") + 1
    # Plotly puts a one-line title's top 5 px above its pad, a longer one's 19 px (measured).
    pad = TOOLBAR + (19 if lines > 1 else 5)
    room = TOOLBAR + 23 + 22 * (lines - 1) + 10  # the lines (sub-lines smaller), then a gap
    top = fig.layout.margin.t if fig.layout.margin.t is not None else 100  # Plotly's default
    pin = {"y": 1, "yref": "container", "yanchor": "top", "pad": {"t": pad}}
    fig.update_layout(title=pin, margin={"t": max(top, room)})
    if fig.layout.height is not None:
        fig.update_layout(height=fig.layout.height + max(room - top, 0))
    return fig


def hex_colour(rgb) -> str:
    """An (r, g, b) colour of ints in 0..255 as ``#rrggbb`` (no checks: for known colours)."""
    r, g, b = (int(v) for v in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"


def scale_colours(scale: list, positions: np.ndarray) -> np.ndarray:
    """RGB (k, 3) in 0..255 of a Plotly colour scale [[0, "#rrggbb"], ..., [1, ...]].

    Args:
        scale: stops in increasing order from 0 to 1, each with a ``#rrggbb`` colour.
        positions: (k,) where to read the scale, in [0, 1] (outside: the end colours).
    """
    stops = np.array([s for s, _ in scale], dtype=np.float64)
    rgb = np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for _, c in scale], dtype=float)
    return np.stack([np.interp(positions, stops, rgb[:, k]) for k in range(3)], axis=-1)


def png_data_uri(image: np.ndarray) -> str:
    """A picture as a ``data:image/png`` URI: small in a figure's JSON, sharp, kept by animations.

    Plotly keeps layout images (and ``go.Image`` sources) while an animation plays, when it
    takes heatmaps and contours off the plot: a map drawn as a picture stays on screen.

    Args:
        image: uint8 values, (h, w) grey, (h, w, 3) RGB or (h, w, 4) RGBA; row 0 is the top.
    """
    image = np.asarray(image)
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] not in (3, 4)):
        raise ValueError(
            f"expected an image of shape (h, w), (h, w, 3) or (h, w, 4), got {image.shape}"
        )
    if image.size == 0:
        raise ValueError(f"expected a non-empty image, got shape {image.shape}")
    buffer = io.BytesIO()
    Image.fromarray(image.astype(np.uint8, copy=False)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
