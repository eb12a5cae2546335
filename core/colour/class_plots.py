"""What the projector draws during a class session: the class's colours, answers and splits."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.colour.classroom import AnchorSplit, ClassSummary
from core.colour.contrast import relative_luminances
from core.colour.plots import css, mark_wcag_switch
from core.plot_style import BLACK_TEXT, WHITE_TEXT, style

MAX_POINTS = 500  # the newest colours drawn: building a chart costs ~35 ms per 1,000 colours


def fast_figure(traces: list[dict]) -> go.Figure:
    """A figure from trace dicts without Plotly's per-value validation.

    Plotly checks every colour string of a trace one by one: about 35 ms per 500 colours, three
    charts every few seconds, holding the GIL while phones wait for their acknowledgement. The
    traces here are built by this module from checked colours, so the check is skipped with
    ``_validate=False`` (a private keyword of ``BaseFigure``, checked against plotly 7.1.0;
    ``tests/core/test_colour_class_plots.py`` fails if it stops working).
    """
    return go.Figure(data=traces, _validate=False)


def _newest(summary: ClassSummary, max_points: int) -> slice:
    return slice(max(0, len(summary.colours) - max_points), None)


def _hover(summary: ClassSummary, part: slice) -> list[str]:
    rows = zip(
        summary.colours[part],
        summary.white_share[part],
        summary.votes_per_colour[part],
        strict=True,
    )
    return [
        f"#{r:02x}{g:02x}{b:02x}: {round(share * n)} of {n} said white"
        for (r, g, b), share, n in rows
    ]


def class_cube(summary: ClassSummary, max_points: int = MAX_POINTS) -> go.Figure:
    """The class's colours at their place in the RGB cube, outlined by the class's answer.

    Args:
        summary: the pool's summary (``core.colour.classroom.summarise``).
        max_points: the newest colours drawn.

    Returns:
        A 3-D scatter; each dot in its own colour, outlined blue for white text, orange for black.
    """
    part = _newest(summary, max_points)
    rgb, share = summary.colours[part], summary.white_share[part]
    text = np.array(_hover(summary, part), dtype=object)
    traces = [
        {
            "type": "scatter3d",
            "x": rgb[mask, 0],
            "y": rgb[mask, 1],
            "z": rgb[mask, 2],
            "mode": "markers",
            "name": f"{name} ({int(mask.sum()):,})",
            "marker": {"size": 5, "color": css(rgb[mask]), "line": {"color": outline, "width": 3}},
            "text": text[mask],
            "hovertemplate": "%{text}<extra></extra>",
        }
        for name, mask, outline in (
            ("white reads better", share > 0.5, WHITE_TEXT),
            ("black reads better", share < 0.5, BLACK_TEXT),
            ("split evenly", share == 0.5, "#888888"),
        )
    ]
    fig = fast_figure(traces)
    axis = {"range": [0, 255], "tickvals": [0, 128, 255]}
    fig.update_layout(
        scene={
            "xaxis": {**axis, "title": {"text": "red"}},
            "yaxis": {**axis, "title": {"text": "green"}},
            "zaxis": {**axis, "title": {"text": "blue"}},
            "camera": {"eye": {"x": 1.75, "y": -1.75, "z": 1.0}},
            "domain": {"y": [0.1, 1.0]},
            "aspectmode": "cube",
        }
    )
    style(fig, "The class's colours", height=520)
    fig.update_layout(margin={"l": 0, "r": 0, "b": 0}, legend={"orientation": "h", "y": 0.02})
    return fig


def class_luminance(summary: ClassSummary, max_points: int = MAX_POINTS) -> go.Figure:
    """The class's share of "white" for each colour against its WCAG luminance.

    WCAG picks white left of L ~ 0.179 and black right of it: where the class agrees, the dots
    sit top left and bottom right. Colours with one vote sit at 0 or 1 (spread a little so they
    do not hide each other); repeated colours sit at the class's share.
    """
    part = _newest(summary, max_points)
    rgb, share = summary.colours[part], summary.white_share[part]
    n = summary.votes_per_colour[part]
    luminance = relative_luminances(rgb) if len(rgb) else np.zeros(0)
    spread = np.where(n == 1, np.random.default_rng(0).uniform(-0.04, 0.04, len(n)), 0.0)
    trace = {
        "type": "scatter",
        "x": luminance,
        "y": share + spread,
        "mode": "markers",
        "name": "colours",
        "marker": {
            "size": np.clip(8 + 3 * np.sqrt(n), 8, 30),
            "color": css(rgb),
            "line": {"color": "#555555", "width": 0.8},
        },
        "text": _hover(summary, part),
        "hovertemplate": "%{text}<extra></extra>",
    }
    fig = fast_figure([trace])
    mark_wcag_switch(fig, " WCAG switches")
    fig.update_xaxes(title_text="WCAG luminance L", range=[-0.02, 1.02])
    fig.update_yaxes(title_text="class's share for white", range=[-0.08, 1.08])
    return style(fig, "Answer against luminance", height=520)


WHOLE_STEPS = (1, 2, 5)  # tick steps: 1, 2, 5, 10, 20, 50, ...


def whole_tick_step(top: int, max_ticks: int = 8) -> int:
    """The smallest step of 1, 2, 5, 10, 20, ... that puts at most ``max_ticks`` ticks in 0..top.

    An axis that counts students ticks in whole students, never 0.5.
    """
    if max_ticks < 1:
        raise ValueError(f"expected max_ticks >= 1, got {max_ticks}")
    scale = 1
    while True:
        for step in WHOLE_STEPS:
            if max(top, 1) / (step * scale) <= max_ticks:
                return step * scale
        scale *= 10


def anchor_split_figure(splits: list[AnchorSplit]) -> go.Figure:
    """Each repeated colour as a bar in its own colour: black text counts its black votes, white
    text its white ones. The axis counts whole students.

    Args:
        splits: the colours to draw (the projector passes ``ClassSummary.repeated``).
    """
    labels = [f"{s.colour} " for s in splits]
    fig = go.Figure()
    for text, ink in (("black", "#000000"), ("white", "#ffffff")):
        counts = [getattr(s, text) for s in splits]
        fig.add_trace(
            go.Bar(
                y=labels,
                x=counts,
                orientation="h",
                name=text,
                marker={"color": [s.colour for s in splits], "line": {"color": ink, "width": 2}},
                text=[f"{c} {text}" if c else "" for c in counts],
                textposition="inside",
                insidetextanchor="middle",
                textfont={"color": ink, "size": 18},
                hovertemplate=f"%{{y}}: %{{x}} said {text}<extra></extra>",
                showlegend=False,
            )
        )
    fig.update_layout(barmode="stack", bargap=0.25)
    fig.update_yaxes(autorange="reversed", title_text=None)
    top = max((s.black + s.white for s in splits), default=1)
    fig.update_xaxes(
        title_text="students (latest answer each)",
        tick0=0,
        dtick=whole_tick_step(top),
        tickformat="d",
        rangemode="tozero",
    )
    return style(fig, "Repeated colours: the class's split", height=80 + 48 * max(len(splits), 1))
