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
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from core.mlp.contour import level_line
from core.mlp.drawing import (
    AXIS_RANGE,
    CHANNELS,
    EDGE_SCALE,
    OUTPUT_SCALE,
    edge_legend_traces,
    edge_style,
    edge_traces,
    layer_positions,
    layer_titles,
    log_ticks,
    neuron_names,
    neuron_range,
    neuron_trace,
    thin,
    training_legend,
    training_points,
)
from core.mlp.error import ERROR_TEXT, error_total, from_sum
from core.mlp.frames import frame_indices
from core.mlp.network import DECISION_THRESHOLD, MLP, TrainResult
from core.mlp.replay_pictures import grid_extent, map_sources, placed
from core.plot_style import FONT_SIZE, NEGATIVE, POSITIVE, style, with_arrangements

MAP_RESOLUTION = 30  # decision map: points per axis in every frame
NEURON_RESOLUTION = 14  # the small map of each hidden neuron
NEURON_HALF = (0.2, 0.32)  # half the width and height of a neuron's map, in the diagram's units
FRAME_MS = 80  # one frame every 80 ms when playing: about 8 s for 101 frames
# The film's height in CSS px: side by side at most this (the page fits it to the window, down
# to FILM_MIN), stacked this tall (a phone scrolls it). The figure itself leaves it to the page.
FILM_HEIGHT = {False: 1000, True: 1650}
FILM_MIN = 520


@dataclass(frozen=True)
class Slice:
    """A plane of the RGB cube: ``channel`` (0 red, 1 green, 2 blue) held at ``value`` in [0, 1]."""

    channel: int = 2
    value: float = 0.5

    def __post_init__(self) -> None:
        if self.channel not in (0, 1, 2):
            raise ValueError(f"expected channel 0, 1 or 2, got {self.channel}")
        if not 0 <= self.value <= 1:
            raise ValueError(f"expected a channel value in [0, 1], got {self.value}")

    @property
    def free(self) -> list[int]:
        return [c for c in range(3) if c != self.channel]

    def colours(self, resolution: int) -> tuple[np.ndarray, np.ndarray]:
        """The axis (resolution,) and the plane's colours (resolution², 3), rows along free[1]."""
        axis = np.linspace(0, 1, resolution)
        first, second = np.meshgrid(axis, axis)
        colours = np.empty((resolution * resolution, 3))
        colours[:, self.channel] = self.value
        colours[:, self.free[0]] = first.ravel()
        colours[:, self.free[1]] = second.ravel()
        return axis, colours


def layer_maps(net: MLP, colours: np.ndarray, resolution: int) -> list[np.ndarray]:
    """Every layer's outputs over a plane: one (n_neurons, resolution, resolution) per layer."""
    _, A = net.forward_pass(colours)
    return [a.reshape(len(a), resolution, resolution) for a in A]


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


def marker_x(iteration: int, log_x: bool) -> int:
    """Where a frame sits on the iteration axis: iteration 0 at 1 on a log axis."""
    return max(int(iteration), 1) if log_x else int(iteration)


@dataclass(frozen=True)
class ReplayFrames:
    """The numbers of every frame, computed once from a run's snapshots.

    Attributes:
        iterations: (F,) the iteration of each frame.
        errors: (F,) Error_total of the weights of each frame on the training set.
        outputs: (F, R, R) the network's output over the plane.
        neurons: per hidden layer, (F, n_neurons, r, r) each neuron's output over the plane.
        weights: per layer, (F, n_out, n_in + 1).
        axis: (R,) the plane's axis values in [0, 1].
    """

    iterations: np.ndarray
    errors: np.ndarray
    outputs: np.ndarray
    neurons: list[np.ndarray]
    weights: list[np.ndarray]
    axis: np.ndarray


def replay_frames(
    result: TrainResult, X: np.ndarray, y: np.ndarray, plane: Slice, spacing: str = "log"
) -> ReplayFrames:
    """Run every frame's weights over the plane and the training set.

    Args:
        result: a run with snapshots (``core.mlp.train``).
        X: training inputs (n, 3); y: their targets.
        plane: the RGB plane of the maps.
        spacing: "log" (frames dense early, where most change happens) or "even".

    Returns:
        The frames' numbers.
    """
    if result.layers[0] != 3:
        raise ValueError(f"expected a network with 3 inputs (RGB), got layers {result.layers}")
    index = frame_indices(result.snapshot_iterations, spacing)
    axis, colours = plane.colours(MAP_RESOLUTION)
    hidden = sum(result.layers[1:-1])
    small = NEURON_RESOLUTION if hidden <= 8 else NEURON_RESOLUTION - 4
    _, small_colours = plane.colours(small)
    y = np.asarray(y, dtype=np.float64).reshape(len(X), -1)
    errors, outputs, neurons = [], [], []
    for s in index:
        net = MLP(result.layers, activation=result.activation, weights=result.snapshot_weights(s))
        errors.append(error_total(net.forward(X), y))
        outputs.append(net.forward(colours)[:, 0].reshape(MAP_RESOLUTION, MAP_RESOLUTION))
        neurons.append(layer_maps(net, small_colours, small)[:-1])
    return ReplayFrames(
        iterations=result.snapshot_iterations[index],
        errors=np.array(errors),
        outputs=np.array(outputs, dtype=np.float32),
        neurons=[np.array(layer, dtype=np.float32) for layer in zip(*neurons, strict=True)],
        weights=[store[index] for store in result.snapshots],
        axis=axis,
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
        x=x,
        y=y,
        mode="lines",
        line={"width": 3, "color": "#e03131", "dash": "dash"},
        name=f"boundary {DECISION_THRESHOLD:g}",
        hoverinfo="skip",
    )


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
    """Frame f as plain updates of the moving traces: boundary, hover, edges, biases, marker."""
    x, y = boundary_xy(frames, f)
    updates = [{"type": "scatter", "x": x, "y": y}]
    updates.append({"type": "scatter", "customdata": hover_outputs(frames, f)})
    updates += edge_updates(frames.weights, f)
    updates.append({"type": "scatter", "text": bias_labels(frames, f)})
    updates.append(
        {"type": "scatter", "x": [marker_x(frames.iterations[f], log_x)], "y": [frames.errors[f]]}
    )
    return updates


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


def slider_and_buttons(
    frames: ReplayFrames,
    spacing: str,
    top: float = 0.0,
    pads: tuple[int, int] = (50, 100),
    narrow: bool = False,
) -> dict:
    """Play / Pause and a scrubber labelled with each frame's iteration.

    Args:
        frames: anything with the frames' ``iterations``.
        spacing: "log" or "even", named on the scrubber.
        top: paper y under which the controls sit.
        pads: pixels from ``top`` to the buttons and to the scrubber (a row of its own under
            them: on a narrow screen they would overlap).
        narrow: a phone's width: the scrubber's label on two lines.
    """
    label = "log-spaced" if spacing == "log" else "evenly spaced"
    # No full redraw per frame: the frames move lines and swap pictures, which Plotly does on
    # its own; a redraw would repaint every trace, slower than a frame.
    still = {
        "mode": "immediate",
        "frame": {"duration": 0, "redraw": False},
        "transition": {"duration": 0},
    }
    play = {"frame": {"duration": FRAME_MS, "redraw": False}, "fromcurrent": True}
    play["transition"] = {"duration": 0}
    steps = [
        {"method": "animate", "label": f"{int(i):,}", "args": [[str(int(i))], still]}
        for i in frames.iterations
    ]
    slider = {
        "active": 0,
        "steps": steps,
        "x": 0.0,
        "len": 1.0,
        "y": top,
        "yanchor": "top",
        "pad": {"t": pads[1]},
        "currentvalue": {
            "prefix": f"iteration ({len(steps)} {label} frames):{'<br>' if narrow else ' '}",
            "font": {"size": FONT_SIZE + 1},
        },
        "font": {"size": FONT_SIZE - 1},  # the ticks: 16 px, read on a projector
    }
    slider["font"]["color"] = "rgba(0, 0, 0, 0)"  # its own labels skip the last: scrubber_labels
    slider["currentvalue"]["font"]["color"] = TEXT_COLOUR  # else it takes the ticks' colour
    buttons = {
        "type": "buttons",
        "direction": "left",
        "x": 0.0,
        "y": top,
        "xanchor": "left",
        "yanchor": "top",
        "pad": {"t": pads[0]},
        "showactive": False,
        "font": {"size": FONT_SIZE},
        "buttons": [
            {"label": "▶ Play", "method": "animate", "args": [None, play]},
            {"label": "❚❚ Pause", "method": "animate", "args": [[None], still]},
        ],
    }
    return {"sliders": [slider], "updatemenus": [buttons]}


# Plotly labels every k-th step of a scrubber from the first, k fitted to the width it finds in
# the browser, so its last label is seldom the last frame (180,503 of a 200,000 run). The
# scrubber's labels are drawn here instead, at chosen frames, the first and the last always.
STEP_INSET = 10  # plotly.js: the first and the last step sit 10 px inside the slider's ends
TEXT_COLOUR = "#2a3f5f"  # Plotly's text colour, which the figure's annotations keep
LAST_OVERHANG = 12  # px the last label may reach past its step: into the figure's margin
TICK_DROP = 32  # plotly.js: from the current value's bottom to the labels' top (tick + 7 px)
LABEL_GAP = {False: 0.09, True: 0.34}  # the least distance between two labels, share of width


def scrubber_frames(iterations: np.ndarray, spacing: str, narrow: bool = False) -> list[int]:
    """Which frames the scrubber labels: the first, the last, and round iterations between.

    Args:
        iterations: (F,) the frames' iterations, ascending.
        spacing: "log" (powers of ten between) or "even" (quarters between).
        narrow: a phone's width: fewer labels, further apart.

    Returns:
        Frame indices, ascending, 0 and F - 1 included.
    """
    iterations = np.asarray(iterations)
    last = len(iterations) - 1
    if last <= 0:
        return [0]
    if spacing == "log":
        decades = np.log10(np.maximum(iterations, 1))  # the frame nearest each power of ten
        between = [int(np.argmin(np.abs(decades - k))) for k in range(1, int(decades[-1]) + 1)]
    else:
        between = [
            int(np.argmin(np.abs(iterations - q * iterations[-1]))) for q in (0.25, 0.5, 0.75)
        ]
    gap = LABEL_GAP[bool(narrow)] * last
    kept = [0]
    for index in between:
        if index - kept[-1] >= gap and last - index >= gap:
            kept.append(index)
    return [*kept, last]


def scrubber_labels(
    frames: ReplayFrames, spacing: str, top: float, pad: int, narrow: bool = False
) -> list[dict]:
    """The scrubber's labels as annotations under its ticks, the last iteration always last.

    Args:
        frames: anything with the frames' ``iterations``.
        spacing: "log" or "even".
        top: paper y under which the controls sit; pad: pixels from it to the scrubber.
        narrow: a phone's width (the current value on two lines, fewer labels).
    """
    last = max(len(frames.iterations) - 1, 1)
    value_height = (2 if narrow else 1) * round(1.25 * (FONT_SIZE + 1)) + 10
    labels = []
    for index in scrubber_frames(frames.iterations, spacing, narrow):
        f = index / last
        end = index == last  # ends at its step (a little past), not half its width past the edge
        labels.append(
            {
                "x": f,
                "y": top,
                "xref": "paper",
                "yref": "paper",
                "xshift": STEP_INSET * (1 - 2 * f) + (LAST_OVERHANG if end else 0),
                "yshift": -(pad + value_height + TICK_DROP),
                "yanchor": "top",
                "xanchor": "right" if end else "center",
                "text": f"{int(frames.iterations[index]):,}",
                "showarrow": False,
                "font": {"size": FONT_SIZE - 1, "color": TEXT_COLOUR},
                "name": "scrubber label",
            }
        )
    return labels


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
        trace.update(xaxis="x2", yaxis="y2")
    # On each panel the moving traces come first, side by side: a frame redraws only them and
    # puts them back in order, so a still trace between two of them would end up underneath.
    data = [boundary_trace(frames, 0), hover_grid(frames, plane)]
    data += [training_points(X, y, plane.free), *edges, bias_trace(frames, positions)]
    data += [*static_network(result.layers, positions), *training_legend()]
    data += [loss_trace(result.losses, log_x), marker_trace(frames, log_x)]
    moving = [0, 1, *range(3, 4 + len(edges)), len(data) - 1]
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
