"""Training as a film: one Plotly figure whose frames replay a run from its snapshots.

Three panels move together, frame by frame: the decision map on one RGB plane, the network
(edges coloured and sized by the weights, each hidden neuron drawn as a small map of its own
output over the same plane), and a marker on the error curve. Every frame is computed here, once;
the browser plays them (Plotly animation), so a hall of students watching loads no server.

The maps are pictures (``replay_pictures``) and the boundary a line of points (``contour``):
Plotly keeps both on screen while it plays, where it would take heatmaps and contours off, and
a frame only swaps pictures and moves lines (no redraw of the whole figure), so it keeps pace.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from core.mlp.contour import level_line
from core.mlp.drawing import (
    CHANNELS,
    OUTPUT_SCALE,
    Slice,
    edge_legend_traces,
    edge_style,
    edge_traces,
    layer_positions,
    neuron_names,
    neuron_range,
    neuron_trace,
    thin,
    training_legend,
    training_points,
)
from core.mlp.error import from_sum
from core.mlp.network import DECISION_THRESHOLD, TrainResult
from core.mlp.replay_controls import (
    marker_x,
)
from core.mlp.replay_frames import (
    ReplayFrames,
)
from core.mlp.replay_layout import (
    ARRANGED,
    replay_layout,
)
from core.mlp.replay_pictures import grid_extent, map_sources, placed
from core.plot_style import NEGATIVE, POSITIVE, with_arrangements

NEURON_HALF = (0.2, 0.32)  # half the width and height of a neuron's map, in the diagram's units


def loss_trace(losses: np.ndarray, log_x: bool) -> go.Scatter:
    """The Error_total curve (from the loop's ``losses``); on a log iteration axis, points
    spaced evenly on that axis."""
    if log_x:
        index = np.unique(np.geomspace(1, len(losses) - 1, 2_000).round().astype(int))
    else:
        index = thin(len(losses))
    return go.Scatter(
        x=index,
        y=np.maximum(from_sum(losses)[index], 1e-300),
        mode="lines",
        line={"width": 3, "color": POSITIVE},
        name="error",
        hovertemplate="iteration %{x:,}<br>error %{y:.3e}<extra></extra>",
        xaxis="x3",
        yaxis="y3",
    )


def bias_positions(positions) -> list[tuple[float, float]]:
    """Under every neuron after the input: below a hidden neuron's map, below the output circle."""
    last = len(positions) - 1
    return [
        (x, y - (0.43 if k == last else NEURON_HALF[1] + 0.12))
        for k, column in enumerate(positions[1:], start=1)
        for x, y in column
    ]


def edge_updates(weights: Sequence[np.ndarray], f: int) -> list[dict]:
    """Frame f's colour, width and hover of every edge, in ``edge_traces`` order."""
    updates = []
    for k, W in enumerate(weights):
        for i in range(W.shape[1]):
            for j in range(W.shape[2] - 1):
                updates.append({"type": "scatter", **edge_style(k, i, j, float(W[f, i, j]))})
    return updates


def boundary_xy(frames: ReplayFrames, f: int) -> tuple[list, list]:
    """Frame f's decision boundary on the map (0-255), curves split by None (a gap).

    Without a boundary, one empty point: Plotly takes a subplot's points (the training
    colours) off while it plays when the moving line on it has no point at all.
    """
    axis = frames.axis * 255
    xs, ys = level_line(axis, axis, frames.outputs[f], DECISION_THRESHOLD)
    if xs.size == 0:
        return [None], [None]
    return [_round(v) for v in xs], [_round(v) for v in ys]


def _round(value: float) -> float | None:
    return None if np.isnan(value) else round(float(value), 2)


def boundary_trace(frames: ReplayFrames, f: int) -> go.Scatter:
    """The 0.5 line: a line of points, which Plotly animates (a contour it would drop)."""
    x, y = boundary_xy(frames, f)
    return go.Scatter(
        meta="boundary",
        x=x,
        y=y,
        mode="lines",
        line={"width": 3, "color": "#e03131", "dash": "dash"},
        name=f"boundary {DECISION_THRESHOLD:g}",
        hoverinfo="skip",
    )


# What a frame changes, each trace named by its ``meta``, in the order ``frame_updates`` writes
# them: the boundary and the hover on the map, every edge, the biases, the error's marker.
MOVING = ("boundary", "hover", "edge", "biases", "marker")
HOVER_STEP = 2  # the map's hover reads every other point of the plane


def hover_outputs(frames: ReplayFrames, f: int) -> list[float]:
    """Frame f's output at the hover points, rounded for a light frame."""
    grid = frames.outputs[f][::HOVER_STEP, ::HOVER_STEP]
    return [round(float(v), 3) for v in grid.ravel()]


def hover_grid(frames: ReplayFrames, plane: Slice) -> go.Scatter:
    """Invisible points over the map that name the colour and the output under the pointer."""
    axis = frames.axis[::HOVER_STEP] * 255
    x, y = np.meshgrid(axis, axis)
    first, second = (CHANNELS[c] for c in plane.free)
    return go.Scatter(
        meta="hover",
        x=x.ravel().round(1),
        y=y.ravel().round(1),
        customdata=hover_outputs(frames, 0),
        mode="markers",
        marker={"size": 24, "symbol": "square", "opacity": 0},
        hovertemplate=f"{first} %{{x:.0f}}, {second} %{{y:.0f}}"
        "<br>P(white text) = %{customdata:.3f}<extra></extra>",
        showlegend=False,
    )


def bias_trace(frames: ReplayFrames, positions) -> go.Scatter:
    """Every neuron's bias written under it (frame 0's); the frames change the text."""
    where = bias_positions(positions)
    return go.Scatter(
        meta="biases",
        x=[x for x, _ in where],
        y=[y for _, y in where],
        mode="text",
        text=bias_labels(frames, 0),
        textfont={"size": 13, "color": "#333"},
        hoverinfo="skip",
        showlegend=False,
        xaxis="x2",
        yaxis="y2",
    )


def marker_trace(frames: ReplayFrames, log_x: bool) -> go.Scatter:
    """The error of frame 0, on the error curve; the frames move it."""
    return go.Scatter(
        meta="marker",
        x=[marker_x(frames.iterations[0], log_x)],
        y=[frames.errors[0]],
        mode="markers",
        marker={"size": 16, "color": NEGATIVE, "line": {"width": 2, "color": "#222"}},
        name="this frame",
        hovertemplate="iteration %{x:,}<br>error %{y:.3e}<extra></extra>",
        xaxis="x3",
        yaxis="y3",
    )


def bias_labels(frames: ReplayFrames, f: int) -> list[str]:
    return [f"b {W[f, i, -1]:+.2f}" for W in frames.weights for i in range(W.shape[1])]


def frame_updates(frames: ReplayFrames, f: int, log_x: bool) -> list[dict]:
    """Frame f as plain updates of the moving traces, in ``MOVING`` order."""
    x, y = boundary_xy(frames, f)
    updates = [{"type": "scatter", "x": x, "y": y}]
    updates.append({"type": "scatter", "customdata": hover_outputs(frames, f)})
    updates += edge_updates(frames.weights, f)
    updates.append({"type": "scatter", "text": bias_labels(frames, f)})
    updates.append(
        {"type": "scatter", "x": [marker_x(frames.iterations[f], log_x)], "y": [frames.errors[f]]}
    )
    return updates


def moving_traces(data: Sequence[go.Scatter]) -> list[int]:
    """Positions in ``data`` of the traces a frame changes, found by their ``meta`` and listed
    in ``MOVING`` order, the order of ``frame_updates``."""
    found = [(MOVING.index(t.meta), k) for k, t in enumerate(data) if t.meta in MOVING]
    return [k for _, k in sorted(found)]


def static_network(layers: Sequence[int], positions) -> list[go.Scatter]:
    """Circles for the inputs and the outputs; the hidden neurons (their maps) named on hover."""
    names = neuron_names(layers)
    traces = [neuron_trace(positions[0], names[0], None)]
    traces.append(neuron_trace(positions[-1], names[-1], None))
    hidden = [(k, j) for k in range(1, len(layers) - 1) for j in range(layers[k])]
    traces.append(
        go.Scatter(  # invisible squares over the maps, for the hover
            x=[positions[k][j][0] for k, j in hidden],
            y=[positions[k][j][1] for k, j in hidden],
            mode="markers",
            marker={"size": 40, "symbol": "square", "opacity": 0},
            hovertext=[
                f"{names[k][j]}: neuron {j + 1} of hidden layer {k},<br>its output over the plane"
                for k, j in hidden
            ],
            hoverinfo="text",
            showlegend=False,
        )
    )
    traces += edge_legend_traces()
    for trace in traces:
        trace.update(xaxis="x2", yaxis="y2")
    return traces


def map_images(frames: ReplayFrames, positions, zrange) -> list[dict]:
    """Frame 0's pictures placed: the decision map on its plane, each neuron's map on it."""
    sources = map_sources(frames.outputs[0], [m[0] for m in frames.neurons], zrange, OUTPUT_SCALE)
    centre, width = grid_extent(frames.axis * 255)
    images = [placed(sources[0], "x", (centre, centre), (width, width))]
    size = (2 * NEURON_HALF[0], 2 * NEURON_HALF[1])
    hidden = [p for column in positions[1:-1] for p in column]
    images += [placed(s, "x2", p, size) for s, p in zip(sources[1:], hidden, strict=True)]
    return images


def frame_images(frames: ReplayFrames, f: int, zrange) -> dict:
    """Frame f's layout: only the pictures' sources change."""
    sources = map_sources(frames.outputs[f], [m[f] for m in frames.neurons], zrange, OUTPUT_SCALE)
    return {"images": [{"source": s} for s in sources]}


def replay_figure(
    frames: ReplayFrames,
    result: TrainResult,
    X: np.ndarray,
    y: np.ndarray,
    plane: Slice,
    spacing: str = "log",
    stacked: bool = False,
) -> go.Figure:
    """The replay: decision map, network and error curve, animated over the frames.

    Args:
        frames: from ``replay_frames(result, X, y, plane, spacing)``.
        result: the run (its layers, activation and error curve).
        X, y: the training colours drawn on the map and their targets.
        plane: the RGB plane of the maps.
        spacing: "log" or "even", named on the scrubber.
        stacked: panels one under another (a phone) instead of map and network side by side.
    """
    still, frame_list = replay_parts(frames, result, X, y, plane, spacing, stacked)
    return go.Figure(still.to_dict() | {"frames": frame_list}, _validate=False)


def replay_parts(
    frames: ReplayFrames,
    result: TrainResult,
    X: np.ndarray,
    y: np.ndarray,
    plane: Slice,
    spacing: str = "log",
    stacked: bool = False,
) -> tuple[go.Figure, list[dict]]:
    """``replay_figure`` in two parts: the still figure, checked by Plotly, and its frames as
    plain dicts. Whoever only sends the film to a browser can skip turning a hundred frames
    into Plotly objects (half of a new run's page time); the arguments are
    ``replay_figure``'s."""
    positions = layer_positions(result.layers)
    zrange = neuron_range(result.activation, frames.neurons)
    log_x = spacing == "log"
    edges = edge_traces([W[0] for W in frames.weights], positions)
    for trace in edges:
        trace.update(xaxis="x2", yaxis="y2", meta="edge")
    # On each panel the moving traces come first, side by side: a frame redraws only them and
    # puts them back in order, so a still trace between two of them would end up underneath.
    data = [boundary_trace(frames, 0), hover_grid(frames, plane)]
    data += [training_points(X, y, plane.free), *edges, bias_trace(frames, positions)]
    data += [*static_network(result.layers, positions), *training_legend()]
    data += [loss_trace(result.losses, log_x), marker_trace(frames, log_x)]
    moving = moving_traces(data)
    fig = replay_layout(go.Figure(data), frames, result, plane, spacing, stacked)
    fig.update_layout(images=map_images(frames, positions, zrange))
    ways = {
        way: replay_layout(go.Figure(), frames, result, plane, spacing, way == "narrow")
        for way in ("wide", "narrow")
    }
    with_arrangements(fig, ways, ARRANGED)  # the browser picks by the window's width
    # Frames as plain dicts: validating thousands of small updates would take seconds.
    frame_list = [
        {
            "name": str(int(i)),
            "traces": moving,
            "data": frame_updates(frames, f, log_x),
            "layout": frame_images(frames, f, zrange),
        }
        for f, i in enumerate(frames.iterations)
    ]
    return fig, frame_list
