"""Plotly figures and LaTeX for the "Train the MLP" page: loss, weights, network, decisions."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.mlp.network import white_text
from core.plot_style import BLACK_TEXT, NEGATIVE, POSITIVE, WHITE_TEXT, style
from core.plot_style import hex_colour as to_hex

MAX_POINTS = 2_000  # points per line: enough for the eye, light for the browser
CHANNELS = ("red", "green", "blue")


def thin(length: int, keep: int | None = None) -> np.ndarray:
    """Indices of at most MAX_POINTS evenly spaced samples of 0..length-1, ends and `keep` kept."""
    index = np.unique(np.linspace(0, length - 1, min(length, MAX_POINTS)).round().astype(int))
    if keep is not None:
        index = np.union1d(index, [keep])
    return index


def loss_figure(losses: np.ndarray, best_iteration: int, log_y: bool = True) -> go.Figure:
    """The error at every iteration, with the minimum marked."""
    index = thin(len(losses), best_iteration)
    fig = go.Figure(
        go.Scatter(
            x=index,
            y=losses[index],
            mode="lines",
            line={"width": 3, "color": POSITIVE},
            name="error",
            hovertemplate="iteration %{x:,}<br>error %{y:.3e}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[best_iteration],
            y=[losses[best_iteration]],
            mode="markers",
            marker={"size": 14, "color": NEGATIVE, "symbol": "star"},
            name=f"minimum at iteration {best_iteration:,}",
            hovertemplate="minimum error %{y:.3e}<br>at iteration %{x:,}<extra></extra>",
        )
    )
    fig.update_xaxes(title="iteration")
    fig.update_yaxes(title="error  Σ(output − expected)²", type="log" if log_y else "linear")
    if log_y:
        fig.update_yaxes(dtick=1, exponentformat="power")
    fig.update_layout(
        legend={"x": 0.98, "xanchor": "right", "y": 0.98, "bgcolor": "rgba(255,255,255,0.8)"}
    )
    return style(fig, "Error over training", height=420)


def weight_labels(W: np.ndarray, layer: int, input_names: Sequence[str] | None = None):
    """Row and column labels of weight matrix W_layer (1-based layer number)."""
    n_out, n_in = W.shape[0], W.shape[1] - 1
    if input_names is None:
        input_names = [f"a{j + 1}" for j in range(n_in)]
    rows = [f"{i + 1}" for i in range(n_out)]
    columns = [*input_names, "bias"]
    return rows, columns


def weight_heatmaps(weights: Sequence[np.ndarray]) -> go.Figure:
    """Every weight matrix as an annotated heatmap, bias column labelled, one shared scale."""
    limit = max(float(np.abs(W).max()) for W in weights) or 1.0
    fig = make_subplots(
        rows=1,
        cols=len(weights),
        column_widths=[W.shape[1] for W in weights],
        subplot_titles=[f"W{k + 1}  ({W.shape[0]}×{W.shape[1]})" for k, W in enumerate(weights)],
        horizontal_spacing=0.06,
    )
    for k, W in enumerate(weights):
        names = ["R", "G", "B"] if k == 0 and W.shape[1] == 4 else None
        rows, columns = weight_labels(W, k + 1, names)
        fig.add_trace(
            go.Heatmap(
                z=W,
                x=columns,
                y=rows,
                zmin=-limit,
                zmax=limit,
                colorscale=[[0, NEGATIVE], [0.5, "#f7f7f7"], [1, POSITIVE]],
                text=np.vectorize(lambda v: f"{v:.2f}")(W),
                texttemplate="%{text}",
                textfont={"size": 15},
                showscale=k == len(weights) - 1,
                colorbar={"title": "weight"},
                hovertemplate=f"W{k + 1}" + " %{y} ← %{x}: %{z:.4f}<extra></extra>",
            ),
            row=1,
            col=k + 1,
        )
        fig.update_yaxes(autorange="reversed", title=f"neuron of layer {k + 1}", row=1, col=k + 1)
        fig.update_xaxes(title="from", row=1, col=k + 1)
    height = 160 + 45 * max(W.shape[0] for W in weights)
    return style(fig, "Weight matrices (bias in the last column)", height=height)


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
    return style(fig, "Weights during training (dotted: biases)", height=480)


def network_diagram(layers: Sequence[int], weights: Sequence[np.ndarray]) -> go.Figure:
    """Neurons as circles, weights as edges: colour is the sign, width grows with |weight|.

    Each neuron's bias is written under it, as TensorFlow Playground shows it.
    """
    limit = max(float(np.abs(W[:, :-1]).max()) for W in weights) or 1.0
    tallest = max(layers)
    # Each layer centred on y = 0, neuron 1 on top.
    positions = [[(x, (n - 1) / 2 - j) for j in range(n)] for x, n in enumerate(layers)]
    fig = go.Figure()
    for k, W in enumerate(weights):
        for i in range(W.shape[0]):
            for j in range(W.shape[1] - 1):
                (x0, y0), (x1, y1) = positions[k][j], positions[k + 1][i]
                w = W[i, j]
                fig.add_trace(
                    go.Scatter(
                        x=[x0, (x0 + x1) / 2, x1],
                        y=[y0, (y0 + y1) / 2, y1],
                        mode="lines",
                        line={
                            "color": POSITIVE if w >= 0 else NEGATIVE,
                            "width": 1 + 9 * abs(w) / limit,
                        },
                        opacity=0.85,
                        showlegend=False,
                        hovertemplate=f"W{k + 1}[{i + 1},{j + 1}] = {w:.4f}<extra></extra>",
                    )
                )
    names = [["R", "G", "B"] if n == 3 else [f"x{j + 1}" for j in range(n)] for n in layers[:1]]
    for x, column in enumerate(positions):
        biases = weights[x - 1][:, -1] if x > 0 else None
        text = (
            names[0]
            if x == 0
            else [
                f"a<sub>{j + 1}</sub><sup>{x}</sup>" if x < len(layers) - 1 else "out"
                for j in range(len(column))
            ]
        )
        hover = [
            f"{text[j]}" + ("" if biases is None else f"<br>bias {biases[j]:.4f}")
            for j in range(len(column))
        ]
        fig.add_trace(
            go.Scatter(
                x=[p[0] for p in column],
                y=[p[1] for p in column],
                mode="markers+text",
                marker={"size": 42, "color": "#ffffff", "line": {"width": 3, "color": "#444"}},
                text=text,
                textfont={"size": 16},
                hovertext=hover,
                hoverinfo="text",
                showlegend=False,
            )
        )
        for (x_pos, y_pos), bias in zip(column, [] if biases is None else biases, strict=False):
            fig.add_annotation(
                x=x_pos,
                y=y_pos - 0.43,
                text=f"b {bias:+.2f}",
                showarrow=False,
                font={"size": 13, "color": POSITIVE if bias >= 0 else NEGATIVE},
                bgcolor="rgba(255,255,255,0.85)",
            )
    titles = ["input", *[f"hidden {k}" for k in range(1, len(layers) - 1)], "output"]
    for x, title in enumerate(titles):
        fig.add_annotation(
            x=x,
            y=(tallest - 1) / 2 + 0.65,
            text=f"<b>{title}</b>",
            showarrow=False,
            font={"size": 15},
        )
    for name, colour in (("positive weight", POSITIVE), ("negative weight", NEGATIVE)):
        fig.add_trace(
            go.Scatter(
                x=[None], y=[None], mode="lines", name=name, line={"color": colour, "width": 6}
            )
        )
    fig.update_xaxes(visible=False, range=[-0.4, len(layers) - 0.6])
    fig.update_yaxes(visible=False, range=[-(tallest - 1) / 2 - 0.75, (tallest - 1) / 2 + 0.9])
    fig.update_layout(legend={"orientation": "h", "y": -0.02, "x": 0})
    return style(fig, "The network (edge width = |weight|)", height=200 + 75 * tallest)


def output_slice(
    predict: Callable[[np.ndarray], np.ndarray], channel: int, value: float, resolution: int = 64
) -> tuple[np.ndarray, np.ndarray]:
    """The network's output over a plane of the RGB cube where one channel is held fixed.

    Args:
        predict: maps (n, 3) colours in [0, 1] to (n, 1) outputs.
        channel: the fixed channel, 0 = red, 1 = green, 2 = blue.
        value: its value in [0, 1].
        resolution: grid points per axis.

    Returns:
        The axis values (resolution,) and the outputs (resolution, resolution), rows along the
        second free channel, columns along the first.
    """
    if channel not in (0, 1, 2):
        raise ValueError(f"expected channel 0, 1 or 2, got {channel}")
    if not 0 <= value <= 1:
        raise ValueError(f"expected a channel value in [0, 1], got {value}")
    axis = np.linspace(0, 1, resolution)
    first, second = np.meshgrid(axis, axis)
    free = [c for c in range(3) if c != channel]
    colours = np.empty((resolution * resolution, 3))
    colours[:, channel] = value
    colours[:, free[0]] = first.ravel()
    colours[:, free[1]] = second.ravel()
    return axis, predict(colours).reshape(resolution, resolution)


def decision_map(
    axis: np.ndarray,
    outputs: np.ndarray,
    channel: int,
    value: float,
    colours: np.ndarray,
    labels: np.ndarray,
) -> go.Figure:
    """Heatmap of the output on one RGB plane, the 0.5 boundary, and the training colours."""
    free = [c for c in range(3) if c != channel]
    scale = axis * 255
    fig = go.Figure(
        go.Heatmap(
            x=scale,
            y=scale,
            z=outputs,
            zmin=0,
            zmax=1,
            colorscale=[[0, "#111111"], [0.5, "#9a9a9a"], [1, "#ffffff"]],
            colorbar={
                "title": "output",
                "tickvals": [0, 0.5, 1],
                "ticktext": ["0 black text", "0.5", "1 white text"],
            },
            hovertemplate=f"{CHANNELS[free[0]]} %{{x:.0f}}, {CHANNELS[free[1]]} %{{y:.0f}}"
            "<br>P(white text) = %{z:.3f}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Contour(
            x=scale,
            y=scale,
            z=outputs,
            contours={"start": 0.5, "end": 0.5, "coloring": "none"},
            line={"width": 3, "color": "#e03131", "dash": "dash"},
            showscale=False,
            name="boundary 0.5",
            hoverinfo="skip",
            showlegend=True,
        )
    )
    rgb = np.asarray(colours) * 255
    fig.add_trace(
        go.Scatter(
            x=rgb[:, free[0]],
            y=rgb[:, free[1]],
            mode="markers",
            name="training colours",
            marker={
                "size": 18,
                "color": [to_hex(tuple(int(round(v)) for v in c)) for c in rgb],
                "line": {
                    "width": 3,
                    "color": [WHITE_TEXT if t else BLACK_TEXT for t in np.ravel(labels)],
                },
                "symbol": ["circle" if t else "square" for t in np.ravel(labels)],
            },
            customdata=np.column_stack([rgb, np.ravel(labels)]),
            hovertemplate="rgb(%{customdata[0]:.0f}, %{customdata[1]:.0f}, %{customdata[2]:.0f})"
            "<br>expected: %{customdata[3]:.0f} (1 = white)<extra></extra>",
        )
    )
    fig.update_xaxes(title=f"{CHANNELS[free[0]]} (0-255)", range=[-5, 260])
    fig.update_yaxes(title=f"{CHANNELS[free[1]]} (0-255)", range=[-5, 260])
    fig.update_layout(legend={"orientation": "h", "y": -0.2, "yanchor": "top", "x": 0})
    title = f"Output with {CHANNELS[channel]} = {value * 255:.0f}  (circles: white expected)"
    return style(fig, title, height=620)


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
    """Final and best error against the learning rate, the current rate marked."""
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
    fig.add_vline(
        x=current,
        line={"color": "#555", "dash": "dash", "width": 2},
        annotation_text=f"current {current:g}",
        annotation_font_size=15,
    )
    fig.update_xaxes(title="learning rate", type="log")
    fig.update_yaxes(title="error after training", type="log", dtick=1, exponentformat="power")
    fig.update_layout(legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0})
    return style(fig, "Learning-rate sweep: same start, same iterations", height=440)
