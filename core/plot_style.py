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

# The projector view (ui/app.py) scales every chart's type in the browser, after the figure is
# drawn, so a cached figure serves both views: each font grows by PROJECTOR_SCALE, tick labels
# to at least PROJECTOR_TICK px and titles to at least PROJECTOR_TITLE px.
PROJECTOR_SCALE = 1.3
PROJECTOR_TICK = 16
PROJECTOR_TITLE = 22
# Below this window width (CSS px) a figure with arrangements takes its "narrow" one: a phone,
# a tablet held upright, a phone in desktop mode, a narrow window.
NARROW_BELOW = 900


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


def projector_type() -> dict:
    """The projector view's type scale, as the browser script that applies it reads it."""
    return {"scale": PROJECTOR_SCALE, "tick": PROJECTOR_TICK, "title": PROJECTOR_TITLE}


def layout_at(layout: dict, path: str):
    """A value of a Plotly layout dict by its relayout path ("sliders[0].pad.t"); None if absent."""
    value = layout
    for part in path.replace("[", ".").replace("]", "").split("."):
        if isinstance(value, list):
            value = value[int(part)] if int(part) < len(value) else None
        elif isinstance(value, dict):
            value = value.get(part)
        if value is None:
            return None
    return value


def with_arrangements(fig: go.Figure, arrangements: dict[str, go.Figure], paths) -> go.Figure:
    """Let a figure rearrange itself by the window's width, in the browser.

    The figure carries, in ``layout.meta.arrangements``, each arrangement's values of ``paths``
    (relayout paths: axis domains, annotations, margins); ui/app.py's script applies "narrow"
    below ``NARROW_BELOW`` px and "wide" above, so one figure (one cache entry, one download)
    serves a phone and a projector. Returns the figure.

    Args:
        fig: the figure as drawn first (any arrangement).
        arrangements: "wide" and "narrow", each a figure laid out that way (its layout is read).
        paths: the layout values that differ between them.
    """
    if set(arrangements) != {"wide", "narrow"}:
        raise ValueError(f"expected arrangements 'wide' and 'narrow', got {sorted(arrangements)}")
    meta = {
        name: {path: layout_at(figure.layout.to_plotly_json(), path) for path in paths}
        for name, figure in arrangements.items()
    }
    fig.update_layout(meta={"arrangements": meta, "narrow_below": NARROW_BELOW})
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
