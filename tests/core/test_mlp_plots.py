"""The training charts read on a projector and a phone: ticks, headers, widths, points."""

import numpy as np
import pytest

from core.mlp import MLP, drawing, train
from core.mlp import plots as mlp_plots
from core.mlp.compare import iterations_to_reach, run_summary
from core.mlp.data import training_set
from core.mlp.drawing import Slice

X_DOC, Y_DOC = training_set()
PHONE = 390  # px wide
CHAR = 0.6  # a character's width, in font sizes: a generous average for Plotly's sans-serif


def ticks_inside(fig, values):
    ticks = fig.layout.yaxis.tickvals
    return [t for t in ticks if min(values) <= t <= max(values)] if ticks else []


def test_a_nearly_flat_error_curve_still_has_labelled_ticks():
    run = train(X_DOC, Y_DOC, learning_rate=0.01, iterations=10_000, engine="xla")
    assert run.losses.max() / run.losses.min() < 1.1  # flat: inside one decade
    fig = mlp_plots.compare_figure(("lr 0.01", run.losses), [])
    assert len(ticks_inside(fig, run.losses / 2)) >= 2  # drawn: Error_total, half the sum
    np.testing.assert_allclose(fig.data[0].y, run.losses[fig.data[0].x] / 2)
    assert fig.layout.yaxis.title.text == "error  ½·Σ(output − expected)²"


@pytest.mark.parametrize("low, high", [(2.397, 2.53), (1e-5, 2.5), (0.3, 2.5), (3.99, 4.0)])
def test_log_ticks_label_any_range(low, high):
    ticks = drawing.log_ticks(np.array([low, high]))
    assert len([t for t in ticks if low <= t <= high]) >= 2


def test_column_headers_fit_five_columns_on_a_phone():
    layers = (3, 8, 8, 8, 1)
    fig = mlp_plots.network_diagram(layers, MLP(layers).weights)
    headers = [a.text for a in fig.layout.annotations if a.text.startswith("<b>")]
    assert len(headers) == 5
    column = (PHONE - 90) / len(layers)  # margins off, one column per layer
    for header in headers:
        longest = max(
            len(line) for line in header.replace("<b>", "").replace("</b>", "").split("<br>")
        )
        assert longest * CHAR * 15 <= column, header


def test_edge_widths_do_not_depend_on_the_largest_weight_of_the_run():
    small, large = MLP(seed=0).weights, MLP(seed=0).weights
    for W in (small[0], large[0]):
        W[0, 0] = 1.0
    large[2][0, 0] = 40.0  # one huge weight elsewhere must not thin the others
    widths = [
        next(
            t.line.width
            for t in mlp_plots.network_diagram((3, 5, 2, 1), weights).data
            if t.hovertemplate and t.hovertemplate.startswith("W1[1,1]")
        )
        for weights in (small, large)
    ]
    assert widths[0] == widths[1] == pytest.approx(drawing.edge_width(1.0))
    legend = [t.name for t in mlp_plots.network_diagram((3, 5, 2, 1), small).data if t.name]
    assert f"|w| = {drawing.EDGE_SCALE:g}+" in legend  # the scale is in the legend


def test_the_sweep_legend_sits_below_the_plot_not_over_its_title():
    rates = np.array([0.01, 0.1, 1.0])
    fig = mlp_plots.sweep_figure(rates, np.array([1.0, 0.1, 0.01]), np.array([1, 0.1, 0.01]), 0.1)
    assert fig.layout.legend.y < 0 and fig.layout.legend.yanchor == "top"


@pytest.mark.parametrize("channel", [0, 1, 2])
def test_every_training_colour_is_visible_on_the_decision_map(channel):
    axis, colours = Slice(channel, 0.5).colours(8)
    outputs = MLP().forward_pass(colours)[1][0][0].reshape(8, 8)  # a hidden neuron, large
    fig = mlp_plots.neuron_map(axis, outputs, channel, X_DOC, Y_DOC, "sigmoid", "Neuron 1")
    points = next(t for t in fig.data if t.name == "training colours")
    xy = np.column_stack([points.x, points.y])
    gaps = np.linalg.norm(xy[:, None] - xy[None], axis=-1)[np.triu_indices(len(xy), 1)]
    assert gaps.min() >= 8  # #00ff00 no longer hides under #00ffff (same red and green)
    low, high = fig.layout.xaxis.range
    marker_room = 9 * 285 / 500  # 18 px marker on a ~500 px plot of 285 units
    assert xy.min() - marker_room >= low and xy.max() + marker_room <= high
    assert points.cliponaxis is False


def test_weight_numbers_fit_their_cells_on_a_phone():
    W = np.full((8, 9), -0.52)  # the widest matrix: 8 inputs and a bias
    fig = mlp_plots.weight_heatmap(W, 2, compact=True)
    cell = (PHONE - 32 - fig.layout.margin.l - fig.layout.margin.r) / W.shape[1]
    assert len("-0.52") * CHAR * fig.data[0].textfont.size <= cell
    assert len(fig.layout.title.text) * CHAR * fig.layout.title.font.size <= PHONE - 32


def test_the_compare_chart_labels_every_run():
    a, b = np.geomspace(2, 0.01, 100), np.geomspace(2, 0.5, 100)
    fig = mlp_plots.compare_figure(("lr 0.2", a), [("lr 0.05", b)])
    assert [t.name for t in fig.data] == ["now: lr 0.2", "pinned: lr 0.05"]


def test_run_summary_counts_iterations_to_reach_a_target():
    losses = np.array([3.0, 2.0, 0.5, 0.05, 0.2])
    assert iterations_to_reach(losses, 0.5) == 2
    assert iterations_to_reach(losses, 0.01) is None
    assert run_summary(losses, 0.1) == {
        "final error": 0.2,
        "minimum error": 0.05,
        "minimum at iteration": 3,
        "iterations to reach target": 3,
    }
    with pytest.raises(ValueError, match="target"):
        iterations_to_reach(losses, 0.0)


def test_chart_titles_fit_a_phone():
    run = train(X_DOC, Y_DOC, iterations=200)
    axis, colours = Slice(2, 0.5).colours(8)
    outputs = MLP().forward_pass(colours)[1][0][0].reshape(8, 8)
    title = "Neuron 1 of hidden layer 1<br><sup>at iteration 200,000</sup>"
    rates = np.array([0.1, 1.0])
    figures = [
        mlp_plots.weight_heatmap(run.weights[0], 1, compact=True),
        mlp_plots.weights_over_time(run.snapshot_iterations, run.snapshots),
        mlp_plots.network_diagram(run.layers, run.weights),
        mlp_plots.neuron_map(axis, outputs, 2, X_DOC, Y_DOC, "sigmoid", title),
        mlp_plots.sweep_figure(rates, rates, rates, 0.1),
        mlp_plots.compare_figure(("now", run.losses), []),
    ]
    for fig in figures:
        size = fig.layout.title.font.size
        first_line = fig.layout.title.text.split("<br>")[0]
        assert len(first_line) * CHAR * size <= PHONE - 32 - 20, first_line


def test_the_sweep_marks_the_current_rate_where_it_is():
    rates = np.geomspace(0.001, 100, 11)
    fig = mlp_plots.sweep_figure(rates, rates, rates, 0.2)
    note = next(a for a in fig.layout.annotations if a.text == "current 0.2")
    assert 10**note.x == pytest.approx(0.2) and fig.layout.shapes[0].x0 == 0.2
