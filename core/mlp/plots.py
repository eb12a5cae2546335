"""Plotly figures and LaTeX for the "Train the MLP" page: loss, weights, network, decisions."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from core.mlp.drawing import (
    AXIS_RANGE,
    CHANNELS,
    EDGE_SCALE,
    edge_colour,
    edge_legend_traces,
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
from core.mlp.error import ERROR_TEXT, from_sum
from core.mlp.network import white_text
from core.plot_style import NEGATIVE, POSITIVE, style, under_toolbar
from core.plot_style import hex_colour as to_hex


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
    low, high, scale = neuron_range(activation, [outputs])
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
