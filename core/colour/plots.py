"""Plotly figures for the "Text over a colour" page: where the network and WCAG part ways."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from core.colour.palette import WCAG_WHITE_BELOW, Comparison
from core.mlp.network import DECISION_THRESHOLD
from core.plot_style import style

DISAGREE_OUTLINE = "#d62728"
MAX_SHIFT_ROWS = 30


def mark_wcag_switch(fig: go.Figure, label: str) -> None:
    """A dashed line at the luminance where WCAG's rule switches to white text, labelled."""
    fig.add_vline(x=WCAG_WHITE_BELOW, line={"color": "#444444", "dash": "dash", "width": 2})
    fig.add_annotation(
        x=WCAG_WHITE_BELOW,
        y=1,
        yref="paper",
        yanchor="bottom",
        xanchor="left",
        showarrow=False,
        text=label,
    )


def css(colours: np.ndarray) -> list[str]:
    """(n, 3) ints in 0..255 as Plotly colour strings."""
    return [f"rgb({r},{g},{b})" for r, g, b in np.asarray(colours, dtype=int)]


def hover_text(comparison: Comparison) -> list[str]:
    """One hover line per colour: its hex, both picks, the network's probability."""
    picks = np.where(comparison.network_white, "white", "black")
    wcag = np.where(comparison.wcag_white, "white", "black")
    return [
        f"{h}<br>network: {n} text (P(white) = {p:.2f})<br>WCAG: {w} text (L = {lum:.3f})"
        for h, n, p, w, lum in zip(
            comparison.hex, picks, comparison.probability, wcag, comparison.luminance, strict=True
        )
    ]


def disagreement_cube(comparison: Comparison) -> go.Figure:
    """The RGB cube with every colour at its place; the ones where the picks differ stand out.

    Args:
        comparison: the network's and WCAG's picks for some colours.

    Returns:
        A 3-D scatter: agreeing colours small and faint, disagreeing ones large diamonds.
    """
    text = np.array(hover_text(comparison), dtype=object)
    fig = go.Figure()
    for name, mask, size, opacity, symbol in (
        ("agree", comparison.agree, 3, 0.35, "circle"),
        ("disagree", ~comparison.agree, 6, 1.0, "diamond"),
    ):
        rgb = comparison.colours[mask]
        fig.add_trace(
            go.Scatter3d(
                x=rgb[:, 0],
                y=rgb[:, 1],
                z=rgb[:, 2],
                mode="markers",
                name=f"{name} ({int(mask.sum()):,})",
                marker={
                    "size": size,
                    "color": css(rgb),
                    "opacity": opacity,
                    "symbol": symbol,
                    "line": {
                        "color": DISAGREE_OUTLINE if name == "disagree" else "#999999",
                        "width": 2 if name == "disagree" else 0,
                    },
                },
                text=text[mask],
                hovertemplate="%{text}<extra></extra>",
            )
        )
    axis = {"range": [0, 255], "tickvals": [0, 128, 255]}
    fig.update_layout(
        scene={
            "xaxis": {**axis, "title": {"text": "red"}},
            "yaxis": {**axis, "title": {"text": "green"}},
            "zaxis": {**axis, "title": {"text": "blue"}},
            "camera": {"eye": {"x": 1.75, "y": -1.75, "z": 1.0}},
            "domain": {"y": [0.07, 1.0]},  # room for the legend below the cube
            "aspectmode": "cube",
        },
    )
    rate = comparison.agreement_rate
    style(fig, f"RGB cube: {rate:.1%} agree", height=620)
    fig.update_layout(margin={"l": 0, "r": 0, "b": 0}, legend={"orientation": "h", "y": 0.02})
    return fig


def luminance_figure(comparison: Comparison) -> go.Figure:
    """The network's P(white) against WCAG luminance: two thresholds cut it into four corners.

    Top-left and bottom-right are agreement; the other two corners are where the network and WCAG
    give different answers.

    Args:
        comparison: the network's and WCAG's picks for some colours.

    Returns:
        A 2-D scatter with the WCAG switch (L ~ 0.179) and the network switch (P = 0.5) drawn.
    """
    text = np.array(hover_text(comparison), dtype=object)
    fig = go.Figure()
    for name, mask, size, symbol in (
        ("agree", comparison.agree, 9, "circle"),
        ("disagree", ~comparison.agree, 13, "diamond"),
    ):
        fig.add_trace(
            go.Scatter(
                x=comparison.luminance[mask],
                y=comparison.probability[mask],
                mode="markers",
                name=f"{name} ({int(mask.sum()):,})",
                marker={
                    "size": size,
                    "color": css(comparison.colours[mask]),
                    "symbol": symbol,
                    "line": {
                        "color": DISAGREE_OUTLINE if name == "disagree" else "#888888",
                        "width": 2.5 if name == "disagree" else 0.6,
                    },
                },
                text=text[mask],
                hovertemplate="%{text}<extra></extra>",
            )
        )
    mark_wcag_switch(fig, f" WCAG switches at L = {WCAG_WHITE_BELOW:.3f}")
    fig.add_hline(
        y=DECISION_THRESHOLD,
        line={"color": "#444444", "dash": "dot", "width": 2},
        annotation_text=f"network switches, P = {DECISION_THRESHOLD:g}",
        annotation_position="bottom right",
    )
    fig.update_xaxes(title_text="WCAG luminance L of the background", range=[-0.02, 1.02])
    fig.update_yaxes(title_text="network's P(white text)", range=[-0.04, 1.04])
    fig.update_layout(legend={"orientation": "h", "y": -0.2})
    return style(fig, "Answer against luminance", height=520)


def _check_shift(
    colours: Sequence[str], targets: Sequence[int], before: np.ndarray, after: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """before and after as flat float arrays, once the four lengths are checked to match."""
    before = np.asarray(before, dtype=float).reshape(-1)
    after = np.asarray(after, dtype=float).reshape(-1)
    k = len(colours)
    if not (len(targets) == k and before.shape == (k,) and after.shape == (k,)):
        raise ValueError(
            f"expected {k} targets and probabilities, got {len(targets)}, {before.shape}, "
            f"{after.shape}"
        )
    return before, after


def _shift_arrows(fig: go.Figure, rows: list[str], before: np.ndarray, after: np.ndarray) -> None:
    """One arrow per row, from the answer before retraining to the answer after."""
    arrow = {"arrowhead": 2, "arrowsize": 1.2, "arrowwidth": 2.5, "arrowcolor": "#555555"}
    axes = {"xref": "x", "yref": "y", "axref": "x", "ayref": "y"}
    for row, b, a in zip(rows, before, after, strict=True):
        fig.add_annotation(x=a, y=row, ax=b, ay=row, text="", showarrow=True, **axes, **arrow)


def _shift_markers(
    fig: go.Figure, rows: list[str], colours: Sequence[str], targets, before, after, whose: str
) -> None:
    """Markers for before (hollow), after (in the label's colour) and the label (a star)."""
    swatches = css([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in colours])
    hollow = {"size": 12, "color": "white", "line": {"color": "#555555", "width": 2}}
    filled = {"size": 16, "color": swatches, "line": {"color": "#222222", "width": 1.5}}
    star = {"size": 16, "symbol": "star", "color": DISAGREE_OUTLINE}
    label_x = np.asarray(targets, dtype=float)
    for x, name, marker, what in (
        (before, "before", hollow, "before %{x:.2f}"),
        (after, "after", filled, "after %{x:.2f}"),
        (label_x, f"{whose} label (0 black, 1 white)", star, "label %{x:.0f}"),
    ):
        hover = f"%{{y}}: {what}<extra></extra>"
        fig.add_trace(
            go.Scatter(x=x, y=rows, mode="markers", name=name, marker=marker, hovertemplate=hover)
        )


def label_shift_figure(
    colours: Sequence[str],
    targets: Sequence[int],
    before: np.ndarray,
    after: np.ndarray,
    whose: str = "your",
) -> go.Figure:
    """How retraining moved the network's answer on each labelled colour.

    Args:
        colours: k background colours as ``#rrggbb``.
        targets: k labels, 1 = white text, 0 = black.
        before: (k,) P(white) before retraining.
        after: (k,) P(white) after retraining.
        whose: whose labels they are, as the title and legend name them ("your", "the class's").

    Returns:
        One row per colour (the last MAX_SHIFT_ROWS): an arrow from before to after, and the label.
    """
    before, after = _check_shift(colours, targets, before, after)
    start = max(0, len(colours) - MAX_SHIFT_ROWS)
    rows = [f"{i + 1}. {colours[i]}" for i in range(start, len(colours))]
    fig = go.Figure()
    _shift_arrows(fig, rows, before[start:], after[start:])
    _shift_markers(
        fig, rows, colours[start:], targets[start:], before[start:], after[start:], whose
    )
    fig.update_xaxes(title_text="P(white text)", range=[-0.05, 1.05])
    fig.update_yaxes(autorange="reversed", title_text=None, automargin=True)
    style(fig, f"{whose[0].upper()}{whose[1:]} labels, before and after", 230 + 34 * len(rows))
    # The legend sits at the bottom of the whole figure, below the axis title, at any height.
    fig.update_layout(
        legend={"orientation": "h", "yref": "container", "y": 0.0, "yanchor": "bottom"},
        margin={"b": 110},
    )
    return fig
