"""The Fourier method on block1_conv1: its own learning rate, and pictures that are readable.

block1_conv1's filters see 3x3 pixels, so their mean activation is almost linear in the
picture and Adam at the usual 0.05 drives the tiles into the sigmoid's flat ends (blown out).
The real network's pictures are measured: not flat, and not saturated, at the layer's rate.
"""

from __future__ import annotations

import numpy as np
import pytest

from bench.bench_fourier import tile_figures
from core.filters.methods import METHODS
from core.filters.settings import GridSettings, default_settings
from tests.support.weights import NO_WEIGHTS, trained_weights

LIVE = [31, 25, 12, 18]  # filters of the shipped block1_conv1 grid that fire on mid-grey


@pytest.mark.parametrize(
    "layer, expected", [("block1_conv1", 0.01), ("block1_conv2", 0.05), ("block5_conv3", 0.05)]
)
def test_the_fourier_learning_rate_is_the_layers_own(layer, expected):
    assert METHODS["fourier"].step_size_on(layer) == expected
    assert METHODS["seed"].step_size_on(layer) == 1.0
    assert GridSettings.for_method("fourier", layer=layer).step_size == expected
    assert GridSettings(layer=layer).with_method("fourier").step_size == expected
    assert GridSettings(layer=layer).with_filters([1, 2], "fourier").step_size == expected
    assert default_settings(layer, "fourier", indices=(1, 2)).step_size == expected


def test_tile_figures_tell_flat_saturated_and_textured_tiles_apart():
    flat = np.full((1, 16, 16, 3), 128, np.uint8)
    blown = np.full((1, 16, 16, 3), 255, np.uint8)
    stripes = np.zeros((1, 16, 16, 3), np.uint8)
    stripes[:, :, ::2] = 200
    stripes[:, :, 1::2] = 50
    contrast, saturated = tile_figures(np.concatenate([flat, blown, stripes]))
    np.testing.assert_allclose(contrast, [0.0, 0.0, 75.0])
    np.testing.assert_allclose(saturated, [0.0, 1.0, 0.0])


@pytest.fixture(scope="module")
def vgg16():
    weights = trained_weights()
    if weights is None:
        pytest.skip(NO_WEIGHTS)
    from core.filters.model import load_vgg16
    from core.filters.visualizer import Visualizer

    return Visualizer(load_vgg16(weights), "float32")


def test_block1_conv1_fourier_tiles_are_neither_flat_nor_blown_out(vgg16):
    from core.filters.ascent import visualize_filters

    steps = METHODS["fourier"].steps
    layer_rate = visualize_filters(
        vgg16, "block1_conv1", LIVE, size=64, steps=steps, method="fourier"
    )
    old_rate = visualize_filters(
        vgg16, "block1_conv1", LIVE, size=64, steps=steps, step_size=0.05, method="fourier"
    )
    assert layer_rate.alive.all()
    contrast, saturated = tile_figures(layer_rate.images)
    assert (contrast > 8).all(), contrast  # not one flat colour
    assert (saturated < 0.02).all(), saturated  # not blown out
    _, saturated_before = tile_figures(old_rate.images)
    assert saturated_before.mean() > 3 * max(saturated.mean(), 0.005), saturated_before
