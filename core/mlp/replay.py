"""Training as a film: one Plotly figure whose frames replay a run from its snapshots.

Three panels move together, frame by frame: the decision map on one RGB plane, the network
(edges coloured and sized by the weights, each hidden neuron drawn as a small map of its own
output over the same plane), and a marker on the error curve. Every frame is computed here, once;
the browser plays them (Plotly animation), so a hall of students watching loads no server.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from core.mlp.network import MLP, TrainResult, frame_indices
from core.mlp.plots import (
    AXIS_RANGE,
    CHANNELS,
    EDGE_SCALE,
    boundary_contour,
    edge_colour,
    edge_legend_traces,
    edge_traces,
    edge_width,
    layer_positions,
    layer_titles,
    log_ticks,
    neuron_names,
    neuron_trace,
    output_heatmap,
    thin,
    training_points,
)
from core.plot_style import NEGATIVE, POSITIVE, style

MAP_RESOLUTION = 30  # decision map: points per axis in every frame
NEURON_RESOLUTION = 14  # the small map of each hidden neuron
NEURON_HALF = (0.2, 0.32)  # half the width and height of a neuron's map, in the diagram's units
FRAME_MS = 80  # one frame every 80 ms when playing: about 8 s for 101 frames


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


def neuron_range(activation: str, maps: Sequence[np.ndarray]) -> tuple[float, float, list]:
    """Colour range and scale of the hidden neurons' maps for this activation."""
    if activation == "tanh":
        return -1.0, 1.0, [[0, NEGATIVE], [0.5, "#f7f7f7"], [1, POSITIVE]]
    high = 1.0 if activation == "sigmoid" else max(1e-9, max(float(m.max()) for m in maps))
    return 0.0, high, [[0, "#f7f7f7"], [1, POSITIVE]]


def neuron_heatmap(position, z: np.ndarray, zrange: tuple, name: str) -> go.Heatmap:
    """A hidden neuron's output as a small map centred on its place in the diagram."""
    x, y = position
    low, high, scale = zrange
    side = np.linspace(-1, 1, z.shape[0])
    return go.Heatmap(
        x=x + NEURON_HALF[0] * side,
        y=y + NEURON_HALF[1] * side,
        z=z,
        zmin=low,
        zmax=high,
        colorscale=scale,
        showscale=False,
        xaxis="x2",
        yaxis="y2",
        hovertemplate=f"{name}: output %{{z:.3f}}<extra></extra>",
    )


def loss_trace(losses: np.ndarray, log_x: bool) -> go.Scatter:
    """The error curve; on a log iteration axis, points spaced evenly on that axis."""
    if log_x:
        index = np.unique(np.geomspace(1, len(losses) - 1, 2_000).round().astype(int))
    else:
        index = thin(len(losses))
    return go.Scatter(
        x=index,
        y=np.maximum(losses[index], 1e-300),
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
        errors: (F,) the error of the weights of each frame on the training set.
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
        errors.append(float(np.sum((net.forward(X) - y) ** 2)))
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
                w = float(W[f, i, j])
                updates.append(
                    {
                        "type": "scatter",
                        "line": {"color": edge_colour(w), "width": float(edge_width(w))},
                        "hovertemplate": f"W{k + 1}[{i + 1},{j + 1}] = {w:.4f}<extra></extra>",
                    }
                )
    return updates


def animated(frames: ReplayFrames, plane: Slice, positions, zrange, log_x: bool) -> list:
    """Frame 0's changing traces: map, boundary, neuron maps, bias labels, error marker."""
    traces = [
        output_heatmap(frames.axis, frames.outputs[0], plane.free).update(showscale=False),
        boundary_contour(frames.axis, frames.outputs[0]),
    ]
    for k, layer in enumerate(frames.neurons):
        for j in range(layer.shape[1]):
            name = f"a{j + 1} of hidden layer {k + 1}"
            traces.append(neuron_heatmap(positions[k + 1][j], layer[0, j], zrange, name))
    where = bias_positions(positions)
    traces.append(
        go.Scatter(
            x=[x for x, _ in where],
            y=[y for _, y in where],
            mode="text",
            text=bias_labels(frames, 0),
            textfont={"size": 12, "color": "#333"},
            hoverinfo="skip",
            showlegend=False,
            xaxis="x2",
            yaxis="y2",
        )
    )
    traces.append(
        go.Scatter(
            x=[marker_x(frames.iterations[0], log_x)],
            y=[frames.errors[0]],
            mode="markers",
            marker={"size": 16, "color": NEGATIVE, "line": {"width": 2, "color": "#222"}},
            name="this frame",
            hovertemplate="iteration %{x:,}<br>error %{y:.3e}<extra></extra>",
            xaxis="x3",
            yaxis="y3",
        )
    )
    return traces


def bias_labels(frames: ReplayFrames, f: int) -> list[str]:
    return [f"b {W[f, i, -1]:+.2f}" for W in frames.weights for i in range(W.shape[1])]


def frame_updates(frames: ReplayFrames, f: int, log_x: bool) -> list[dict]:
    """Frame f as plain updates of the moving traces, in the order ``animated`` + edges."""
    updates = [
        {"type": "heatmap", "z": frames.outputs[f]},
        {"type": "contour", "z": frames.outputs[f]},
    ]
    updates += edge_updates(frames.weights, f)
    updates += [
        {"type": "heatmap", "z": layer[f, j]}
        for layer in frames.neurons
        for j in range(layer.shape[1])
    ]
    updates.append({"type": "scatter", "text": bias_labels(frames, f)})
    updates.append(
        {"type": "scatter", "x": [marker_x(frames.iterations[f], log_x)], "y": [frames.errors[f]]}
    )
    return updates


def static_network(layers: Sequence[int], positions) -> list[go.Scatter]:
    """Circles for the inputs and the outputs (hidden neurons are their maps, named on hover)."""
    names = neuron_names(layers)
    traces = [neuron_trace(positions[0], names[0], None)]
    traces.append(neuron_trace(positions[-1], names[-1], None))
    traces += edge_legend_traces()
    for trace in traces:
        trace.update(xaxis="x2", yaxis="y2")
    return traces


def slider_and_buttons(frames: ReplayFrames, spacing: str) -> dict:
    """Play / Pause and a scrubber labelled with each frame's iteration."""
    label = "log-spaced" if spacing == "log" else "evenly spaced"
    still = {
        "mode": "immediate",
        "frame": {"duration": 0, "redraw": True},
        "transition": {"duration": 0},
    }
    play = {"frame": {"duration": FRAME_MS, "redraw": True}, "fromcurrent": True}
    play["transition"] = {"duration": 0}
    steps = [
        {"method": "animate", "label": f"{int(i):,}", "args": [[str(int(i))], still]}
        for i in frames.iterations
    ]
    slider = {  # a row of its own under the buttons: on a narrow screen they would overlap
        "active": 0,
        "steps": steps,
        "x": 0.0,
        "len": 1.0,
        "y": 0,
        "yanchor": "top",
        "pad": {"t": 100},
        "currentvalue": {"prefix": f"iteration ({len(steps)} {label} frames): "},
        "font": {"size": 12},
    }
    buttons = {
        "type": "buttons",
        "direction": "left",
        "x": 0.0,
        "y": 0,
        "xanchor": "left",
        "yanchor": "top",
        "pad": {"t": 50},
        "showactive": False,
        "buttons": [
            {"label": "▶ Play", "method": "animate", "args": [None, play]},
            {"label": "❚❚ Pause", "method": "animate", "args": [[None], still]},
        ],
    }
    return {"sliders": [slider], "updatemenus": [buttons]}


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
    positions = layer_positions(result.layers)
    zrange = neuron_range(result.activation, frames.neurons)
    log_x = spacing == "log"
    first = animated(frames, plane, positions, zrange, log_x)
    n_maps = len(first) - 4
    edges = edge_traces([W[0] for W in frames.weights], positions)
    for trace in edges:
        trace.update(xaxis="x2", yaxis="y2")
    data = [*first[:2], training_points(X, y, plane.free), *edges, *first[2 : 2 + n_maps]]
    data += [*static_network(result.layers, positions), first[-2]]
    data += [loss_trace(result.losses, log_x), first[-1]]
    moving = [0, 1, *range(3, 3 + len(edges) + n_maps), len(data) - 3, len(data) - 1]
    fig = replay_layout(go.Figure(data), frames, result, plane, spacing, stacked)
    # Frames as plain dicts: validating thousands of small updates would take seconds.
    frame_list = [
        {"name": str(int(i)), "traces": moving, "data": frame_updates(frames, f, log_x)}
        for f, i in enumerate(frames.iterations)
    ]
    return go.Figure(fig.to_dict() | {"frames": frame_list}, _validate=False)


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
    True: (([0, 1], [0.68, 1]), ([0, 1], [0.31, 0.56]), ([0, 1], [0.05, 0.21])),
}


def replay_layout(
    fig: go.Figure, frames: ReplayFrames, result: TrainResult, plane: Slice, spacing: str, stacked
) -> go.Figure:
    """Axes, titles, headers and controls of the replay; returns the figure."""
    fig.update_layout(**replay_axes(frames, result, plane, spacing, stacked))
    annotations = replay_headers(result, plane, stacked)
    fig.update_layout(annotations=annotations, **slider_and_buttons(frames, spacing))
    top = 1.045 if stacked else 1.06
    legend = {"orientation": "h", "x": 0, "y": top, "yanchor": "bottom", "font": {"size": 13}}
    fig.update_layout(showlegend=True, legend=legend)
    style(fig, None, height=1650 if stacked else 1000)
    fig.update_layout(margin={"l": 60, "r": 20, "t": 280 if stacked else 70, "b": 210})
    return fig


def replay_axes(
    frames: ReplayFrames, result: TrainResult, plane: Slice, spacing: str, stacked
) -> dict:
    """The three panels' axes: the decision map, the network (hidden axes), the error."""
    (map_x, map_y), (net_x, net_y), (loss_x, loss_y) = PANELS[bool(stacked)]
    free = plane.free
    tallest = max(result.layers)
    return {
        "xaxis": {"domain": map_x, "range": AXIS_RANGE, "title": f"{CHANNELS[free[0]]} (0-255)"},
        "yaxis": {"domain": map_y, "range": AXIS_RANGE, "title": f"{CHANNELS[free[1]]} (0-255)"},
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
        ("Error", (loss_x[0] + loss_x[1]) / 2, loss_y[1]),
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
            }
        )
    return headers
