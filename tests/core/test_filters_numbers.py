"""One cell by the numbers and receptive fields, against independent references.

- The hand computation against the network's own map (Keras' forward pass, preprocessed by
  ``keras.applications.vgg16.preprocess_input``) for every cell and filter of a small photo,
  and against a float64 Keras convolution with the same weights.
- Receptive fields against the closed form r = 1 + sum_l (k_l - 1) prod_{m<l} s_m over VGG16's
  configuration D (Simonyan and Zisserman, 2015), published multiply-add counts, and the
  pixels where ``tf.GradientTape`` finds a non-zero gradient for one cell.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from core.filters.features import preprocess
from core.filters.model import truncate, untrained_vgg16
from core.filters.numbers import (
    Box,
    cell_at_pixel,
    default_cell,
    field_box,
    first_layer_weights,
    kernel_pictures,
    layer_stack,
    one_cell,
    patch,
    receptive_fields,
)
from core.filters.photos import read_picture
from tests.conftest import ROOT

CONV_NAMES = [
    f"block{b}_conv{c}"
    for b, n in ((1, 2), (2, 2), (3, 3), (4, 3), (5, 3))
    for c in range(1, n + 1)
]
# VGG16, configuration D: 3x3 convolutions (stride 1, 'same') and 2x2 max poolings (stride 2).
CONFIG_D = [(name, 3, 1) for name in CONV_NAMES[:2]] + [("pool1", 2, 2)]
CONFIG_D += [(name, 3, 1) for name in CONV_NAMES[2:4]] + [("pool2", 2, 2)]
CONFIG_D += [(name, 3, 1) for name in CONV_NAMES[4:7]] + [("pool3", 2, 2)]
CONFIG_D += [(name, 3, 1) for name in CONV_NAMES[7:10]] + [("pool4", 2, 2)]
CONFIG_D += [(name, 3, 1) for name in CONV_NAMES[10:13]] + [("pool5", 2, 2)]
# The usual table (e.g. Araujo et al., "Computing receptive fields of CNNs", Distill 2019).
PUBLISHED_FIELDS = {
    "block1_conv1": 3,
    "block1_conv2": 5,
    "block2_conv1": 10,
    "block2_conv2": 14,
    "block3_conv1": 24,
    "block3_conv2": 32,
    "block3_conv3": 40,
    "block4_conv1": 60,
    "block4_conv2": 76,
    "block4_conv3": 92,
    "block5_conv1": 132,
    "block5_conv2": 164,
    "block5_conv3": 196,
}


def small_photo() -> np.ndarray:
    """An 11x14 crop (not square: rows and columns cannot be swapped unseen) of a real photo."""
    data = (ROOT / "assets" / "samples" / "chelsea.jpg").read_bytes()
    return read_picture(data, 48).pixels[18:29, 14:28]


def by_hand(pixels: np.ndarray, W: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Z and A of every cell and filter, one ``one_cell`` at a time."""
    x = preprocess(pixels)
    h, w = x.shape[:2]
    Z, A = np.zeros((h, w, W.shape[3])), np.zeros((h, w, W.shape[3]))
    for f in range(W.shape[3]):
        for i in range(h):
            for j in range(w):
                cell = one_cell(x, W, b, f, i, j)
                Z[i, j, f], A[i, j, f] = cell.Z, cell.A
    return Z, A


def keras_maps(model: keras.Model, pixels: np.ndarray) -> np.ndarray:
    """The network's block1_conv1 maps, its input made by Keras' own preprocess_input."""
    x = keras.applications.vgg16.preprocess_input(pixels[None].astype(np.float32))
    return truncate(model, "block1_conv1")(x).numpy()[0]


def keras_z64(W: np.ndarray, b: np.ndarray, pixels: np.ndarray) -> np.ndarray:
    """Z by a float64 Keras convolution with the same weights, 'same' padding, no ReLU."""
    conv = keras.layers.Conv2D(W.shape[3], 3, padding="same", dtype="float64")
    # The float32 input the network sees, then every product and sum in float64.
    x = keras.applications.vgg16.preprocess_input(pixels[None].astype(np.float32))
    x = x.astype(np.float64)
    conv.build(x.shape)
    conv.set_weights([W.astype(np.float64), b.astype(np.float64)])
    return conv(x).numpy()[0]


def check_every_cell(model: keras.Model) -> None:
    pixels = small_photo()
    W, b = first_layer_weights(model)
    Z, A = by_hand(pixels, W, b)
    network = keras_maps(model, pixels)
    # The network adds in float32: 1e-4, plus float32 rounding of values in the hundreds.
    np.testing.assert_allclose(A, network, rtol=1e-6, atol=1e-4)
    np.testing.assert_allclose(Z, keras_z64(W, b, pixels), rtol=0, atol=1e-9)
    assert (Z < 0).any() and (Z > 0).any()  # ReLU cut some cells, kept others
    assert network.shape[:2] == pixels.shape[:2]  # the border cells (padding) are included


@pytest.fixture(scope="module")
def untrained():
    """A seeded untrained VGG16 whose block1_conv1 also has non-zero biases."""
    model = untrained_vgg16(seed=3)
    conv = model.get_layer("block1_conv1")
    W, b = conv.get_weights()
    conv.set_weights([W, np.random.default_rng(3).uniform(-1, 1, b.shape).astype(np.float32)])
    return model


def test_hand_equals_the_network_for_every_cell_and_filter_untrained(untrained):
    check_every_cell(untrained)


@pytest.mark.slow
def test_hand_equals_the_network_for_every_cell_and_filter_trained(trained_vgg16):
    check_every_cell(trained_vgg16.model)


def test_the_patch_is_zero_past_the_edge():
    x = np.arange(4 * 5 * 3, dtype=np.float32).reshape(4, 5, 3)
    values, inside = patch(x, 0, 0)
    assert inside.tolist() == [[False, False, False], [False, True, True], [False, True, True]]
    np.testing.assert_array_equal(values[1:, 1:], x[:2, :2])
    assert not values[0].any() and not values[:, 0].any()
    values, inside = patch(x, 3, 4)
    np.testing.assert_array_equal(values[:2, :2], x[2:, 3:])
    assert inside.sum() == 4
    values, inside = patch(x, 2, 2)
    np.testing.assert_array_equal(values, x[1:4, 1:4])
    assert inside.all()


def test_one_cell_is_the_sum_of_its_27_products_plus_the_bias():
    x = np.full((5, 5, 3), 2.0, np.float32)
    W = np.ones((3, 3, 3, 2), np.float32)
    W[..., 1] = -1
    b = np.array([-50.0, 10.0], np.float32)
    cell = one_cell(x, W, b, 0, 2, 2)
    assert cell.products.shape == (3, 3, 3) and cell.Z == 27 * 2 - 50 and cell.A == 4
    corner = one_cell(x, W, b, 0, 0, 0)  # only 4 pixels of 9 on the picture
    assert corner.Z == 4 * 3 * 2 - 50 and corner.A == 0
    negative = one_cell(x, W, b, 1, 2, 2)
    assert negative.Z == -54 + 10 and negative.A == 0


def test_the_default_cell_is_the_most_active_filter_at_its_peak():
    A = np.zeros((6, 7, 4), np.float32)
    A[..., 1] = 1.0  # highest mean
    A[4, 5, 1] = 3.0
    A[0, 0, 2] = 20.0  # the highest single value, but a lower mean
    assert default_cell(A) == (1, 4, 5)


def test_kernel_pictures_turn_bgr_weights_into_rgb_colours():
    W = np.zeros((3, 3, 3, 2))
    W[0, 0, 0, 0] = 0.5  # blue weight, top left
    W[2, 2, 2, 0] = -0.25  # red weight, bottom right
    W[1, 1, 1, 1] = 0.1
    own = kernel_pictures(W, "own")
    assert own.shape == (2, 3, 3, 3)
    assert own[0, 0, 0].tolist() == [128, 128, 255]  # RGB: blue at full brightness
    assert own[0, 2, 2].tolist() == [64, 128, 128]  # red at half darkness
    assert own[1, 1, 1].tolist() == [128, 255, 128]  # each kernel to its own maximum
    shared = kernel_pictures(W, "shared")
    assert shared[1, 1, 1].tolist() == [128, 153, 128]  # 0.1 of 0.5: faint


BAD = [
    (lambda: one_cell(np.zeros((4, 4, 3)), np.zeros((3, 3, 3, 2)), np.zeros(2), 2, 0, 0), "filter"),
    (
        lambda: one_cell(np.zeros((4, 4, 3)), np.zeros((3, 3, 3, 2)), np.zeros(2), 0, 4, 0),
        "outside",
    ),
    (
        lambda: one_cell(np.zeros((4, 4, 3)), np.zeros((3, 3, 1, 2)), np.zeros(2), 0, 0, 0),
        "kernels",
    ),
    (lambda: one_cell(np.zeros((4, 4, 3)), np.zeros((3, 3, 3, 2)), np.zeros(3), 0, 0, 0), "biases"),
    (lambda: patch(np.zeros((4, 4)), 0, 0), "shape"),
    (lambda: patch(np.zeros((4, 4, 3)), 0, 0, k=2), "odd"),
    (lambda: kernel_pictures(np.zeros((3, 3, 3, 2)), "loud"), "scale"),
    (lambda: kernel_pictures(np.zeros((3, 3, 2)), "own"), "kernels"),
    (lambda: receptive_fields([], 0), "size"),
]


@pytest.mark.parametrize("call, message", BAD)
def test_bad_inputs_are_refused_with_the_value_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# Receptive fields


@pytest.fixture(scope="module")
def vgg16_architecture() -> keras.Model:
    return keras.applications.VGG16(weights=None, include_top=False, input_shape=(None, None, 3))


def closed_form_fields() -> dict[str, tuple[int, int]]:
    """(r, J) of every layer of configuration D: r = 1 + sum (k - 1) * prod of earlier strides."""
    out, r, jump = {}, 1, 1
    for name, k, s in CONFIG_D:
        r += (k - 1) * jump
        jump *= s
        out[name] = (r, jump)
    return out


def test_receptive_fields_equal_the_closed_form_and_the_published_table(vgg16_architecture):
    fields = receptive_fields(layer_stack(vgg16_architecture), 224)
    conv = {name: (f.size, f.jump) for name, f in fields.items() if f.stage.kind == "conv"}
    expected = {name: rj for name, rj in closed_form_fields().items() if name in CONV_NAMES}
    assert conv == expected
    assert {name: r for name, (r, _) in conv.items()} == PUBLISHED_FIELDS
    assert fields["block5_pool"].size == 212 and fields["block5_pool"].jump == 32
    sides = [fields[name].side for name in ("block1_conv1", "block2_conv1", "block5_conv3")]
    assert sides == [224, 112, 14]


def test_multiply_adds_equal_vgg16s_published_count(vgg16_architecture):
    fields = receptive_fields(layer_stack(vgg16_architecture), 224)
    assert fields["block1_conv1"].cell_macs == 27
    assert fields["block1_conv1"].layer_macs == 224 * 224 * 64 * 27
    assert fields["block5_conv3"].cell_macs == 3 * 3 * 512
    convs = fields["block5_pool"].total_macs
    dense = 7 * 7 * 512 * 4096 + 4096 * 4096 + 4096 * 1000
    # VGG16 with its classifier: 15.47 G multiply-adds at 224 px (ptflops, torchvision's docs).
    assert round((convs + dense) / 1e9, 2) == 15.47


def test_a_cell_sees_its_box_and_the_nearest_cell_is_found(vgg16_architecture):
    fields = receptive_fields(layer_stack(vgg16_architecture), 224)
    f = fields["block2_conv1"]
    assert field_box(f, 0, 0) == Box(-4, -4, 5, 5)
    assert field_box(f, 0, 0).clip(224) == Box(0, 0, 5, 5)
    assert cell_at_pixel(f, 9, 0) == (4, 0) and cell_at_pixel(f, 500, -3) == (111, 0)
    with pytest.raises(ValueError, match="outside"):
        field_box(f, 112, 0)


def test_layers_that_change_what_a_cell_sees_in_unknown_ways_are_refused():
    inputs = keras.Input((None, None, 3))
    dilated = keras.Model(inputs, keras.layers.Conv2D(2, 3, dilation_rate=2)(inputs))
    with pytest.raises(ValueError, match="dilated"):
        layer_stack(dilated)
    flat = keras.Input((8, 8, 3))
    dense = keras.Model(flat, keras.layers.Dense(2)(keras.layers.Flatten()(flat)))
    with pytest.raises(ValueError, match="Flatten"):
        layer_stack(dense)


def positive_twin(model: keras.Model, width: int = 2) -> keras.Model:
    """VGG16's geometry read from Keras' own layers, with every weight positive (float64).

    Max pooling passes a gradient to one pixel of four, so the twin averages instead: the
    same windows and strides, and every pixel of the field then gets a non-zero gradient.
    """
    inputs = keras.Input((None, None, 3), dtype="float64")
    x = inputs
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            x = keras.layers.Conv2D(
                width,
                layer.kernel_size,
                layer.strides,
                layer.padding,
                activation="relu",
                name=layer.name,
                dtype="float64",
            )(x)
        elif isinstance(layer, keras.layers.MaxPooling2D):
            x = keras.layers.AveragePooling2D(
                layer.pool_size, layer.strides, layer.padding, name=layer.name, dtype="float64"
            )(x)
    twin = keras.Model(inputs, x)
    for layer in twin.layers:
        if layer.get_weights():
            kernel, bias = layer.get_weights()
            layer.set_weights([np.full_like(kernel, 1 / kernel[..., 0].size), np.zeros_like(bias)])
    return twin


def seen_pixels(model: keras.Model, layer: str, size: int, i: int, j: int) -> np.ndarray:
    """(size, size) bool: the input pixels with a non-zero gradient of cell (i, j), filter 0."""
    cut = keras.Model(model.inputs, model.get_layer(layer).output)
    x = tf.constant(
        np.random.default_rng(0).uniform(1, 2, (1, size, size, 3)), model.inputs[0].dtype
    )
    with tf.GradientTape() as tape:
        tape.watch(x)
        cell = cut(x)[0, i, j, 0]
    return np.any(tape.gradient(cell, x).numpy()[0] != 0, axis=-1)


@pytest.fixture(scope="module")
def twin(vgg16_architecture):
    return positive_twin(vgg16_architecture)


@pytest.mark.parametrize("layer", CONV_NAMES)
def test_the_gradient_reaches_exactly_the_receptive_field(twin, vgg16_architecture, layer):
    size = 224
    field = receptive_fields(layer_stack(vgg16_architecture), size)[layer]
    middle = field.side // 2
    for i, j in [(middle, middle - 1), (0, 0), (field.side - 1, 1)]:
        box = field_box(field, i, j).clip(size)
        seen = seen_pixels(twin, layer, size, i, j)
        rows, cols = np.nonzero(seen.any(axis=1))[0], np.nonzero(seen.any(axis=0))[0]
        assert Box(rows[0], cols[0], rows[-1], cols[-1]) == box, (layer, i, j)
        assert seen.sum() == box.height * box.width  # every pixel of the box, none outside
    interior = seen_pixels(twin, layer, size, middle, middle - 1)
    assert interior.any(axis=1).sum() == field.size == PUBLISHED_FIELDS[layer]


def test_the_real_first_block_with_positive_weights_sees_3_then_5_pixels():
    model = untrained_vgg16(seed=1)
    for name in ("block1_conv1", "block1_conv2"):
        conv = model.get_layer(name)
        kernel, bias = conv.get_weights()
        conv.set_weights([np.abs(kernel), np.zeros_like(bias)])
    for layer, side in (("block1_conv1", 3), ("block1_conv2", 5)):
        seen = seen_pixels(model, layer, 16, 8, 7)
        assert seen.sum() == side * side and seen.any(axis=0).sum() == side
