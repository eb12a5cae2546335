"""The replay figure: its frames hold the run's own numbers, computed independently here."""

import base64
import io
import json
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image

from core.mlp import MLP, even_frames, log_frames, train
from core.mlp.data import training_set
from core.mlp.drawing import EDGE_SCALE, Slice, edge_width
from core.mlp.replay import replay_figure
from core.mlp.replay_controls import scrubber_frames, scrubber_labels
from core.mlp.replay_frames import MAP_RESOLUTION, replay_frames
from core.plot_style import BLACK_TEXT, WHITE_TEXT

X_DOC, Y_DOC = training_set()


def logistic(z):
    return 1 / (1 + np.exp(-z))


@pytest.fixture(scope="module")
def run():
    return train(X_DOC, Y_DOC, iterations=1_500, seed=3)


def test_frames_hold_the_weights_error_and_maps_of_their_iteration(run):
    plane = Slice(channel=0, value=0.25)
    frames = replay_frames(run, X_DOC, Y_DOC, plane, "log")
    np.testing.assert_array_equal(frames.iterations, log_frames(1_500))
    # The error of frame f is Error_total before step iterations[f] (the last: after all): half
    # the sum of squares the training loop records.
    inside = frames.iterations < 1_500
    np.testing.assert_allclose(frames.errors[inside], run.losses[frames.iterations[inside]] / 2)
    # The map, by hand: red held at 0.25, green along x, blue along y.
    f = 40
    W1, W2, W3 = (W[f] for W in frames.weights)
    g, b = np.meshgrid(np.linspace(0, 1, MAP_RESOLUTION), np.linspace(0, 1, MAP_RESOLUTION))
    colours = np.column_stack([np.full(g.size, 0.25), g.ravel(), b.ravel()])
    A1 = logistic(W1[:, :-1] @ colours.T + W1[:, -1:])
    A2 = logistic(W2[:, :-1] @ A1 + W2[:, -1:])
    A3 = logistic(W3[:, :-1] @ A2 + W3[:, -1:])
    np.testing.assert_allclose(frames.outputs[f], A3.reshape(g.shape), atol=1e-6)
    assert frames.neurons[0].shape[:2] == (len(frames.iterations), 5)
    assert frames.neurons[1].shape[:2] == (len(frames.iterations), 2)


def test_the_figure_animates_every_frame_with_the_scrubber_naming_iterations(run):
    plane = Slice()
    frames = replay_frames(run, X_DOC, Y_DOC, plane, "even")
    fig = replay_figure(frames, run, X_DOC, Y_DOC, plane, "even").to_plotly_json()
    assert len(fig["frames"]) == len(frames.iterations) >= 101
    slider = fig["layout"]["sliders"][0]
    assert [s["label"] for s in slider["steps"]] == [f"{int(i):,}" for i in frames.iterations]
    assert "evenly spaced" in slider["currentvalue"]["prefix"]
    assert [b["label"] for b in fig["layout"]["updatemenus"][0]["buttons"]] == [
        "▶ Play",
        "❚❚ Pause",
    ]
    last = fig["frames"][-1]
    assert len(last["traces"]) == len(last["data"])
    marker = fig["data"][last["traces"][-1]]
    assert marker["name"] == "this frame"
    assert last["data"][-1]["x"] == [1_500]
    assert last["data"][-1]["y"][0] == pytest.approx(frames.errors[-1])
    # Edges of the last frame: width from the fixed scale, as the weights say.
    widths = [d["line"]["width"] for d in last["data"] if d.get("line")]
    W1 = run.weights[0]
    np.testing.assert_allclose(widths[:3], edge_width(W1[0, :3]))


def test_edge_widths_use_one_fixed_scale():
    assert edge_width(0.0) == 1
    assert edge_width(EDGE_SCALE) == edge_width(3 * EDGE_SCALE) == 10
    assert edge_width(1.0) == pytest.approx(1 + 9 / EDGE_SCALE)  # whatever else is in the run


@pytest.mark.parametrize(
    "channel, value, message", [(3, 0.5, "channel"), (0, 1.5, "value"), (-1, 0.0, "channel")]
)
def test_a_bad_plane_is_refused(channel, value, message):
    with pytest.raises(ValueError, match=message):
        Slice(channel, value)


def decode(uri: str) -> np.ndarray:
    """A PNG data URI's pixels, (h, w, 3) integers."""
    head, data = uri.split(",", 1)
    assert head == "data:image/png;base64"
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB"), dtype=int)


def array(value) -> np.ndarray:
    """A figure's JSON array: a list, or Plotly's typed array {"dtype", "bdata"} in base64."""
    if isinstance(value, dict):
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).astype(float)
    return np.array(value, dtype=float)


def hex_ramp(values, stops):
    """Colours of ``values`` on a piecewise-linear ramp [(value, "#rrggbb"), ...], (..., 3)."""
    at = [v for v, _ in stops]
    channels = [[int(c[k : k + 2], 16) for _, c in stops] for k in (1, 3, 5)]
    return np.stack([np.interp(values, at, ch) for ch in channels], axis=-1)


def plane_colours(channel, value, size):
    """The plane by hand: ``channel`` held, the other two along x then y, y growing per row."""
    free = [c for c in range(3) if c != channel]
    u, v = np.meshgrid(np.linspace(0, 1, size), np.linspace(0, 1, size))
    colours = np.empty((size * size, 3))
    colours[:, channel], colours[:, free[0]], colours[:, free[1]] = value, u.ravel(), v.ravel()
    return colours


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_every_frame_carries_pictures_of_the_networks_own_outputs(activation):
    run = train(X_DOC, Y_DOC, iterations=1_000, seed=2, activation=activation, learning_rate=0.5)
    plane = Slice(channel=1, value=0.6)
    frames = replay_frames(run, X_DOC, Y_DOC, plane, "log")
    fig = json.loads(replay_figure(frames, run, X_DOC, Y_DOC, plane, "log").to_json())
    # No heatmap or contour: Plotly takes them off the plot while the film plays.
    assert {trace["type"] for trace in fig["data"]} == {"scatter"}
    placed = fig["layout"]["images"]
    assert len(placed) == 1 + 5 + 2  # the decision map, then each hidden neuron's map
    # The map's pixel centres are the plane's grid points, 0 to 255 on both axes.
    step = placed[0]["sizex"] / MAP_RESOLUTION
    assert placed[0]["x"] + step / 2 == pytest.approx(0)
    assert placed[0]["x"] + placed[0]["sizex"] - step / 2 == pytest.approx(255)
    assert placed[0]["y"] - step / 2 == pytest.approx(255)  # top edge: the highest row
    hidden_low, hidden_high = (0.0, 1.0) if activation == "sigmoid" else (-1.0, 1.0)
    hidden_stops = (
        [(0.0, "#f7f7f7"), (1.0, "#1f77b4")]
        if activation == "sigmoid"
        else [(-1.0, "#ff7f0e"), (0.0, "#f7f7f7"), (1.0, "#1f77b4")]
    )
    sources_seen = []
    for f in (0, 25, 60, len(frames.iterations) - 1):
        frame = fig["frames"][f]
        sources = [image["source"] for image in frame["layout"]["images"]]
        assert len(sources) == len(placed)
        s = int(np.searchsorted(run.snapshot_iterations, int(frame["name"])))
        net = MLP(run.layers, activation=activation, weights=run.snapshot_weights(s))
        pictures = [decode(source) for source in sources]
        # The decision map: black (0) to white (1) through #9a9a9a, the highest row on top.
        size = pictures[0].shape[0]
        _, A = net.forward_pass(plane_colours(1, 0.6, size))
        output = A[-1][0].reshape(size, size)[::-1]
        expected = hex_ramp(output, [(0, "#111111"), (0.5, "#9a9a9a"), (1, "#ffffff")])
        assert np.abs(pictures[0] - expected).max() <= 1  # rounding only
        # Each hidden neuron: its own output over the same plane.
        size = pictures[1].shape[0]
        _, A = net.forward_pass(plane_colours(1, 0.6, size))
        maps = [a.reshape(size, size)[::-1] for layer in A[:-1] for a in layer]
        for picture, z in zip(pictures[1:], maps, strict=True):
            expected = hex_ramp(np.clip(z, hidden_low, hidden_high), hidden_stops)
            assert np.abs(picture - expected).max() <= 1
        sources_seen.append(sources)
    assert sources_seen[0] != sources_seen[-1]  # the frames swap the pictures


def test_the_boundary_line_lies_where_the_output_is_one_half(run):
    plane = Slice(channel=2, value=0.5)
    frames = replay_frames(run, X_DOC, Y_DOC, plane, "log")
    fig = replay_figure(frames, run, X_DOC, Y_DOC, plane, "log").to_plotly_json()
    last = fig["frames"][-1]
    boundary = last["data"][0]
    xs = np.array([np.nan if v is None else v for v in boundary["x"]], dtype=float)
    ys = np.array([np.nan if v is None else v for v in boundary["y"]], dtype=float)
    keep = ~np.isnan(xs)
    assert keep.sum() > 10
    colours = np.column_stack([xs[keep] / 255, ys[keep] / 255, np.full(keep.sum(), 0.5)])
    net = MLP(run.layers, weights=run.weights)
    np.testing.assert_allclose(net.forward(colours)[:, 0], 0.5, atol=0.02)
    first = fig["frames"][0]["data"][0]  # no boundary yet: one empty point keeps the line
    assert first["x"] == [None] and first["y"] == [None]


@pytest.mark.parametrize("stacked", [False, True])
def test_the_controls_read_on_a_projector_and_sit_under_the_map_on_a_phone(run, stacked):
    plane = Slice()
    frames = replay_frames(run, X_DOC, Y_DOC, plane, "log")
    layout = replay_figure(frames, run, X_DOC, Y_DOC, plane, "log", stacked).to_plotly_json()
    layout = layout["layout"]
    slider, buttons = layout["sliders"][0], layout["updatemenus"][0]
    assert slider["font"]["size"] >= 16  # the iteration ticks
    assert slider["currentvalue"]["font"]["size"] >= 16  # "iteration (101 ...): 1,000"
    assert buttons["font"]["size"] >= 16
    map_bottom = layout["yaxis"]["domain"][0]
    if stacked:  # right under the map, above the network and the error panels
        assert buttons["y"] == slider["y"] == map_bottom
        assert layout["yaxis2"]["domain"][1] < map_bottom
    else:  # under the error curve, the figure's last row
        assert buttons["y"] == slider["y"] == 0
    assert buttons["pad"]["t"] < slider["pad"]["t"]  # the scrubber on a row of its own


def test_the_map_names_the_frames_output_under_the_pointer(run):
    plane = Slice(channel=0, value=0.3)
    frames = replay_frames(run, X_DOC, Y_DOC, plane, "even")
    fig = json.loads(replay_figure(frames, run, X_DOC, Y_DOC, plane, "even").to_json())
    grid = fig["data"][1]
    assert "P(white text)" in grid["hovertemplate"] and grid["marker"]["opacity"] == 0
    f = 70
    frame = fig["frames"][f]
    assert frame["traces"][1] == 1
    s = int(np.searchsorted(run.snapshot_iterations, int(frame["name"])))
    net = MLP(run.layers, weights=run.snapshot_weights(s))
    x, y = array(grid["x"]), array(grid["y"])
    colours = np.column_stack([np.full(x.size, 0.3), x / 255, y / 255])  # red held, green, blue
    np.testing.assert_allclose(
        frame["data"][1]["customdata"], net.forward(colours)[:, 0], atol=6e-4
    )


def test_the_replay_shows_the_lessons_error_half_the_sum_of_squares(run):
    plane = Slice()
    frames = replay_frames(run, X_DOC, Y_DOC, plane, "log")
    fig = json.loads(replay_figure(frames, run, X_DOC, Y_DOC, plane, "log").to_json())
    f = 30  # Error_total of a frame, by hand: 1/2 sum over the ten colours of (A3 - y)^2
    W1, W2, W3 = (W[f] for W in frames.weights)
    A1 = logistic(W1[:, :-1] @ X_DOC.T + W1[:, -1:])
    A3 = logistic(W3[:, :-1] @ logistic(W2[:, :-1] @ A1 + W2[:, -1:]) + W3[:, -1:])
    assert frames.errors[f] == pytest.approx(0.5 * np.sum((A3 - Y_DOC.T) ** 2), rel=1e-12)
    curve = next(t for t in fig["data"] if t.get("name") == "error")
    x, y = array(curve["x"]).astype(int), array(curve["y"])
    np.testing.assert_allclose(y, run.losses[x] / 2, rtol=1e-12)
    frame = fig["frames"][f]["data"][-1]  # the marker sits on the curve
    assert frame["y"][0] == pytest.approx(frames.errors[f])
    titles = [a["text"] for a in fig["layout"]["annotations"]]
    assert "<b>Error  ½·Σ(output − expected)²</b>" in titles


def test_the_legend_says_circle_is_white_text_and_square_is_black(run):
    plane = Slice()
    frames = replay_frames(run, X_DOC, Y_DOC, plane, "even")
    fig = json.loads(replay_figure(frames, run, X_DOC, Y_DOC, plane, "even").to_json())
    entries = {t["name"]: t for t in fig["data"] if t.get("showlegend", True) and "name" in t}
    white = entries["training colour, white text (1)"]["marker"]
    black = entries["training colour, black text (0)"]["marker"]
    assert (white["symbol"], white["line"]["color"]) == ("circle", WHITE_TEXT)
    assert (black["symbol"], black["line"]["color"]) == ("square", BLACK_TEXT)
    points = next(t for t in fig["data"] if t.get("name") == "training colours")
    assert points["showlegend"] is False  # no third, one-colour entry
    shapes = {"circle": WHITE_TEXT, "square": BLACK_TEXT}
    expected = ["circle" if t else "square" for t in Y_DOC[:, 0]]
    assert points["marker"]["symbol"] == expected
    assert points["marker"]["line"]["color"] == [shapes[s] for s in expected]


@pytest.mark.parametrize("iterations", [100, 1_500, 10_000, 200_000])
@pytest.mark.parametrize("spacing", ["log", "even"])
@pytest.mark.parametrize("narrow", [False, True])
def test_the_scrubbers_labels_run_from_0_to_the_last_iteration(iterations, spacing, narrow):
    its = log_frames(iterations) if spacing == "log" else even_frames(iterations)
    frames = SimpleNamespace(iterations=its)
    labels = scrubber_labels(frames, spacing, top=0.0, pad=100, narrow=narrow)
    texts = [a["text"] for a in labels]
    assert texts[0] == "0" and texts[-1] == f"{iterations:,}"  # 180,503 was last for 200,000
    chosen = scrubber_frames(its, spacing, narrow)
    assert texts == [f"{int(its[i]):,}" for i in chosen]
    last = len(its) - 1
    for a, i in zip(labels[:-1], chosen, strict=False):  # under the step: 10 px in from the ends
        assert a["x"] == pytest.approx(i / last) and a["xanchor"] == "center"
        assert a["xshift"] == pytest.approx(10 * (1 - 2 * i / last))
    end = labels[-1]  # the last ends at its step, 10 px in, not past the figure's edge
    assert (end["x"], end["xanchor"], end["xshift"]) == (1, "right", -10 + 12)
    gaps = np.diff([a["x"] for a in labels])
    assert np.all(gaps >= (0.34 if narrow else 0.09) - 1e-9), gaps  # labels never overlap
    if spacing == "log" and iterations >= 10_000 and not narrow:
        assert texts[1:4] == [f"{int(its[i]):,}" for i in chosen[1:4]] and len(texts) >= 4


def test_the_figure_labels_its_own_scrubber_and_hides_plotlys(run):
    plane = Slice()
    frames = replay_frames(run, X_DOC, Y_DOC, plane, "log")
    layout = replay_figure(frames, run, X_DOC, Y_DOC, plane, "log").to_plotly_json()["layout"]
    labels = [a for a in layout["annotations"] if a.get("name") == "scrubber label"]
    assert [a["text"] for a in labels] == ["0", "10", "100", "1,500"]
    slider = layout["sliders"][0]
    assert slider["font"]["color"] == "rgba(0, 0, 0, 0)"  # its own labels skip the last
    assert slider["currentvalue"]["font"]["color"] == labels[0]["font"]["color"] == "#2a3f5f"
    assert labels[0]["y"] == slider["y"] and labels[0]["yshift"] < -slider["pad"]["t"]


def test_a_frame_moves_the_traces_named_to_move_wherever_they_sit(run):
    """The frames name their traces by ``meta``: boundary, hover, each edge, biases, marker."""
    from core.mlp.replay import moving_traces, replay_parts

    plane = Slice(channel=2, value=0.5)
    frames = replay_frames(run, X_DOC, Y_DOC, plane, "log")
    still, frame_list = replay_parts(frames, run, X_DOC, Y_DOC, plane, "log")
    data = list(still.data)
    moving = frame_list[0]["traces"]
    edges = sum(W.shape[1] * (W.shape[2] - 1) for W in frames.weights)
    expected = ["boundary", "hover", *["edge"] * edges, "biases", "marker"]
    assert [data[k].meta for k in moving] == expected
    assert all(f["traces"] == moving and len(f["data"]) == len(moving) for f in frame_list)
    last = frame_list[-1]["data"]
    assert last[-1]["y"] == [frames.errors[-1]]  # the marker's update lands on the marker
    assert data[moving[-1]].name == "this frame"
    w = float(frames.weights[0][-1, 0, 0])  # W1[1,1] at the last frame, on the first edge
    assert last[2]["hovertemplate"] == f"W1[1,1] = {w:.4f}<extra></extra>"
    shuffled = [data[-1], *data[:-1]]  # the marker moved to the front: still found by name
    assert [shuffled[k].meta for k in moving_traces(shuffled)] == expected
