"""One Plotly look for every chart: large type and thick lines that read on a projector."""

from __future__ import annotations

import plotly.graph_objects as go

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


def hex_colour(rgb) -> str:
    """An (r, g, b) colour of ints in 0..255 as ``#rrggbb`` (no checks: for known colours)."""
    r, g, b = (int(v) for v in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"
