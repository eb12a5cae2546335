"""Tests of core.filters (ascent, grid, fourier, model, store) on tiny models.

The page-independent parts without TensorFlow (settings, URLs, damaged files, the time
estimate) are in test_filters_store.py and test_filters_progress.py.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from core.filters import grid as grid_module
from core.filters.__main__ import main
from core.filters.ascent import (
    EPSILON,
    AscentStep,
    deprocess,
    initial_image,
    make_ascent,
    visualize_filters,
)
from core.filters.grid import filter_grid, stitch
from core.filters.model import WeightsError, load_vgg16, truncate
from core.filters.settings import GridSettings, parse_indices
from core.filters.store import load_grid, save_grid, weights_id
from core.filters.visualizer import Visualizer


def grid_settings(layer: str, **values) -> GridSettings:
    """Grid settings for the tiny models: 16 px tiles unless said otherwise."""
    return GridSettings(layer=layer, **{"size": 16, **values})


def tiny_model(seed: int = 0) -> keras.Model:
    """8-filter conv, pool, 6-filter conv: named like VGG16 so the same code paths run."""
    keras.utils.set_random_seed(seed)
    x = inputs = keras.Input((None, None, 3))
    x = keras.layers.Conv2D(8, 3, padding="same", activation="relu", name="block1_conv1")(x)
    x = keras.layers.MaxPooling2D(name="block1_pool")(x)
    x = keras.layers.Conv2D(6, 3, padding="same", activation="relu", name="block2_conv1")(x)
    return keras.Model(inputs, x)


@pytest.fixture(scope="module")
def model() -> keras.Model:
    return tiny_model()


@pytest.fixture(scope="module")
def planted() -> keras.Model:
    """block1_conv1 with filter 0 a vertical-edge detector, 1 horizontal, 2 dead."""
    m = tiny_model(1)
    conv = m.get_layer("block1_conv1")
    kernel, bias = conv.get_weights()
    edge = np.array([[-1.0, 0.0, 1.0]] * 3)  # responds to changes along x: vertical edges
    kernel[..., 0] = edge[:, :, None]
    kernel[..., 1] = edge.T[:, :, None]
    kernel[..., 2], bias[:] = 0.0, 0.0
    bias[2] = -1.0
    conv.set_weights([kernel, bias])
    return m


def stripe_energy(image: np.ndarray) -> tuple[float, float]:
    """(change along x, change along y) of a picture: vertical stripes change along x."""
    g = image.astype(float).mean(axis=-1)
    return np.abs(np.diff(g, axis=1)).mean(), np.abs(np.diff(g, axis=0)).mean()


def test_planted_edge_filters_draw_matching_stripes(planted):
    res = visualize_filters(planted, "block1_conv1", [0, 1], size=32, steps=20)
    along_x, along_y = stripe_energy(res.images[0])
    assert along_x > 2 * along_y  # vertical stripes
    along_x, along_y = stripe_energy(res.images[1])
    assert along_y > 2 * along_x  # horizontal stripes


def test_loss_rises_with_steps(model):
    res = visualize_filters(model, "block2_conv1", [0, 1, 2, 3], size=24, steps=8)
    alive = res.alive
    assert alive.any()
    assert np.all(res.loss_history[alive, -1] > res.loss_history[alive, 0])
    assert res.images.shape == (4, 24, 24, 3) and res.images.dtype == np.uint8
    np.testing.assert_array_equal(res.losses, res.loss_history[:, -1])


def test_dead_filters_are_dropped(planted):
    res = visualize_filters(planted, "block1_conv1", [2], size=16, steps=3)
    assert not res.alive[0] and res.losses[0] == 0
    grid = filter_grid(planted, grid_settings("block1_conv1", n=2, candidates=8, size=16, steps=4))
    assert 2 not in grid.filter_indices.tolist()
    assert np.all(grid.losses > 0)
    assert np.all(np.diff(grid.losses) <= 0)  # best first


def test_step_matches_an_independent_gradient(model):
    """One batched step equals x + g / (RMS(g) + eps) computed image by image with a tape."""
    feature = truncate(model, "block2_conv1")
    step = AscentStep(feature, jit=False)
    x = np.stack([initial_image(i, 16, 3) for i in range(3)])
    f = np.array([4, 0, 2])
    losses, new = step(x, f, 0.5)
    for b in range(3):
        xb = tf.constant(x[b : b + 1])
        with tf.GradientTape() as tape:
            tape.watch(xb)
            loss = tf.reduce_mean(feature(xb)[..., f[b]])
        g = tape.gradient(loss, xb).numpy()
        expected = x[b] + 0.5 * g[0] / (np.sqrt(np.mean(g**2)) + EPSILON)
        np.testing.assert_allclose(losses[b], float(loss), rtol=1e-5)
        np.testing.assert_allclose(new[b], expected, rtol=1e-5, atol=1e-3)


def test_one_compiled_step_serves_every_filter(model):
    step = AscentStep(truncate(model, "block2_conv1"))
    x = np.stack([initial_image(i, 16, 0) for i in range(2)])
    for f in ([0, 1], [2, 3], [4, 5], [5, 0]):
        step(x, np.array(f), 1.0)
    assert step.traces == 1


@pytest.mark.parametrize("method", ["seed", "fourier"])
def test_batched_equals_one_at_a_time(model, method):
    kw = {"size": 16, "steps": 6, "method": method}
    batched = visualize_filters(model, "block2_conv1", [0, 3, 5], batch_size=2, **kw)
    single = [visualize_filters(model, "block2_conv1", [f], batch_size=1, **kw) for f in [0, 3, 5]]
    for k, one in enumerate(single):
        np.testing.assert_allclose(batched.loss_history[k], one.loss_history[0], rtol=1e-4)
        assert np.abs(batched.images[k].astype(int) - one.images[0]).max() <= 2


def test_fourier_method_climbs_and_gives_pictures(model):
    res = visualize_filters(model, "block2_conv1", [0, 1], size=32, steps=30, method="fourier")
    assert res.images.dtype == np.uint8 and res.images.shape == (2, 32, 32, 3)
    assert np.all(res.loss_history[:, -5:].mean(axis=1) > res.loss_history[:, :5].mean(axis=1))


def test_bfloat16_compute_runs(model):
    res = visualize_filters(
        model, "block1_conv1", [0, 1], size=16, steps=3, compute_dtype="bfloat16"
    )
    assert np.all(np.isfinite(res.losses))


def test_stitch_geometry_and_margins():
    tiles = np.stack([np.full((10, 10, 3), 50 + k, np.uint8) for k in range(5)])
    grid = stitch(tiles, n=3, margin=5)
    assert grid.shape == (40, 40, 3)
    assert grid[0, 0, 0] == 50 and grid[0, 15, 0] == 51 and grid[15, 0, 0] == 53
    assert np.all(grid[10:15] == 0) and np.all(grid[:, 10:15] == 0)  # margins stay black
    assert np.all(grid[30:, 30:] == 0)  # missing tiles stay black
    assert stitch(tiles[:1], n=1, margin=5).shape == (10, 10, 3)


def test_deprocess_range_and_scale():
    x = np.random.default_rng(0).normal(128, 30, (64, 64, 3))
    out = deprocess(x)
    assert out.dtype == np.uint8 and out.min() >= 0 and out.max() <= 255
    assert abs(out.mean() - 127.5) < 2 and abs(out.std() - 25.5) < 2  # std 0.1 of 255
    assert deprocess(x[None]).shape == (1, 64, 64, 3)


def test_screening_keeps_the_exhaustive_winners_and_costs_less(model):
    settings = grid_settings("block2_conv1", n=1, candidates=6, size=16, steps=12)
    full = filter_grid(model, settings, screen=False)
    quick = filter_grid(model, settings, keep=2)
    assert quick.image_steps < full.image_steps == 6 * 12
    assert quick.filter_indices.tolist() == full.filter_indices.tolist()
    np.testing.assert_allclose(quick.loss_history, full.loss_history, rtol=1e-4)


class CountingAscent:
    """Wraps a real ascent method and records every (filter, step number) it computes.

    Padded batch rows repeat a real row, so the set of pairs is the real work in image-steps.
    """

    def __init__(self, method) -> None:
        self.method, self.batch_size, self.seen = method, method.batch_size, set()
        self.compute_dtype = method.compute_dtype

    def start(self, indices):
        return self.method.start(indices)

    def step(self, batch, filter_indices, t):
        self.seen.update((int(f), t) for f in filter_indices)
        return self.method.step(batch, filter_indices, t)

    def pictures(self, state):
        return self.method.pictures(state)


@pytest.mark.parametrize("screen", [False, True])
def test_image_steps_count_the_work_actually_done(planted, monkeypatch, screen):
    counters = []

    def counting(*args):
        counters.append(CountingAscent(make_ascent(*args)))
        return counters[-1]

    monkeypatch.setattr(grid_module, "make_ascent", counting)
    reports = []
    settings = grid_settings("block1_conv1", n=1, candidates=8, size=16, steps=12)
    grid = filter_grid(planted, settings, screen=screen, keep=2, on_progress=reports.append)
    assert 2 not in grid.filter_indices.tolist()  # bias -1, zero kernel: never fires
    # Filter 2 is dead: the first step finds it and it costs nothing after that.
    assert (2, 0) in counters[0].seen and (2, 1) not in counters[0].seen
    assert grid.image_steps == len(counters[0].seen)
    assert reports[-1].done == reports[-1].total == len(counters[0].seen)


def test_a_grid_where_no_filter_fires_is_black_not_an_error():
    silent = tiny_model(2)
    conv = silent.get_layer("block1_conv1")
    kernel, bias = conv.get_weights()
    conv.set_weights([np.zeros_like(kernel), np.full_like(bias, -1.0)])  # every filter dead
    grid = filter_grid(silent, grid_settings("block1_conv1", n=2, candidates=8, size=16, steps=3))
    assert len(grid.filter_indices) == 0 and grid.image_steps == 8  # one step each
    assert grid.image.shape == (37, 37, 3) and grid.image.max() == 0


def test_explicit_indices_keep_their_order(model):
    chosen = grid_settings("block2_conv1", n=2, selection="indices", indices=(5, 1, 3), steps=2)
    grid = filter_grid(model, chosen)
    assert grid.filter_indices.tolist() == [5, 1, 3]
    assert grid.image.shape == (37, 37, 3) and grid.png_name == "block2_conv1_2x2.png"


def test_progress_reports_batches(model):
    seen = []
    visualize_filters(
        model, "block2_conv1", range(5), size=16, steps=2, batch_size=2, on_progress=seen.append
    )
    assert [p.done for p in seen] == [4, 8, 10] and seen[-1].total == 10
    assert len(seen[-1].finished.filter_indices) == 5


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"layer_name": "block9_conv9"}, "unknown layer"),
        ({"layer_name": "block1_pool", "filter_indices": [99]}, "out of range"),
        ({"filter_indices": [6]}, "out of range"),
        ({"filter_indices": [-1]}, "out of range"),
        ({"size": 4}, "image size"),
        ({"steps": 0}, "Steps must be"),
        ({"step_size": -1.0}, "step size"),
        ({"method": "magic"}, "Unknown method"),
    ],
)
def test_bad_visualize_inputs(model, kwargs, message):
    args = {"layer_name": "block2_conv1", "filter_indices": [0], "size": 16, "steps": 1, **kwargs}
    with pytest.raises(ValueError, match=message):
        visualize_filters(model, **args)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n": 3}, "needs 9 filters"),
        ({"n": 2, "candidates": 7}, "candidates"),
        ({"n": 2, "candidates": 3}, "candidates"),
        ({"n": 1, "selection": "indices", "indices": (0, 1)}, "do not fit"),
        ({"n": 0}, "between 1 and 8"),
        ({"layer": "block9_conv9"}, "unknown layer"),
    ],
)
def test_bad_grid_inputs(model, kwargs, message):
    with pytest.raises(ValueError, match=message):
        filter_grid(model, grid_settings(**{"layer": "block2_conv1", "steps": 1, **kwargs}))


@pytest.mark.parametrize(
    "text, expected",
    [("0, 5, 9", [0, 5, 9]), ("3-5", [3, 4, 5]), ("1;2 7", [1, 2, 7])],
)
def test_parse_indices(text, expected):
    assert parse_indices(text) == expected


@pytest.mark.parametrize(
    "text", ["", "a", "5-2", "-3", "1.5", "512", "0-99999999999", "0-" + "9" * 198]
)
def test_parse_indices_rejects(text):
    with pytest.raises(ValueError):
        parse_indices(text)


def test_missing_corrupt_and_foreign_weight_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="not found"):
        load_vgg16(tmp_path / "nothing.weights.h5")
    corrupt = tmp_path / "corrupt.weights.h5"
    corrupt.write_bytes(b"this is not hdf5" * 100)
    with pytest.raises(WeightsError, match="not a readable HDF5"):
        load_vgg16(corrupt)
    odd = tmp_path / "weights.bin"
    odd.write_bytes(b"x")
    with pytest.raises(WeightsError, match=".h5"):
        load_vgg16(odd)
    foreign = tmp_path / "tiny.weights.h5"
    tiny_model().save_weights(foreign)
    with pytest.raises(WeightsError):
        load_vgg16(foreign)


def test_untrained_network_is_reproducible():
    a, b = load_vgg16(None, seed=3), load_vgg16(None, seed=3)
    assert weights_id(a) == weights_id(b) != weights_id(load_vgg16(None, seed=4))


def test_grid_cache_round_trip_and_keys(model, tmp_path):
    settings = GridSettings(layer="block2_conv1", n=2, candidates=6, size=16, steps=3)
    grid = filter_grid(model, settings)
    key = settings.key(weights_id(model), "float32")
    save_grid(grid, tmp_path, key, png=True)
    back = load_grid([tmp_path / "empty", tmp_path], key)
    np.testing.assert_array_equal(back.image, grid.image)
    np.testing.assert_array_equal(back.filter_indices, grid.filter_indices)
    assert back.settings == grid.settings and (tmp_path / grid.png_name).is_file()
    assert settings.key("other weights", "float32") != key
    assert settings.key(weights_id(model), "bfloat16") != key
    more_steps = GridSettings(layer="block2_conv1", n=2, candidates=6, size=16, steps=4)
    assert more_steps.key(weights_id(model), "float32") != key
    (tmp_path / f"{key}.npz").write_bytes(b"damaged")
    assert load_grid([tmp_path], key) is None


def test_random_selection_is_seeded():
    a = GridSettings(n=3, selection="random", sample_seed=1).filter_indices(512)
    assert a == GridSettings(n=3, selection="random", sample_seed=1).filter_indices(512)
    assert len(a) == 9 and len(set(a)) == 9 and a == sorted(a)


def test_command_line_prerenders_a_grid_the_page_finds(tmp_path, capsys):
    args = ["--layer", "block1_conv1", "--grid", "1", "--weights", "untrained"]
    args += ["--out", str(tmp_path), "--candidates", "2", "--steps", "2", "--size", "32"]
    assert main(args) == 0
    assert (tmp_path / "block1_conv1_1x1.png").is_file()
    settings = GridSettings(layer="block1_conv1", n=1, candidates=2, steps=2, size=32)
    key = settings.key(weights_id(load_vgg16(None)), "float32")
    assert load_grid([tmp_path], key) is not None
    assert main(["--weights", str(tmp_path / "missing.weights.h5")]) == 2
    assert "not found" in capsys.readouterr().err


@pytest.mark.slow
def test_real_weights_load_and_draw_coloured_first_layer(trained_vgg16):
    bias = trained_vgg16.model.get_layer("block1_conv1").get_weights()[1]
    np.testing.assert_allclose(bias[:4], [0.7343, 0.0934, 0.0678, 0.8863], atol=1e-3)
    settings = grid_settings("block1_conv1", n=2, candidates=8, size=48, steps=10)
    grid = filter_grid(trained_vgg16, settings)
    assert len(grid.filter_indices) == 4 and np.all(grid.losses > 0)
    assert grid.tiles.std() > 5  # real patterns, not flat grey


def test_renders_share_one_compiled_step(model):
    visualizer = Visualizer(model, "float32")
    filter_grid(visualizer, grid_settings("block2_conv1", n=1, candidates=2, steps=2))
    again = grid_settings("block2_conv1", n=1, candidates=3, size=24, steps=3, step_size=2.0)
    filter_grid(visualizer, again)
    step = visualizer.piece(("seed", "block2_conv1", "float32"), lambda: None)
    assert step.traces == 1


def test_a_visualizer_keeps_a_bounded_number_of_pieces(model):
    visualizer = Visualizer(model, "float32", max_pieces=2)
    for layer in ("block1_conv1", "block2_conv1", "block1_conv1"):
        visualizer.features(layer)
    visualizer.piece(("other",), lambda: "built")
    assert visualizer.pieces() == [("features", "block1_conv1", "float32"), ("other",)]


def test_the_bfloat16_copy_holds_one_set_of_weights_in_bfloat16(model):
    visualizer = Visualizer(model, "bfloat16")
    copy = visualizer.network("bfloat16")
    assert visualizer.network("bfloat16") is copy  # one copy, whatever the layer
    assert {str(w.dtype) for w in copy.weights} == {"bfloat16"}
    assert len(copy.weights) == len(model.weights)
    truncated = visualizer.features("block1_conv1", "bfloat16")
    assert all(any(w is v for v in copy.weights) for w in truncated.weights)  # shared, not copied
