"""The film's layout: its three panels (map, network, error curve), their axes and titles,
side by side or stacked, and the two arrangements the browser picks between by width.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.mlp.drawing import (
    AXIS_RANGE,
    CHANNELS,
    EDGE_SCALE,
    Slice,
    layer_titles,
    log_ticks,
)
from core.mlp.error import ERROR_TEXT
from core.mlp.network import TrainResult
from core.mlp.replay_controls import (
    scrubber_labels,
    slider_and_buttons,
)
from core.mlp.replay_frames import ReplayFrames
from core.plot_style import style

# The film's height in CSS px: side by side at most this (the page fits it to the window, down
# to FILM_MIN), stacked this tall (a phone scrolls it). The figure itself leaves it to the page.
FILM_HEIGHT = {False: 1000, True: 1650}
FILM_MIN = 520


def iteration_axis(domain, iterations: int, log_x: bool) -> dict:
    """The error panel's iteration axis: log with log-spaced frames, so early change shows."""
    if log_x:
        top = np.log10(max(iterations, 10))
        return {
            "domain": domain,
            "anchor": "y3",
            "type": "log",
            "range": [-0.05, top + 0.05],
            "title": "iteration (log scale; 0 drawn at 1)",
        }
    return {"domain": domain, "anchor": "y3", "title": "iteration", "range": [0, iterations]}


PANELS = {  # (x domain, y domain) of the map, the network and the error curve
    False: (([0, 0.4], [0.4, 1]), ([0.46, 1], [0.4, 1]), ([0, 1], [0.05, 0.28])),
    True: (([0, 1], [0.72, 1]), ([0, 1], [0.27, 0.48]), ([0, 1], [0.05, 0.2])),
}
# What differs between the film side by side ("wide") and stacked ("narrow").
ARRANGED = (
    *(f"{axis}{n}.domain" for n in ("", "2", "3") for axis in ("xaxis", "yaxis")),
    "annotations",
    *(f"{menu}[0].{key}" for menu in ("sliders", "updatemenus") for key in ("y", "pad.t")),
    "sliders[0].currentvalue.prefix",
    "legend.y",
    "margin.t",
    "margin.b",
)
# Where Play / Pause and the scrubber go: under the error curve side by side; on a phone right
# under the map, where a thumb finds them (paper y, then pixels down to buttons and scrubber).
CONTROLS = {False: (0.0, (50, 100)), True: (PANELS[True][0][1][0], (75, 125))}


def replay_layout(
    fig: go.Figure, frames: ReplayFrames, result: TrainResult, plane: Slice, spacing: str, stacked
) -> go.Figure:
    """Axes, titles, headers and controls of the replay; returns the figure."""
    fig.update_layout(**replay_axes(frames, result, plane, spacing, stacked))
    top, pads = CONTROLS[bool(stacked)]
    annotations = replay_headers(result, plane, stacked)
    annotations += scrubber_labels(frames, spacing, top, pads[1], stacked)
    fig.update_layout(
        annotations=annotations, **slider_and_buttons(frames, spacing, top, pads, stacked)
    )
    top = 1.045 if stacked else 1.06
    legend = {"orientation": "h", "x": 0, "y": top, "yanchor": "bottom", "font": {"size": 13}}
    fig.update_layout(showlegend=True, legend=legend)
    style(fig, None)  # no height: the page sizes the film (FILM_HEIGHT) to the window
    fig.update_layout(margin={"l": 60, "r": 20, "t": 310 if stacked else 70})  # toolbar: top right
    fig.update_layout(margin={"b": 60 if stacked else 210})
    return fig


def replay_axes(
    frames: ReplayFrames, result: TrainResult, plane: Slice, spacing: str, stacked
) -> dict:
    """The three panels' axes: the decision map, the network (hidden axes), the error."""
    (map_x, map_y), (net_x, net_y), (loss_x, loss_y) = PANELS[bool(stacked)]
    free = plane.free
    tallest = max(result.layers)
    on_map = {"range": AXIS_RANGE, "showgrid": False, "zeroline": False, "ticks": "outside"}
    return {
        "xaxis": {"domain": map_x, "title": f"{CHANNELS[free[0]]} (0-255)", **on_map},
        "yaxis": {"domain": map_y, "title": f"{CHANNELS[free[1]]} (0-255)", **on_map},
        "xaxis2": {
            "domain": net_x,
            "anchor": "y2",
            "visible": False,
            "range": [-0.5, len(result.layers) - 0.5],
        },
        "yaxis2": {
            "domain": net_y,
            "anchor": "x2",
            "visible": False,
            "range": [-(tallest - 1) / 2 - 0.8, (tallest - 1) / 2 + 1.1],
        },
        "xaxis3": iteration_axis(loss_x, len(result.losses), spacing == "log"),
        "yaxis3": {
            "domain": loss_y,
            "anchor": "x3",
            "type": "log",
            "title": "error",
            "tickvals": log_ticks(frames.errors),
            "exponentformat": "power",
        },
    }


def replay_headers(result: TrainResult, plane: Slice, stacked) -> list[dict]:
    """The layers' names over the network and a title over each panel."""
    (map_x, map_y), (net_x, net_y), (loss_x, loss_y) = PANELS[bool(stacked)]
    tallest = max(result.layers)
    headers = [
        {
            "x": x,
            "y": (tallest - 1) / 2 + 0.85,
            "xref": "x2",
            "yref": "y2",
            "text": f"<b>{t}</b>",
            "showarrow": False,
            "font": {"size": 14},
        }
        for x, t in enumerate(layer_titles(result.layers))
    ]
    panel = f"Output with {CHANNELS[plane.channel]} = {plane.value * 255:.0f}"
    titles = [
        (panel, (map_x[0] + map_x[1]) / 2, map_y[1]),
        (
            f"Network<br><sup>edge width: |w|, full at {EDGE_SCALE:g}</sup>",
            (net_x[0] + net_x[1]) / 2,
            net_y[1],
        ),
        (f"Error  {ERROR_TEXT}", (loss_x[0] + loss_x[1]) / 2, loss_y[1]),
    ]
    for text, x, y in titles:
        headers.append(
            {
                "x": x,
                "y": y + 0.01,
                "xref": "paper",
                "yref": "paper",
                "text": f"<b>{text}</b>",
                "showarrow": False,
                "yanchor": "bottom",
                "font": {"size": 16},
                "name": "title",  # a panel's title: the projector view sizes it as one
            }
        )
    return headers
