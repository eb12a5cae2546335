"""AppTest of the Landscape tab: the map, the path, the replay's frames, starting the Step tab."""

import base64
import json
import time

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core.mlp import MLP, frame_indices, train
from core.mlp.data import training_set
from core.mlp.landscape import run_landscape
from core.mlp.weight_space import unflatten
from tests.pages.test_train_mlp_page import PAGE, metric

X, Y = training_set()
ITERATIONS = "2000"  # shorter than the lesson's run: the same tab, less to train


def open_landscape(**query) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=300)
    for name, value in {"iterations": ITERATIONS, **query}.items():
        at.query_params[name] = value
    at.run()
    at.session_state["train_tab"] = "Landscape"
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def chart(at: AppTest, key: str) -> dict:
    found = [c for c in at.get("plotly_chart") if c.proto.id.endswith(key)]
    assert found, f"no chart {key}: {[c.proto.id for c in at.get('plotly_chart')]}"
    return json.loads(found[0].proto.spec)


def array(value) -> np.ndarray:
    if isinstance(value, dict):
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
    return np.asarray(value, dtype=float)


def reference(lr: float = 0.2):
    run = train(X, Y, learning_rate=lr, iterations=int(ITERATIONS))
    return run, run_landscape([run], X, Y)


@pytest.mark.slow  # renders the Replay too, to compare the frames
def test_the_map_draws_the_surface_and_the_path_and_walks_it_with_the_replays_frames():
    at = open_landscape()
    run, landscape = reference()
    spec = chart(at, "train_landscape_map")
    (image,) = spec["layout"]["images"]
    assert image["source"].startswith("data:image/png;base64,") and image["layer"] == "below"
    path = next(t for t in spec["data"] if t.get("name") == "lr 0.2")
    np.testing.assert_allclose(array(path["x"]), landscape.paths[0].coords[:, 0], atol=1e-6)
    np.testing.assert_allclose(array(path["y"]), landscape.paths[0].coords[:, 1], atol=1e-6)
    names = {t.get("name") for t in spec["data"]}
    assert {"start (iteration 0)", "end (iteration 2,000)", "this frame"} <= names
    frames = spec["frames"]
    assert len(frames) == len(frame_indices(run.snapshot_iterations, "log"))
    caption = " ".join(c.value for c in at.caption)
    assert "PC1 holds" in caption and f"{100 * landscape.plane.explained[0]:.1f}%" in caption

    at.session_state["train_tab"] = "Replay"
    at.run()
    replay = chart(at, "train_replay")
    assert [f["name"] for f in frames] == [f["name"] for f in replay["frames"]]


def test_even_frames_follow_the_replays_even_frames():
    at = open_landscape()
    at.radio(key="train_landscape_spacing").set_value("even").run()
    run, _ = reference()
    frames = chart(at, "train_landscape_map")["frames"]
    expected = run.snapshot_iterations[frame_indices(run.snapshot_iterations, "even")]
    assert [int(f["name"]) for f in frames] == [int(i) for i in expected]
    honesty = chart(at, "train_landscape_honesty")
    assert all(len(array(t["y"])) == len(expected) for t in honesty["data"])


def test_start_from_here_sets_the_step_tab_at_those_weights_and_says_the_error():
    at = open_landscape()
    _, landscape = reference()
    at.number_input(key="train_landscape_alpha").set_value(-3.5)
    at.number_input(key="train_landscape_beta").set_value(0.75).run()
    weights = unflatten(landscape.plane.points(np.array([-3.5, 0.75])), (3, 5, 2, 1))
    error = 0.5 * float(np.sum((MLP(weights=weights).forward(X) - Y) ** 2))
    assert metric(at, "Error at this point") == f"{error:.4e}"
    next(b for b in at.button if b.label == "Start the Step tab here").click().run()
    assert not at.exception, at.exception
    assert at.session_state["train_tab"] == "Step by step"
    stepper = at.session_state["train_stepper"]
    for W, expected in zip(stepper.weights, weights, strict=True):
        np.testing.assert_allclose(W, expected, atol=1e-12)
    assert metric(at, "Iteration") == "0"
    assert metric(at, "Error now") == f"{error:.6f}"


@pytest.mark.slow
def test_a_random_plane_and_the_3d_surface():
    at = open_landscape()
    at.radio(key="train_landscape_plane").set_value("random").run()
    at.number_input(key="train_landscape_seed").set_value(3).run()
    assert not at.exception, at.exception
    spec = chart(at, "train_landscape_map")
    assert "random direction" in spec["layout"]["xaxis"]["title"]["text"]
    assert "seed 3" in " ".join(c.value for c in at.caption)
    at.toggle(key="train_landscape_3d").set_value(True).run()
    spec = chart(at, "train_landscape_3d_chart")
    assert spec["data"][0]["type"] == "surface"
    assert len(spec["data"][0]["z"]) > 0


@pytest.mark.slow
def test_the_four_presets_pinned_share_one_plane():
    at = open_landscape()
    start = time.perf_counter()
    next(b for b in at.button if b.label.startswith("Pin the four learning-rate presets")).click()
    at.run()
    assert not at.exception, at.exception
    assert [r.settings.learning_rate for r in at.session_state["train_pinned"]] == [0.01, 5, 20]
    spec = chart(at, "train_landscape_runs")
    lines = {t.get("name") for t in spec["data"] if t.get("mode") == "lines" and t.get("name")}
    assert lines == {"now: lr 0.2", "lr 0.01", "lr 5", "lr 20"}
    assert not spec.get("frames")
    caption = " ".join(c.value for c in at.caption)
    assert "4 runs from the same start" in caption
    print(f"pinning and drawing the presets: {time.perf_counter() - start:.1f} s")
