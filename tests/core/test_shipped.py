"""The grids that ship with the app: they match the page's defaults and the ImageNet weights.

If a default setting, the ranking or the weights change, these tests fail until the folder is
regenerated (``python -m core.filters --ship --weights PATH``), so the shipped pictures can
never silently drift from what the page would render.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from core.filters import shipped
from core.filters.grid import FilterGrid
from core.filters.model import CONV_LAYERS, DOCUMENT_LAYERS
from core.filters.settings import default_settings
from core.filters.shipped import SHIPPED_DIR, read_shipped, ship, shipped_index, shipped_name
from core.filters.store import weights_id


def expected_settings() -> list:
    """The shipped set, from ``default_settings`` alone (Fourier grids: the seed grid's filters;
    a Fourier grid whose seed grid is missing is left out here, and reported missing below)."""
    settings = [default_settings(layer) for layer in CONV_LAYERS]
    for layer in DOCUMENT_LAYERS:
        seed_path = SHIPPED_DIR / f"{layer}_4x4_seed.json"
        if seed_path.is_file():
            indices = tuple(json.loads(seed_path.read_text())["filter_indices"])
            settings.append(default_settings(layer, "fourier", indices=indices))
    return settings


@pytest.fixture(scope="module")
def entries() -> list:
    """(expected settings, path, settings, grid, rendering) of every shipped grid present."""
    found = []
    for settings in expected_settings():
        path = SHIPPED_DIR / f"{shipped_name(settings)}.json"
        if path.is_file():
            entry = read_shipped(path)
            assert entry is not None, f"{path.name} does not parse"
            found.append((settings, path, *entry))
    assert found, f"no shipped grids in {SHIPPED_DIR}: run python -m core.filters --ship"
    return found


def test_the_folder_holds_exactly_the_shipped_set_and_stays_small():
    expected = {(layer, method) for layer, method in shipped.ship_order()}
    present = {tuple(p.stem.split("_4x4_")) for p in SHIPPED_DIR.glob("*.json")}
    missing = sorted(f"{layer}_4x4_{method}" for layer, method in expected - present)
    assert not missing, f"missing {', '.join(missing)}: run python -m core.filters --ship"
    names = {f"{shipped_name(s)}.json" for s in expected_settings()}
    assert {p.name for p in SHIPPED_DIR.glob("*.json")} == names
    assert {p.name for p in SHIPPED_DIR.glob("*.png")} == {n[:-5] + ".png" for n in names}
    assert len(names) == len(CONV_LAYERS) + len(DOCUMENT_LAYERS) == 18
    total = sum(p.stat().st_size for p in SHIPPED_DIR.iterdir())
    assert total < 8 * 2**20, f"shipped grids take {total / 2**20:.1f} MB"


def test_every_grid_matches_its_default_settings(entries):
    for expected, path, settings, grid, rendering in entries:
        assert settings == expected, path.name
        side = settings.n * settings.size + (settings.n - 1) * settings.margin
        with Image.open(path.with_suffix(".png")) as picture:
            assert picture.size == (side, side), path.name
        indices = grid.filter_indices.tolist()
        assert len(set(indices)) == len(indices) <= settings.n**2, path.name
        assert all(0 <= i < CONV_LAYERS[settings.layer] for i in indices), path.name
        assert grid.loss_history.shape == (len(indices), settings.steps), path.name
        np.testing.assert_allclose(grid.loss_history[:, -1], grid.losses, atol=1e-4)
        assert rendering["compute_dtype"] == "float32", path.name


def test_best_grids_are_full_and_ranked_best_first(entries):
    for _, path, settings, grid, _ in entries:
        if settings.selection == "best":
            assert len(grid.filter_indices) == settings.n**2, path.name
            assert max(grid.filter_indices) < settings.candidates, path.name
            assert np.all(np.diff(grid.losses) <= 0) and np.all(grid.losses > 0), path.name
        else:
            assert tuple(grid.filter_indices.tolist()) == settings.indices, path.name


def test_every_grid_came_from_the_same_weights(entries):
    assert len({rendering["weights_id"] for *_, rendering in entries}) == 1


def test_the_weights_are_the_imagenet_vgg16_values(entries, trained_vgg16):
    expected = weights_id(trained_vgg16.model)
    assert {rendering["weights_id"] for *_, rendering in entries} == {expected}


def test_the_page_finds_every_default_grid_without_a_model(entries):
    index = shipped_index()
    for settings, path, *_ in entries:
        found = index.get(settings)
        assert found is not None, path.name
        grid, rendering = found
        with Image.open(path.with_suffix(".png")) as picture:
            np.testing.assert_array_equal(grid.image, np.asarray(picture.convert("RGB")))
    assert index.get(default_settings("block5_conv3", "fourier")) is None  # not shipped


@pytest.mark.slow
def test_rendering_block1_conv1_again_reproduces_the_shipped_filters(entries, trained_vgg16):
    settings, _, _, grid, _ = entries[0]
    assert settings.layer == "block1_conv1"
    again = shipped.render_settings(trained_vgg16, settings, "float32")
    assert again.filter_indices.tolist() == grid.filter_indices.tolist()
    np.testing.assert_allclose(again.losses, grid.losses, rtol=1e-3)
    # The shipped PNG keeps 256 colours: within a few levels of the fresh picture.
    assert np.abs(again.image.astype(float) - grid.image).mean() < 6


def fake_render(model, settings, compute_dtype, on_progress=None):
    """A grid of the right shape for ``settings`` without any network (for the writer)."""
    k = settings.n**2 if settings.selection == "best" else len(settings.indices)
    indices = np.arange(k) if settings.selection == "best" else np.array(settings.indices)
    side = settings.n * settings.size + (settings.n - 1) * settings.margin
    # 512 distinct colours: quantizing a grid of pure noise took seconds per grid, 36 times.
    image = np.random.default_rng(k).integers(0, 8, (side, side, 3), dtype=np.uint8) * 32
    losses = np.linspace(2, 1, k, dtype=np.float32)
    history = np.repeat(losses[:, None], settings.steps, axis=1)
    tiles = np.zeros((k, settings.size, settings.size, 3), np.uint8)
    extra = {"compute_dtype": compute_dtype, "batch_size": 4}
    return FilterGrid(
        image,
        indices,
        losses,
        tiles,
        history,
        settings.layer,
        settings.n,
        k * settings.steps,
        k,
        extra,
    )


@pytest.mark.slow
def test_ship_writes_the_set_keeps_what_is_current_and_removes_the_rest(tmp_path, monkeypatch):
    renders = []
    monkeypatch.setattr(shipped, "render_settings", lambda *a: renders.append(a) or fake_render(*a))
    monkeypatch.setattr(shipped, "weights_id", lambda model: "w1")
    (tmp_path / "old_grid.json").write_text("{}")
    (tmp_path / "old_grid.png").write_bytes(b"")
    lines = []
    paths = ship(object(), "test.weights.h5", tmp_path, log=lines.append)
    assert len(renders) == len(paths) == 18 and not (tmp_path / "old_grid.json").exists()
    assert not (tmp_path / "old_grid.png").exists()
    fourier = read_shipped(tmp_path / "block5_conv3_4x4_fourier.json")
    assert fourier[0].indices == tuple(range(16))  # the seed grid's filters
    assert fourier[2]["weights_id"] == "w1" and fourier[2]["weights"] == "test.weights.h5"
    ship(object(), "test.weights.h5", tmp_path, log=lines.append)
    assert len(renders) == 18 and lines[-1].endswith("up to date")  # nothing rendered again
    monkeypatch.setattr(shipped, "weights_id", lambda model: "w2")  # other weights: all again
    ship(object(), "test.weights.h5", tmp_path, log=lines.append)
    assert len(renders) == 36
