"""The filters page's cached charts are keyed by their inputs' values: each input, changed
alone, gives a new chart (a key that missed one would show the old chart and raise nothing);
the same inputs again give the cached one."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import plotly.graph_objects as go
import pytest

from core.filters.features import preprocess
from core.filters.grid import FilterGrid, stitch
from core.filters.numbers import Box
from ui.cache import array_digest
from ui.filters import charts, pictures

RNG = np.random.default_rng(26)


def fingerprint(value) -> str:
    """What a cached function gave, as comparable text: figures by their JSON, arrays by value."""
    if isinstance(value, go.Figure):  # the theme and empty parts aside (a copy drops them)
        figure = json.loads(value.to_json())
        figure["layout"].pop("template", None)
        return json.dumps(without_empty(figure), sort_keys=True)
    if isinstance(value, np.ndarray):
        return array_digest(value).hex()
    if isinstance(value, tuple | list):
        return json.dumps([fingerprint(v) for v in value])
    return repr(value)


def without_empty(value):
    if isinstance(value, dict):
        return {k: without_empty(v) for k, v in value.items() if v != {}}
    if isinstance(value, list):
        return [without_empty(v) for v in value]
    return value


def changed_one_by_one(function, base: dict, changes: dict) -> None:
    """``function(**base)`` is cached; each of ``changes`` alone gives a new result."""
    assert set(changes) == set(base), "every input is changed once"
    first = function(**base)
    again = function(**base)
    assert fingerprint(again) == fingerprint(first)
    for name, value in changes.items():
        result = function(**{**base, name: value})
        assert fingerprint(result) != fingerprint(first), f"{name} changed, same result"


def one_element_changed(array: np.ndarray, delta: float = 1) -> np.ndarray:
    """``array`` with one element deep inside changed (Streamlit's own hash samples arrays of
    500,000 elements or more, so it would miss this one)."""
    other = array.copy()
    other.flat[array.size // 2 + 7] += delta
    return other


def changed_at(array: np.ndarray, index: tuple, delta: float) -> np.ndarray:
    other = array.copy()
    other[index] += delta
    return other


@pytest.fixture(autouse=True)
def empty_caches():
    for function in (
        charts.grid_chart,
        charts.photo_chart,
        charts.map_chart,
        charts.sweep_chart,
        charts.field_chart,
        charts.kernels_chart,
        pictures.maps_for,
        pictures.maps_drawing,
        pictures.network_drawing,
        pictures.picture_for,
    ):
        function.clear()


def grid(n: int = 3, side: int = 160) -> FilterGrid:
    tiles = RNG.integers(0, 256, (n * n, side, side, 3), dtype=np.uint8)
    losses = np.linspace(3.0, 1.0, n * n).astype(np.float32)
    return FilterGrid(
        image=stitch(tiles, n, 5),
        filter_indices=np.arange(n * n, dtype=np.int64),
        losses=losses,
        tiles=tiles,
        loss_history=np.repeat(losses[:, None], 4, axis=1),
        layer="block1_conv1",
        n=n,
        image_steps=4 * n * n,
        candidates=n * n,
    )


def test_the_grid_chart_changes_with_every_part_of_the_grid_it_draws():
    base = grid()
    assert base.image.size >= 500_000  # beyond Streamlit's sampling: every pixel counts
    changed_one_by_one(
        lambda grid: charts.grid_chart(grid),
        {"grid": base},
        {"grid": replace(base, image=one_element_changed(base.image))},
    )
    for change in (
        {"filter_indices": base.filter_indices[::-1].copy()},
        {"losses": base.losses * 2},
        {"n": 2, "filter_indices": base.filter_indices[:4], "losses": base.losses[:4]},
    ):
        other = charts.grid_chart(replace(base, **change))
        assert fingerprint(other) != fingerprint(charts.grid_chart(base)), change


def test_the_numbers_charts_change_with_each_input():
    pixels = RNG.integers(0, 256, (64, 64, 3), dtype=np.uint8)
    A = RNG.random((64, 64)).astype(np.float32)
    changed_one_by_one(
        charts.photo_chart,
        {"pixels": pixels, "i": 5, "j": 6},
        {"pixels": one_element_changed(pixels), "i": 6, "j": 7},
    )
    changed_one_by_one(
        charts.map_chart,
        {"A_f": A, "f": 1, "i": 5, "j": 6},
        {"A_f": one_element_changed(A), "f": 2, "i": 6, "j": 7},
    )
    box, patch = Box(0, 0, 10, 10), Box(4, 4, 7, 7)
    changed_one_by_one(
        charts.field_chart,
        {"pixels": pixels, "box": box, "patch": patch, "title": "a"},
        {
            "pixels": one_element_changed(pixels),
            "box": Box(0, 0, 12, 12),
            "patch": Box(5, 5, 8, 8),
            "title": "b",
        },
    )


def test_the_sweep_changes_with_each_input():
    pixels = RNG.integers(0, 256, (48, 48, 3), dtype=np.uint8)
    x = np.pad(preprocess(pixels), ((1, 1), (1, 1), (0, 0)))
    W = RNG.normal(size=(3, 3, 3, 4)).astype(np.float32)
    b = RNG.normal(size=4).astype(np.float32)
    A = RNG.random((48, 48)).astype(np.float32)
    changed_one_by_one(
        charts.sweep_chart,
        {
            "x": x,
            "W": W,
            "b": b,
            "pixels": pixels,
            "A_f": A,
            "f": 1,
            "i": 5,
            "j": 6,
            "compact": False,
        },
        {
            "x": changed_at(x, (6, 10, 1), 50.0),  # under row 5's cells
            "W": changed_at(W, (1, 1, 0, 1), 1.0),  # filter 1's kernel
            "b": b + 1,
            "pixels": changed_at(pixels, (5, 6, 0), 40),  # the sweep shows rows near i
            "A_f": changed_at(A, (5, 6), 0.5),
            "f": 2,
            "i": 6,
            "j": 30,  # the sweep shows 24 columns around j
            "compact": True,
        },
    )


def test_the_kernels_chart_changes_with_each_input():
    W = RNG.normal(size=(3, 3, 3, 8)).astype(np.float32)
    picture = RNG.integers(0, 256, (16, 16, 3), dtype=np.uint8)
    changed_one_by_one(
        charts.kernels_chart,
        {"W": W, "scale": "own", "per_row": 8, "pictures": ((0, picture),), "f": 0},
        {
            "W": one_element_changed(W, 3.0),
            "scale": "shared",
            "per_row": 4,
            "pictures": ((0, one_element_changed(picture, 50)),),
            "f": 1,
        },
    )


class FakeNetwork:
    """Stands for a network: its maps of a picture depend on its weights (``factor``)."""

    def __init__(self, factor: int) -> None:
        self.factor = factor


def fake_maps(model: FakeNetwork, pixels: np.ndarray) -> dict[str, np.ndarray]:
    base = pixels.astype(np.float32).mean(axis=2)
    return {
        "block1_conv1": np.stack([base * (k + model.factor) % 97 for k in range(8)], axis=2),
        "block2_conv2": np.stack(
            [base[::2, ::2] * (k + model.factor) % 89 for k in range(8)], axis=2
        ),
    }


def test_the_picture_drawings_change_with_each_input(monkeypatch):
    monkeypatch.setattr(pictures, "feature_maps", fake_maps)
    pixels = RNG.integers(0, 256, (48, 48, 3), dtype=np.uint8)
    picture = RNG.integers(0, 256, (32, 32, 3), dtype=np.uint8)
    one, other = FakeNetwork(1), FakeNetwork(5)
    base = {
        "pixels": pixels,
        "wkey": "one",
        "_model": one,
        "layer": "block1_conv1",
        "indices": (0, 1, 2, 3),
        "found": ((0, picture),),
        "n": 2,
        "scale": "own",
    }
    first = pictures.maps_drawing(**base)
    assert fingerprint(pictures.maps_drawing(**base)) == fingerprint(first)
    for change in (
        {"pixels": one_element_changed(pixels, 40)},
        {"wkey": "other", "_model": other},  # a network is keyed by its weights' hash
        {"layer": "block2_conv2"},
        {"indices": (4, 1, 2, 3)},
        {"found": ((0, one_element_changed(picture, 50)),)},
        {"n": 3},
        {"scale": "shared"},
    ):
        result = pictures.maps_drawing(**{**base, **change})
        assert fingerprint(result) != fingerprint(first), f"{change} changed, same drawing"
    layers = ("block1_conv1", "block2_conv2")
    rows = pictures.network_drawing(pixels, "one", one, layers, 2, "own")
    assert fingerprint(pictures.network_drawing(pixels, "one", one, layers, 2, "own")) == (
        fingerprint(rows)
    )
    for changed in (
        (one_element_changed(pixels, 40), "one", one, layers, 2, "own"),
        (pixels, "other", other, layers, 2, "own"),
        (pixels, "one", one, layers[:1], 2, "own"),
        (pixels, "one", one, layers, 3, "own"),
        (pixels, "one", one, layers, 2, "shared"),
    ):
        assert fingerprint(pictures.network_drawing(*changed)) != fingerprint(rows), changed[1:]


def test_the_decoded_picture_changes_with_its_bytes_and_size():
    from io import BytesIO

    from PIL import Image

    def png(colour) -> bytes:
        out = BytesIO()
        Image.new("RGB", (60, 40), colour).save(out, format="PNG")
        return out.getvalue()

    first = pictures.picture_for(png((200, 40, 40)), 96)
    assert first.pixels.shape == (96, 96, 3)
    assert (
        pictures.picture_for(png((40, 200, 40)), 96).pixels[0, 0].tolist()
        != first.pixels[0, 0].tolist()
    )
    assert pictures.picture_for(png((200, 40, 40)), 128).pixels.shape == (128, 128, 3)
