"""Feature maps of a picture: checked against Keras itself, planted kernels and known ranks."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from core.filters.ascent import visualize_filters
from core.filters.features import (
    colour_map,
    conv_layer_names,
    feature_maps,
    find_filter_pictures,
    heat_tiles,
    picture_settings,
    preprocess,
    render_filter_pictures,
    strongest_per_layer,
    top_filters,
    unpreprocess,
    upsample,
)
from core.filters.grid import filter_grid
from core.filters.model import load_vgg16
from core.filters.settings import GridSettings, default_settings
from core.filters.store import save_grid

# (block, convolutions, filters): VGG16's layout and names, with a handful of filters each.
TINY_LAYOUT = (
    ("block1", 2, 4),
    ("block2", 2, 6),
    ("block3", 3, 8),
    ("block4", 3, 8),
    ("block5", 3, 8),
)


def tiny_vgg(seed: int = 0) -> keras.Model:
    """A VGG16-shaped network (same layer names, 5 blocks, 5 poolings) with few filters."""
    inputs = keras.Input((None, None, 3))
    x = inputs
    for block, convs, filters in TINY_LAYOUT:
        for i in range(1, convs + 1):
            x = keras.layers.Conv2D(
                filters, 3, padding="same", activation="relu", name=f"{block}_conv{i}"
            )(x)
        x = keras.layers.MaxPooling2D(2, name=f"{block}_pool")(x)
    model = keras.Model(inputs, x, name="tiny_vgg")
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        if layer.get_weights():
            kernel, bias = layer.get_weights()
            scale = np.sqrt(2.0 / np.prod(kernel.shape[:3]))
            layer.set_weights(
                [
                    rng.normal(0, scale, kernel.shape).astype(np.float32),
                    rng.uniform(0, 0.5, bias.shape).astype(np.float32),
                ]
            )
    return model


@pytest.fixture(scope="module")
def tiny():
    return tiny_vgg()


def picture(size: int = 64, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (size, size, 3), dtype=np.uint8)


# Preprocessing


@settings(max_examples=40, deadline=None)
@given(arrays(np.uint8, st.tuples(st.integers(1, 9), st.integers(1, 9), st.just(3))))
def test_preprocess_equals_keras_preprocess_input(pixels):
    expected = keras.applications.vgg16.preprocess_input(pixels.astype(np.float32).copy())
    np.testing.assert_allclose(preprocess(pixels), expected, rtol=0, atol=1e-4)
    np.testing.assert_array_equal(unpreprocess(preprocess(pixels)), pixels)


def test_preprocess_of_a_batch_equals_keras_too():
    batch = np.stack([picture(8, s) for s in range(3)])
    expected = keras.applications.vgg16.preprocess_input(batch.astype(np.float32))
    np.testing.assert_allclose(preprocess(batch), expected, atol=1e-4)


@pytest.mark.parametrize("shape", [(8, 8), (8, 8, 4), (2, 2, 8, 8, 3)])
def test_preprocess_refuses_other_shapes(shape):
    with pytest.raises(ValueError, match="expected RGB pixels"):
        preprocess(np.zeros(shape))


# Maps


def test_maps_equal_a_direct_keras_forward_pass_for_every_layer(tiny):
    pixels = picture(48)
    maps = feature_maps(tiny, pixels)
    names = [f"{b}_conv{i}" for b, convs, _ in TINY_LAYOUT for i in range(1, convs + 1)]
    assert list(maps) == names == conv_layer_names(tiny)
    x = keras.applications.vgg16.preprocess_input(pixels[None].astype(np.float32))
    for name in names:
        cut = keras.Model(tiny.inputs, tiny.get_layer(name).output)
        expected = cut.predict(x, verbose=0)[0]
        assert maps[name].shape == expected.shape
        np.testing.assert_allclose(maps[name], expected, rtol=1e-4, atol=1e-3)
    assert maps["block5_conv3"].shape[:2] == (3, 3)  # 48 halved four times


def test_maps_of_another_size_need_no_new_model(tiny):
    small, large = feature_maps(tiny, picture(32)), feature_maps(tiny, picture(80))
    assert small["block1_conv1"].shape == (32, 32, 4)
    assert large["block1_conv1"].shape == (80, 80, 4)


def test_real_vgg16_maps_equal_keras_on_a_sample_photo(trained_vgg16):
    from core.filters.photos import read_picture
    from tests.conftest import ROOT

    model = trained_vgg16.model
    pixels = read_picture((ROOT / "assets" / "samples" / "chelsea.jpg").read_bytes(), 64).pixels
    maps = feature_maps(trained_vgg16, pixels)
    assert len(maps) == 13
    x = keras.applications.vgg16.preprocess_input(pixels[None].astype(np.float32))
    for name in ("block1_conv1", "block3_conv3", "block5_conv3"):
        expected = keras.Model(model.inputs, model.get_layer(name).output).predict(x, verbose=0)
        np.testing.assert_allclose(maps[name], expected[0], rtol=1e-3, atol=1e-2)


# A planted vertical-edge kernel


@pytest.fixture(scope="module")
def vgg_with_edge_kernel():
    """Untrained VGG16 whose block1_conv1 filter 0 is a Sobel kernel for dark-to-bright edges
    going right, and filter 1 the same for bright-to-dark (ReLU keeps one polarity each)."""
    model = load_vgg16(None)
    layer = model.get_layer("block1_conv1")
    kernel, bias = layer.get_weights()
    sobel = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], np.float32)
    kernel[:, :, :, 0] = sobel[:, :, None] / 3
    kernel[:, :, :, 1] = -sobel[:, :, None] / 3
    layer.set_weights([kernel, np.zeros_like(bias)])
    return model


def test_planted_vertical_edge_kernel_fires_on_vertical_edges_only(vgg_with_edge_kernel):
    pixels = np.zeros((64, 64, 3), np.uint8)
    pixels[16:48, 20:44] = 255  # a white rectangle: vertical edges at x=20 and x=44
    A = feature_maps(vgg_with_edge_kernel, pixels)["block1_conv1"]
    rising, falling = A[:, :, 0], A[:, :, 1]
    inside_rows = slice(18, 46)  # away from the corners
    assert rising[inside_rows, 19:21].min() > 100  # fires all along the left edge
    assert falling[inside_rows, 43:45].min() > 100  # and its twin along the right edge
    silent = 1e-3  # float rounding of a zero response
    assert rising[inside_rows, 43:45].max() < silent and falling[inside_rows, 19:21].max() < silent
    columns = slice(23, 41)  # the top and bottom edges, away from the corners
    for rows in (slice(14, 18), slice(46, 50)):
        assert rising[rows, columns].max() < silent and falling[rows, columns].max() < silent
    assert rising[30, 5] < silent and rising[30, 30] < silent  # flat regions stay silent


# Ranking


def test_top_filters_ranks_by_mean_activation():
    A = np.zeros((4, 4, 5), np.float32)
    A[..., 0] = 1.0
    A[0, 0, 1] = 100.0  # one hot cell: mean 6.25, the strongest
    A[..., 2] = 3.0
    A[..., 4] = 3.0  # a tie with filter 2: the lower index first
    indices, means = top_filters(A, 4)
    assert list(indices) == [1, 2, 4, 0]
    np.testing.assert_allclose(means, [6.25, 3.0, 3.0, 1.0])


@pytest.mark.parametrize("k", [0, 6])
def test_top_filters_refuses_bad_k(k):
    with pytest.raises(ValueError, match="k must be between 1 and 5"):
        top_filters(np.zeros((2, 2, 5)), k)


def test_strongest_per_layer_takes_each_layers_own_best(tiny):
    maps = feature_maps(tiny, picture(64, 3))
    rows = strongest_per_layer(maps, ["block1_conv1", "block5_conv3"], 3)
    for layer, indices, means in rows:
        expected = np.argsort(-maps[layer].mean(axis=(0, 1)))[:3]
        assert list(indices) == list(expected)
        assert np.all(np.diff(means) <= 0)
    with pytest.raises(ValueError, match="no maps for layer"):
        strongest_per_layer(maps, ["fc1"], 3)


# Heatmaps


def test_upsample_keeps_cells_blocky_and_in_place():
    cells = np.arange(6, dtype=np.float32).reshape(2, 3)
    big = upsample(cells, 6)
    assert big.shape == (6, 6)
    assert big[0, 0] == 0 and big[0, 5] == 2 and big[5, 0] == 3 and big[5, 5] == 5
    assert list(big[0]) == [0, 0, 1, 1, 2, 2]


def test_heat_tiles_glow_where_the_map_fires():
    pixels = np.full((32, 32, 3), 128, np.uint8)
    A = np.zeros((4, 4, 2), np.float32)
    A[0, 3, 0] = 5.0  # top-right cell of filter 0
    A[:, :, 1] = 1.0  # filter 1 fires evenly, weaker
    own = heat_tiles(pixels, A, [0, 1], scale="own")
    yellow = colour_map(np.array(1.0))
    np.testing.assert_array_equal(own[0, 2, 30], yellow)  # inside the hot cell
    assert np.all(own[0, 20, 2] == own[0, 20, 2, 0])  # elsewhere: the grey picture
    np.testing.assert_array_equal(own[1, 5, 5], yellow)  # own scale: its own maximum
    shared = heat_tiles(pixels, A, [0, 1], scale="shared")
    assert not np.array_equal(shared[1, 5, 5], yellow)  # shared: 1/5 of the peak
    assert heat_tiles(pixels, A, [0], side=16).shape == (1, 16, 16, 3)
    with pytest.raises(ValueError, match="scale must be one of"):
        heat_tiles(pixels, A, [0], scale="log")
    with pytest.raises(ValueError, match=r"filter indices must be in 0..1, got \[2\]"):
        heat_tiles(pixels, A, [0, 2])
    with pytest.raises(ValueError, match="expected maps of shape"):
        heat_tiles(pixels, A[..., 0], [0])


def test_colour_map_runs_dark_to_bright():
    ends = colour_map(np.array([0.0, 1.0, -3.0, np.nan]))
    np.testing.assert_array_equal(ends[0], [68, 1, 84])
    np.testing.assert_array_equal(ends[1], [253, 231, 37])
    np.testing.assert_array_equal(ends[2], ends[0])
    lightness = colour_map(np.linspace(0, 1, 11)).astype(float) @ [0.299, 0.587, 0.114]
    assert np.all(np.diff(lightness) > 0)


# What each filter looks for: the grid store


def test_rendered_pictures_are_stored_found_again_and_match_the_document(tiny, tmp_path):
    wkey = "tiny"
    assert find_filter_pictures("block2_conv1", [0, 3], wkey, [tmp_path]) == {}
    drawn = render_filter_pictures(tiny, "block2_conv1", [3, 0], wkey, tmp_path)
    assert sorted(drawn) == [0, 3]
    found = find_filter_pictures("block2_conv1", [0, 3, 5], wkey, [tmp_path])
    assert sorted(found) == [0, 3]
    s = picture_settings("block2_conv1", 3)
    alone = visualize_filters(tiny, "block2_conv1", [3], size=s.size, steps=s.steps)
    np.testing.assert_array_equal(found[3], alone.images[0])  # the document's run, alone
    assert find_filter_pictures("block2_conv1", [0], "other weights", [tmp_path]) == {}


def test_pictures_come_from_the_layers_default_grid_when_it_is_there(tiny, tmp_path):
    s = default_settings("block1_conv1")
    grid = filter_grid(
        tiny, GridSettings(layer="block1_conv1", n=2, candidates=4, size=32, steps=2)
    )
    save_grid(grid, tmp_path, s.key("tiny", "float32"))
    found = find_filter_pictures("block1_conv1", list(grid.filter_indices), "tiny", [tmp_path])
    assert sorted(found) == sorted(int(f) for f in grid.filter_indices)
    for f, tile in zip(grid.filter_indices, grid.tiles, strict=True):
        np.testing.assert_array_equal(found[int(f)], tile)
