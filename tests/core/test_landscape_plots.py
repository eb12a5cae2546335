"""The Landscape figures: what they draw, checked against the numbers they are drawn from."""

import base64
import io

import numpy as np
import pytest
from PIL import Image

from core.mlp import frame_indices, train
from core.mlp import landscape_plots as lp
from core.mlp.data import training_set
from core.mlp.drawing import Slice
from core.mlp.landscape import Surface, run_landscape
from core.mlp.landscape_3d import surface_3d_figure
from core.mlp.landscape_image import surface_picture
from core.mlp.replay import replay_figure
from core.mlp.replay_frames import replay_frames

X, Y = training_set()


@pytest.fixture(scope="module")
def run():
    return train(X, Y, iterations=500)


@pytest.fixture(scope="module")
def landscape(run):
    return run_landscape([run], X, Y, resolution=41)


def picture(source: str) -> np.ndarray:
    assert source.startswith("data:image/png;base64,")
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(source.split(",", 1)[1]))))


def test_the_picture_is_dark_where_the_error_is_low_and_the_right_way_up():
    alphas, betas = np.linspace(-1, 1, 21), np.linspace(0, 3, 31)
    a, b = np.meshgrid(alphas, betas)
    errors = 10.0 ** (-4 + (a + 1) + b)  # lowest at (alpha -1, beta 0): bottom left
    s = Surface(alphas, betas, errors)
    image = surface_picture(s, np.log10(errors), lp.SURFACE_SCALE)
    assert (image["x"], image["y"]) == (-1.0, 3.0)  # top left corner in data coordinates
    assert (image["sizex"], image["sizey"]) == (2.0, 3.0) and image["layer"] == "below"
    rgb = picture(image["source"])
    h, w, _ = rgb.shape
    assert h > w  # beta spans more than alpha
    brightness = rgb[..., :3].astype(float).sum(axis=2)
    assert brightness[-3, 2] < brightness[2, -3]  # bottom left darker than top right
    assert brightness[-3, 2] < 200 and brightness[2, -3] > 600


def test_the_map_draws_the_surface_the_path_and_its_marks(landscape, run):
    fig = lp.landscape_figure(landscape, ["lr 0.2"], "map")
    assert len(fig.layout.images) == 1
    path = next(t for t in fig.data if t.name == "lr 0.2")
    np.testing.assert_allclose(path.x, landscape.paths[0].coords[:, 0])
    np.testing.assert_allclose(path.y, landscape.paths[0].coords[:, 1])
    names = [t.name for t in fig.data]
    assert "start (iteration 0)" in names and f"end (iteration {run.iterations:,})" in names
    low = landscape.paths[0].lowest
    star = next(t for t in fig.data if t.name and t.name.startswith("lowest error on the path"))
    assert star.x[0] == landscape.paths[0].coords[low, 0]
    assert fig.layout.xaxis.range == (landscape.surface.alphas[0], landscape.surface.alphas[-1])
    assert "PC1" in fig.layout.xaxis.title.text and "%" in fig.layout.xaxis.title.text


@pytest.mark.parametrize("spacing", ["log", "even"])
def test_the_walking_marker_has_the_replays_frames(landscape, run, spacing):
    index = frame_indices(run.snapshot_iterations, spacing)
    fig = lp.landscape_figure(landscape, ["run"], "map", frames=index, spacing=spacing)
    replay = replay_figure(replay_frames(run, X, Y, Slice(), spacing), run, X, Y, Slice(), spacing)
    assert [f.name for f in fig.frames] == [f.name for f in replay.frames]
    walker = len(fig.data) - 1
    assert fig.data[walker].name == "this frame"
    for frame, k in zip(fig.frames, index, strict=True):
        assert frame.traces == (walker,)
        assert frame.data[0].x[0] == pytest.approx(landscape.paths[0].coords[k, 0])
    steps = fig.layout.sliders[0].steps
    assert len(steps) == len(index)
    assert all(step.args[1]["frame"]["redraw"] is False for step in steps)  # the map stays


def test_several_runs_share_one_map_and_a_short_path_is_drawn_last():
    runs = [train(X, Y, learning_rate=lr, iterations=300) for lr in (0.01, 5.0)]
    shared = run_landscape(runs, X, Y, resolution=21)
    fig = lp.landscape_figure(shared, ["lr 0.01", "lr 5"], "runs")
    lines = [t for t in fig.data if t.name in ("lr 0.01", "lr 5")]
    assert [t.name for t in lines] == ["lr 5", "lr 0.01"]  # the short crawl on top
    assert not fig.frames
    assert {"start", "end", "lowest"} <= {t.name for t in fig.data}


def test_the_honesty_figure_plots_both_errors_and_the_residual_per_frame(landscape, run):
    frames = landscape.paths[0].take(frame_indices(run.snapshot_iterations, "log"))
    fig = lp.projection_figure(frames, "log")
    true, drawn, residual = fig.data
    np.testing.assert_allclose(true.y, frames.true_errors)
    np.testing.assert_allclose(drawn.y, frames.surface_errors)
    np.testing.assert_allclose(residual.y, frames.residuals)
    assert true.x[0] == 1  # iteration 0 drawn at 1 on the log axis
    assert residual.y[-1] == pytest.approx(0, abs=1e-12)  # the centre is the end


def test_the_3d_surface_holds_the_grid_and_the_path_lies_on_it(landscape):
    fig = surface_3d_figure(landscape, ["run"], "3D")
    surface = fig.data[0]
    assert surface.type == "surface"
    np.testing.assert_allclose(surface.z, np.log10(landscape.surface.errors))
    path = fig.data[1]
    np.testing.assert_allclose(path.z, np.log10(landscape.paths[0].surface_errors))


def test_the_csv_downloads_read_back_as_the_numbers(landscape):
    grid = np.loadtxt(io.StringIO(lp.surface_csv(landscape.surface)), delimiter=",", skiprows=1)
    assert grid.shape == (41 * 41, 3)
    np.testing.assert_allclose(grid[:, 2], landscape.surface.errors.ravel(), rtol=1e-9)
    path = np.loadtxt(io.StringIO(lp.path_csv(landscape.paths[0])), delimiter=",", skiprows=1)
    np.testing.assert_allclose(path[:, 4], landscape.paths[0].true_errors, rtol=1e-9)


def test_colour_bar_ticks_are_powers_of_ten_on_a_log_scale():
    bar = lp.colour_bar(np.array([1e-4, 3.0]), True, False)
    assert bar["ticktext"][0] == "10<sup>-4</sup>"
    np.testing.assert_allclose(10.0 ** np.array(bar["tickvals"]), [1e-4, 1e-3, 1e-2, 1e-1, 1])
