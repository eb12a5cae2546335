"""The replay figure: its frames hold the run's own numbers, computed independently here."""

import numpy as np
import pytest

from core.mlp import log_frames, train
from core.mlp.data import training_set
from core.mlp.plots import EDGE_SCALE, edge_width
from core.mlp.replay import (
    MAP_RESOLUTION,
    Slice,
    replay_figure,
    replay_frames,
)

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
    # The error of frame f is the loss recorded before step iterations[f] (the last: after all).
    inside = frames.iterations < 1_500
    np.testing.assert_allclose(frames.errors[inside], run.losses[frames.iterations[inside]])
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
