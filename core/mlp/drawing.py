"""What the still figures and the film draw alike, written once.

- the error curve's axis: ``thin`` (at most ``MAX_POINTS`` per line) and ``log_ticks``;
- the network: neurons' positions and names, each edge's colour, width and hover
  (``edge_style``), the edge legend;
- the RGB plane (``Slice``, one channel held fixed): its channels and axis range, the
  output's grey scale, the training colours drawn as circles (white text) and squares
  (black text), spread apart where they overlap;
- a hidden neuron's colour range, from its activation's range (``neuron_range``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from core.mlp.activations import activation
from core.mlp.network import DECISION_THRESHOLD
from core.plot_style import BLACK_TEXT, NEGATIVE, POSITIVE, WHITE_TEXT
from core.plot_style import hex_colour as to_hex

MAX_POINTS = 2_000  # points per line: enough for the eye, light for the browser
CHANNELS = ("red", "green", "blue")


def thin(length: int, keep: int | None = None) -> np.ndarray:
    """Indices of at most MAX_POINTS evenly spaced samples of 0..length-1, ends and `keep` kept."""
    index = np.unique(np.linspace(0, length - 1, min(length, MAX_POINTS)).round().astype(int))
    if keep is not None:
        index = np.union1d(index, [keep])
    return index


def log_ticks(values: np.ndarray) -> list[float]:
    """Tick values for a log axis over these values, at least two inside their range.

    Powers of ten when the values span decades; finer 1-2-5 steps, then rounded values in
    between, when they do not, so a nearly flat curve (a tiny learning rate) still has labels.
    """
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v) & (v > 0)]
    if v.size == 0:
        return [1.0]
    low, high = float(v.min()), float(v.max())
    decades = np.arange(np.floor(np.log10(low)), np.ceil(np.log10(high)) + 1)
    for mantissas in ((1,), (1, 2, 5), (1, 1.5, 2, 3, 5, 7), np.arange(1, 10, 0.5)):
        ticks = [float(m * 10.0**d) for d in decades for m in mantissas]
        inside = [t for t in ticks if low <= t <= high]
        if len(inside) >= 3 or (len(inside) >= 2 and len(mantissas) == 1):
            return inside
    if high / low < 1.0001:  # flat: one label at the value
        return [float(f"{low:.3g}")]
    return sorted({float(f"{t:.3g}") for t in np.geomspace(low, high, 4)})


EDGE_SCALE = 5.0  # |weight| drawn at full width; one fixed scale for every run and frame
EDGE_LEGEND = (0.5, 2.0, EDGE_SCALE)


def edge_width(w: float | np.ndarray) -> float | np.ndarray:
    """Line width of an edge: 1 px at 0, growing with |w| up to 10 px at EDGE_SCALE and beyond."""
    return 1 + 9 * np.minimum(np.abs(w), EDGE_SCALE) / EDGE_SCALE


def edge_colour(w: float) -> str:
    return POSITIVE if w >= 0 else NEGATIVE


def edge_style(k: int, i: int, j: int, w: float) -> dict:
    """The line and hover of edge W{k+1}[i+1, j+1] of weight w: in the still diagram and in
    every frame of the film alike."""
    return {
        "line": {"color": edge_colour(w), "width": float(edge_width(w))},
        "hovertemplate": f"W{k + 1}[{i + 1},{j + 1}] = {w:.4f}<extra></extra>",
    }


def layer_positions(layers: Sequence[int]) -> list[list[tuple[float, float]]]:
    """(x, y) of every neuron: layer k at x = k, each layer centred on y = 0, neuron 1 on top."""
    return [[(x, (n - 1) / 2 - j) for j in range(n)] for x, n in enumerate(layers)]


def layer_titles(layers: Sequence[int]) -> list[str]:
    """Column headers on two short lines, so five columns fit side by side on a phone."""
    hidden = [f"hidden<br>{k}" for k in range(1, len(layers) - 1)]
    return ["input<br> ", *hidden, "output<br> "]


def neuron_names(layers: Sequence[int]) -> list[list[str]]:
    """Labels of the neurons: R, G, B (or x1, x2, ...), a_j^k for hidden ones, out."""
    first = ["R", "G", "B"] if layers[0] == 3 else [f"x{j + 1}" for j in range(layers[0])]
    names = [first]
    for x, n in enumerate(layers[1:], start=1):
        if x < len(layers) - 1:
            names.append([f"a<sub>{j + 1}</sub><sup>{x}</sup>" for j in range(n)])
        else:
            names.append(["out"] if n == 1 else [f"out {j + 1}" for j in range(n)])
    return names


def edge_traces(weights: Sequence[np.ndarray], positions) -> list[go.Scatter]:
    """One line per weight (bias excluded): colour is the sign, width follows ``edge_width``."""
    traces = []
    for k, W in enumerate(weights):
        for i in range(W.shape[0]):
            for j in range(W.shape[1] - 1):
                (x0, y0), (x1, y1) = positions[k][j], positions[k + 1][i]
                traces.append(
                    go.Scatter(
                        x=[x0, (x0 + x1) / 2, x1],
                        y=[y0, (y0 + y1) / 2, y1],
                        mode="lines",
                        opacity=0.85,
                        showlegend=False,
                        **edge_style(k, i, j, W[i, j]),
                    )
                )
    return traces


def neuron_trace(column, names: list[str], biases: np.ndarray | None) -> go.Scatter:
    """The neurons of one layer as labelled circles; the hover names the bias."""
    hover = [
        name + ("" if biases is None else f"<br>bias {biases[j]:.4f}")
        for j, name in enumerate(names)
    ]
    return go.Scatter(
        x=[p[0] for p in column],
        y=[p[1] for p in column],
        mode="markers+text",
        marker={"size": 42, "color": "#ffffff", "line": {"width": 3, "color": "#444"}},
        text=names,
        textfont={"size": 16},
        hovertext=hover,
        hoverinfo="text",
        showlegend=False,
    )


def edge_legend_traces() -> list[go.Scatter]:
    """Legend entries: the two signs, and the fixed width scale at a few |weight| values."""
    entries = [("positive weight", POSITIVE, 6), ("negative weight", NEGATIVE, 6)]
    entries += [
        (f"|w| = {w:g}{'+' if w == EDGE_SCALE else ''}", "#666", edge_width(w)) for w in EDGE_LEGEND
    ]
    return [
        go.Scatter(
            x=[None], y=[None], mode="lines", name=name, line={"color": colour, "width": width}
        )
        for name, colour, width in entries
    ]


OUTPUT_SCALE = [[0, "#111111"], [0.5, "#9a9a9a"], [1, "#ffffff"]]
AXIS_RANGE = (-18.0, 273.0)  # room around 0-255 so points on the edge are drawn whole
SPREAD = 10.0  # colours that land on the same spot are set this far apart, around it


def output_heatmap(axis: np.ndarray, outputs: np.ndarray, free: list[int]) -> go.Heatmap:
    """The network's output over the plane, black (0) to white (1)."""
    return go.Heatmap(
        x=axis * 255,
        y=axis * 255,
        z=outputs,
        zmin=0,
        zmax=1,
        colorscale=OUTPUT_SCALE,
        colorbar={
            "title": "output",
            "tickvals": [0, 0.5, 1],
            "ticktext": ["0 black text", "0.5", "1 white text"],
        },
        hovertemplate=f"{CHANNELS[free[0]]} %{{x:.0f}}, {CHANNELS[free[1]]} %{{y:.0f}}"
        "<br>P(white text) = %{z:.3f}<extra></extra>",
    )


def boundary_contour(axis: np.ndarray, outputs: np.ndarray) -> go.Contour:
    """The decision boundary, where the output crosses DECISION_THRESHOLD."""
    return go.Contour(
        x=axis * 255,
        y=axis * 255,
        z=outputs,
        contours={"start": DECISION_THRESHOLD, "end": DECISION_THRESHOLD, "coloring": "none"},
        line={"width": 3, "color": "#e03131", "dash": "dash"},
        showscale=False,
        name=f"boundary {DECISION_THRESHOLD:g}",
        hoverinfo="skip",
        showlegend=True,
    )


def spread_points(points: np.ndarray, distance: float = SPREAD) -> np.ndarray:
    """Move points that share a spot apart, around it, so none hides another.

    Args:
        points: (n, 2) positions.
        distance: how far from the shared spot each of them is drawn.

    Returns:
        (n, 2) positions; points alone on their spot are not moved.
    """
    points = np.asarray(points, dtype=np.float64).copy()
    spots: dict[tuple, list[int]] = {}
    for i, (x, y) in enumerate(np.round(points / (distance / 2))):
        spots.setdefault((x, y), []).append(i)
    for members in spots.values():
        if len(members) > 1:
            angles = np.pi / 4 + 2 * np.pi * np.arange(len(members)) / len(members)
            points[members] += distance * np.column_stack([np.cos(angles), np.sin(angles)])
    return points


# The training colours' shapes and outlines by label: circle for white text, square for black.
TRAINING_SYMBOLS = {True: "circle", False: "square"}
TRAINING_OUTLINES = {True: WHITE_TEXT, False: BLACK_TEXT}
TRAINING_NAMES = {True: "training colour, white text (1)", False: "training colour, black text (0)"}


def training_legend() -> list[go.Scatter]:
    """Legend entries for the training colours: circle = white text, square = black text."""
    return [
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            name=TRAINING_NAMES[white],
            marker={
                "size": 16,
                "symbol": TRAINING_SYMBOLS[white],
                "color": "#d0d0d0",  # a neutral fill: each point is filled with its own colour
                "line": {"width": 3, "color": TRAINING_OUTLINES[white]},
            },
            hoverinfo="skip",
        )
        for white in (True, False)
    ]


def training_points(colours: np.ndarray, labels: np.ndarray, free: list[int]) -> go.Scatter:
    """The training colours at their two free channels, filled with their own colour."""
    rgb = np.asarray(colours) * 255
    labels = np.ravel(labels)
    xy = spread_points(rgb[:, free])
    return go.Scatter(
        x=xy[:, 0],
        y=xy[:, 1],
        mode="markers",
        name="training colours",
        cliponaxis=False,
        marker={
            "size": 18,
            "color": [to_hex(tuple(int(round(v)) for v in c)) for c in rgb],
            "line": {"width": 3, "color": [TRAINING_OUTLINES[bool(t)] for t in labels]},
            "symbol": [TRAINING_SYMBOLS[bool(t)] for t in labels],
        },
        showlegend=False,  # its two shapes have their own entries: ``training_legend``
        customdata=np.column_stack([rgb, labels]),
        hovertemplate="rgb(%{customdata[0]:.0f}, %{customdata[1]:.0f}, %{customdata[2]:.0f})"
        "<br>expected: %{customdata[3]:.0f} (1 = white)<extra></extra>",
    )


def neuron_range(name: str, maps: Sequence[np.ndarray]) -> tuple[float, float, list]:
    """Colour range and scale of hidden neurons' maps: the activation's own range, or up to
    the largest output where it has no top (relu); two-sided around 0 where it goes below."""
    entry = activation(name)
    high = entry.high
    if high is None:
        high = max(1e-9, max(float(np.max(m)) for m in maps))
    if entry.low < 0:
        return entry.low, high, [[0, NEGATIVE], [0.5, "#f7f7f7"], [1, POSITIVE]]
    return entry.low, high, [[0, "#f7f7f7"], [1, POSITIVE]]


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
