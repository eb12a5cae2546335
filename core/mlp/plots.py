"""Plotly figures and LaTeX for the "Train the MLP" page: loss, weights, network, decisions."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from core.mlp.error import ERROR_TEXT, from_sum
from core.mlp.network import DECISION_THRESHOLD, white_text
from core.plot_style import BLACK_TEXT, NEGATIVE, POSITIVE, WHITE_TEXT, style, under_toolbar
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


def weight_labels(W: np.ndarray, layer: int, input_names: Sequence[str] | None = None):
    """Row and column labels of weight matrix W_layer (1-based layer number)."""
    n_out, n_in = W.shape[0], W.shape[1] - 1
    if input_names is None:
        input_names = [f"a{j + 1}" for j in range(n_in)]
    rows = [f"{i + 1}" for i in range(n_out)]
    columns = [*input_names, "bias"]
    return rows, columns


def weight_heatmap(
    W: np.ndarray, layer: int, limit: float | None = None, compact: bool = False
) -> go.Figure:
    """One weight matrix W_layer as an annotated heatmap, bias column last.

    One figure per matrix, so that the page can set them side by side on a wide screen and
    one under another on a phone, each as wide as the screen allows.

    Args:
        W: (n_out, n_in + 1).
        layer: its 1-based number.
        limit: the colour scale runs from -limit to +limit (shared by a page's matrices).
        compact: small type and margins, so a 9-column matrix fits a 390 px phone.
    """
    W = np.asarray(W, dtype=np.float64)
    if W.ndim != 2 or W.shape[1] < 2:
        raise ValueError(f"expected a weight matrix of shape (n_out, n_in + 1), got {W.shape}")
    limit = limit or float(np.abs(W).max()) or 1.0
    names = ["R", "G", "B"] if layer == 1 and W.shape[1] == 4 else None
    rows, columns = weight_labels(W, layer, names)
    fig = go.Figure(
        go.Heatmap(
            z=W,
            x=columns,
            y=rows,
            zmin=-limit,
            zmax=limit,
            colorscale=[[0, NEGATIVE], [0.5, "#f7f7f7"], [1, POSITIVE]],
            text=np.vectorize(lambda v: f"{v:.1f}" if abs(v) >= 10 else f"{v:.2f}")(W),
            texttemplate="%{text}",
            textfont={"size": HEATMAP_TEXT[compact]},
            showscale=False,
            hovertemplate=f"W{layer}" + " neuron %{y} ← %{x}: %{z:.4f}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", title="neuron", type="category")
    fig.update_xaxes(title="from", type="category", tickangle=0)
    style(fig, f"W{layer}  ({W.shape[0]}×{W.shape[1]})", height=150 + 42 * W.shape[0])
    left = 40 if compact else 60
    fig.update_layout(margin={"l": left, "r": 4 if compact else 10, "t": 50, "b": 50})
    return under_toolbar(fig)


HEATMAP_TEXT = {False: 15, True: 11}  # compact: "-0.52" fits a 9-column matrix on a phone


def weights_over_time(iterations: np.ndarray, snapshots: Sequence[np.ndarray]) -> go.Figure:
    """Every weight against the iteration, one colour family per matrix."""
    fig = go.Figure()
    palette = ["#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]
    for k, history in enumerate(snapshots):
        n_out, n_cols = history.shape[1:]
        for i in range(n_out):
            for j in range(n_cols):
                label = f"W{k + 1}[{i + 1},{'bias' if j == n_cols - 1 else j + 1}]"
                fig.add_trace(
                    go.Scatter(
                        x=iterations,
                        y=history[:, i, j],
                        mode="lines",
                        name=label,
                        legendgroup=f"W{k + 1}",
                        legendgrouptitle_text=f"W{k + 1}",
                        line={
                            "width": 2,
                            "color": palette[k % len(palette)],
                            "dash": "dot" if j == n_cols - 1 else "solid",
                        },
                        hovertemplate=label + "<br>iteration %{x:,}: %{y:.4f}<extra></extra>",
                    )
                )
    fig.update_xaxes(title="iteration")
    fig.update_yaxes(title="weight value")
    return under_toolbar(
        style(fig, "Weights during training<br><sup>dotted: biases</sup>", height=480)
    )


EDGE_SCALE = 5.0  # |weight| drawn at full width; one fixed scale for every run and frame
EDGE_LEGEND = (0.5, 2.0, EDGE_SCALE)


def edge_width(w: float | np.ndarray) -> float | np.ndarray:
    """Line width of an edge: 1 px at 0, growing with |w| up to 10 px at EDGE_SCALE and beyond."""
    return 1 + 9 * np.minimum(np.abs(w), EDGE_SCALE) / EDGE_SCALE


def edge_colour(w: float) -> str:
    return POSITIVE if w >= 0 else NEGATIVE


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
                        line={"color": edge_colour(W[i, j]), "width": edge_width(W[i, j])},
                        opacity=0.85,
                        showlegend=False,
                        hovertemplate=f"W{k + 1}[{i + 1},{j + 1}] = {W[i, j]:.4f}<extra></extra>",
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


def bias_labels(fig: go.Figure, column, biases: np.ndarray) -> None:
    """Each neuron's bias written under it, as TensorFlow Playground shows it."""
    for (x_pos, y_pos), bias in zip(column, biases, strict=True):
        fig.add_annotation(
            x=x_pos,
            y=y_pos - 0.43,
            text=f"b {bias:+.2f}",
            showarrow=False,
            font={"size": 13, "color": edge_colour(bias)},
            bgcolor="rgba(255,255,255,0.85)",
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


def diagram_frame(fig: go.Figure, layers: Sequence[int]) -> go.Figure:
    """Headers over the columns, hidden axes, the legend below; returns the figure."""
    tallest = max(layers)
    for x, title in enumerate(layer_titles(layers)):
        fig.add_annotation(
            x=x,
            y=(tallest - 1) / 2 + 0.8,
            text=f"<b>{title}</b>",
            showarrow=False,
            font={"size": 15},
        )
    fig.update_xaxes(visible=False, range=[-0.45, len(layers) - 0.55])
    fig.update_yaxes(visible=False, range=[-(tallest - 1) / 2 - 0.75, (tallest - 1) / 2 + 1.15])
    fig.update_layout(legend={"orientation": "h", "y": -0.02, "yanchor": "top", "x": 0})
    return fig


def network_diagram(layers: Sequence[int], weights: Sequence[np.ndarray]) -> go.Figure:
    """Neurons as circles, weights as edges: colour is the sign, width |weight| on a fixed scale.

    Each neuron's bias is written under it, as TensorFlow Playground shows it.
    """
    positions = layer_positions(layers)
    fig = go.Figure(edge_traces(weights, positions))
    for x, (column, names) in enumerate(zip(positions, neuron_names(layers), strict=True)):
        biases = weights[x - 1][:, -1] if x > 0 else None
        fig.add_trace(neuron_trace(column, names, biases))
        if biases is not None:
            bias_labels(fig, column, biases)
    fig.add_traces(edge_legend_traces())
    diagram_frame(fig, layers)
    title = f"The network<br><sup>edge width: |weight|, full at {EDGE_SCALE:g}</sup>"
    return under_toolbar(style(fig, title, height=260 + 75 * max(layers)))


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


def predictions_table(
    names: Sequence[str], colours: np.ndarray, expected: np.ndarray, outputs: np.ndarray
) -> go.Figure:
    """Swatch with sample text, expected, output and right/wrong for each colour."""
    rgb = [tuple(int(round(v)) for v in c) for c in np.asarray(colours) * 255]
    hexes = [to_hex(c) for c in rgb]
    expected = np.ravel(expected).astype(int)
    outputs = np.ravel(outputs)
    chosen = white_text(outputs).astype(int)
    right = chosen == expected
    text_colour = ["#ffffff" if c else "#000000" for c in chosen]
    cells = [
        [f"{n}<br>{h}" for n, h in zip(names, hexes, strict=True)],
        ["white" if e else "black" for e in expected],
        [f"{o:.3f}" for o in outputs],
        ["✔ right" if r else "✘ wrong" for r in right],
    ]
    fig = go.Figure(
        go.Table(
            header={
                "values": [
                    "<b>colour (text as the network picks)</b>",
                    "<b>expected</b>",
                    "<b>output P(white)</b>",
                    "<b>verdict</b>",
                ],
                "font": {"size": 16},
                "fill_color": "#e9ecef",
                "align": "left",
                "height": 36,
            },
            cells={
                "values": cells,
                "fill_color": [
                    hexes,
                    "#ffffff",
                    "#ffffff",
                    ["#d3f9d8" if r else "#ffe3e3" for r in right],
                ],
                "font": {"size": 16, "color": [text_colour, "#111", "#111", "#111"]},
                "align": "left",
                "height": 52,
            },
            columnwidth=[2.2, 1, 1.2, 1],
        )
    )
    fig.update_layout(margin={"l": 5, "r": 5, "t": 5, "b": 5}, height=50 + 56 * len(names))
    return fig


def sweep_figure(
    learning_rates: np.ndarray, final_losses: np.ndarray, best_losses: np.ndarray, current: float
) -> go.Figure:
    """Final and best Error_total against the learning rate, the current rate marked.

    The losses are the training loop's sums of squares (a sweep's ``final_losses``).
    """
    final_losses, best_losses = from_sum(final_losses), from_sum(best_losses)
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=learning_rates,
            y=final_losses,
            mode="lines+markers",
            name="final error",
            line={"width": 3, "color": POSITIVE},
            marker={"size": 9},
            hovertemplate="learning rate %{x:.4g}<br>final error %{y:.3e}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=learning_rates,
            y=best_losses,
            mode="lines",
            name="best error on the way",
            line={"width": 2, "color": NEGATIVE, "dash": "dot"},
            hovertemplate="learning rate %{x:.4g}<br>best error %{y:.3e}<extra></extra>",
        )
    )
    fig.add_vline(x=current, line={"color": "#555", "dash": "dash", "width": 2})
    fig.add_annotation(  # on a log axis an annotation's x is log10 of the value
        x=float(np.log10(current)),
        y=1,
        yref="paper",
        yanchor="bottom",
        xanchor="left",
        text=f"current {current:g}",
        showarrow=False,
        font={"size": 15},
    )
    fig.update_xaxes(title="learning rate", type="log")
    fig.update_yaxes(
        title=f"error after training  {ERROR_TEXT}", type="log", exponentformat="power"
    )
    fig.update_yaxes(tickvals=log_ticks(np.concatenate([final_losses, best_losses])))
    fig.update_layout(legend={"orientation": "h", "y": -0.22, "yanchor": "top", "x": 0})
    title = "Learning-rate sweep<br><sup>same start, same iterations</sup>"
    return under_toolbar(style(fig, title, height=480))


COMPARE_COLOURS = ("#2f9e44", "#9c36b5", "#e8590c", "#1098ad", "#c2255c")


def compare_figure(
    current: tuple[str, np.ndarray], pinned: Sequence[tuple[str, np.ndarray]], log_y: bool = True
) -> go.Figure:
    """The current run's error curve with the pinned runs beside it, each labelled.

    Args:
        current: (label, losses) of the run on the page, drawn thick.
        pinned: (label, losses) of up to five pinned runs, drawn dashed.
        log_y: log error axis.

    The losses are the training loop's sums of squares; the curves are Error_total.
    """
    fig = go.Figure()
    curves = [(f"now: {current[0]}", from_sum(current[1]), POSITIVE, "solid", 4)]
    curves += [
        (f"pinned: {label}", from_sum(losses), COMPARE_COLOURS[k % len(COMPARE_COLOURS)], "dash", 3)
        for k, (label, losses) in enumerate(pinned)
    ]
    for label, losses, colour, dash, width in curves:
        index = thin(len(losses))
        fig.add_trace(
            go.Scatter(
                x=index,
                y=np.asarray(losses)[index],
                mode="lines",
                name=label,
                line={"color": colour, "dash": dash, "width": width},
                hovertemplate=label + "<br>iteration %{x:,}: error %{y:.3e}<extra></extra>",
            )
        )
    fig.update_xaxes(title="iteration")
    fig.update_yaxes(title=f"error  {ERROR_TEXT}", type="log" if log_y else "linear")
    if log_y:
        every = np.concatenate([np.asarray(losses) for _, losses, *_ in curves])
        fig.update_yaxes(tickvals=log_ticks(every), exponentformat="power")
    fig.update_layout(legend={"orientation": "h", "y": -0.22, "yanchor": "top", "x": 0})
    return under_toolbar(
        style(fig, "Error over training<br><sup>this run and the pinned ones</sup>", height=520)
    )


def neuron_map(
    axis: np.ndarray,
    outputs: np.ndarray,
    channel: int,
    colours: np.ndarray,
    labels: np.ndarray,
    activation: str,
    title: str,
) -> go.Figure:
    """One hidden neuron's output over an RGB plane, large, with the training colours on it."""
    free = [c for c in range(3) if c != channel]
    if activation == "tanh":
        low, high, scale = -1.0, 1.0, [[0, NEGATIVE], [0.5, "#f7f7f7"], [1, POSITIVE]]
    else:
        low, high = 0.0, 1.0 if activation == "sigmoid" else max(float(np.max(outputs)), 1e-9)
        scale = [[0, "#f7f7f7"], [1, POSITIVE]]
    heatmap = go.Heatmap(
        x=axis * 255,
        y=axis * 255,
        z=outputs,
        zmin=low,
        zmax=high,
        colorscale=scale,
        colorbar={"title": f"{activation}<br>output"},
        hovertemplate=f"{CHANNELS[free[0]]} %{{x:.0f}}, {CHANNELS[free[1]]} %{{y:.0f}}"
        "<br>output %{z:.3f}<extra></extra>",
    )
    fig = go.Figure([heatmap, training_points(colours, labels, free), *training_legend()])
    fig.update_xaxes(title=f"{CHANNELS[free[0]]} (0-255)", range=AXIS_RANGE)
    fig.update_yaxes(title=f"{CHANNELS[free[1]]} (0-255)", range=AXIS_RANGE)
    fig.update_layout(legend={"orientation": "h", "y": -0.2, "yanchor": "top", "x": 0})
    return under_toolbar(style(fig, title, height=600))
