"""A dream from a picture: its step checked against TensorFlow autodiff and the document's step."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from core.filters.ascent import EPSILON, AscentStep
from core.filters.dream import DreamStep, channel_weights, dream
from core.filters.features import preprocess
from tests.core.test_features import tiny_vgg


@pytest.fixture(scope="module")
def tiny():
    return tiny_vgg(seed=1)


def photo(size: int = 40) -> np.ndarray:
    return np.random.default_rng(7).integers(0, 256, (size, size, 3), dtype=np.uint8)


def reference_step(model, layer, x, w, step_size):
    """One step written out with tf.GradientTape on a freshly cut Keras model."""
    cut = keras.Model(model.inputs, model.get_layer(layer).output)
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        A = cut(x)
        loss = tf.reduce_mean(A * tf.constant(w)[None, None, None, :]) * len(w)
    g = tape.gradient(loss, x).numpy()
    return float(loss), x.numpy() + step_size * g / (np.sqrt(np.mean(g**2)) + EPSILON)


@pytest.mark.parametrize("filter_index", [2, None])
def test_one_step_equals_tensorflow_autodiff(tiny, filter_index):
    layer = "block2_conv2"
    x = preprocess(photo())[None]
    w = channel_weights(6, filter_index)
    step = DreamStep(keras.Model(tiny.inputs, tiny.get_layer(layer).output))
    loss, after = step(x, w, 2.0)
    expected_loss, expected = reference_step(tiny, layer, x, w, 2.0)
    assert loss == pytest.approx(expected_loss, rel=1e-5)
    np.testing.assert_allclose(after, expected, rtol=1e-5, atol=1e-3)
    assert np.sqrt(np.mean((after - x) ** 2)) == pytest.approx(2.0, rel=1e-3)  # RMS step = eta


def test_one_filter_step_is_the_documents_step_from_the_photo(tiny):
    layer = "block3_conv1"
    cut = keras.Model(tiny.inputs, tiny.get_layer(layer).output)
    x = preprocess(photo())[None]
    loss, after = DreamStep(cut)(x, channel_weights(8, 5), 1.0)
    losses, document = AscentStep(cut)(x, np.array([5]), 1.0)
    assert loss == pytest.approx(float(losses[0]), rel=1e-5)
    np.testing.assert_allclose(after, document, rtol=1e-5, atol=1e-3)


def test_dream_climbs_and_returns_the_photo_it_became(tiny):
    start = photo()
    seen = []
    result = dream(
        tiny,
        "block4_conv1",
        start,
        3,
        steps=6,
        step_size=4.0,
        on_step=lambda done, total, loss: seen.append((done, total)),
    )
    assert seen == [(k, 6) for k in range(1, 7)]
    assert result.losses.shape == (7,)
    assert result.losses[-1] > result.losses[0]  # gradient ascent raises the activation
    assert result.pixels.shape == start.shape and result.pixels.dtype == np.uint8
    change = np.abs(result.pixels.astype(int) - start.astype(int)).mean()
    assert 1 < change < 60  # the photo morphs but is still there


def test_the_whole_layer_is_its_mean_activation(tiny):
    start = photo(32)
    result = dream(tiny, "block1_conv2", start, None, steps=1, step_size=0.0001)
    cut = keras.Model(tiny.inputs, tiny.get_layer("block1_conv2").output)
    A = cut.predict(
        keras.applications.vgg16.preprocess_input(start[None].astype(np.float32)), verbose=0
    )
    assert result.losses[0] == pytest.approx(A.mean(), rel=1e-4)


def test_switching_filter_and_target_never_traces_again(tiny):
    from core.filters.visualizer import Visualizer

    visualizer = Visualizer(tiny, "float32")
    for f in (0, 1, None, 3):
        dream(visualizer, "block1_conv1", photo(32), f, steps=1)
    dream(visualizer, "block1_conv1", photo(48), 2, steps=1)  # a new size: the signature is open
    step = visualizer.piece(("dream", "block1_conv1"), lambda: None)
    assert step.traces == 1


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"layer_name": "fc1"}, "unknown layer"),
        ({"filter_index": 99}, "filter index 99 out of range"),
        ({"filter_index": -1}, "out of range"),
        ({"steps": 0}, "steps must be between"),
        ({"step_size": 0.0}, "step_size must be a positive number"),
        ({"step_size": float("nan")}, "step_size must be a positive number"),
        ({"pixels": np.zeros((8, 8))}, "expected one RGB picture"),
    ],
)
def test_bad_dream_settings_are_refused(tiny, kwargs, message):
    args = {"layer_name": "block1_conv1", "pixels": photo(32), **kwargs}
    with pytest.raises(ValueError, match=message):
        dream(tiny, **args)


@pytest.mark.parametrize("count, index, expected", [(4, 1, [0, 1, 0, 0]), (4, None, [0.25] * 4)])
def test_channel_weights(count, index, expected):
    np.testing.assert_allclose(channel_weights(count, index), expected)
