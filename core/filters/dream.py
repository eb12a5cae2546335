"""A dream from a picture: the document's gradient ascent, started from a photo, not noise.

For one filter ``f`` the loss is the document's, the filter's mean activation; for the whole
layer it is the mean over every filter. Both are one weighted sum over the channels:

    loss = mean over (i, j) of sum_c w_c A[i, j, c](x)    w = e_f (one filter) or 1/C (layer)
    g    = d loss / d x
    x    = x + step_size * g / (RMS(g) + eps)              the document's normalised step

x starts as the preprocessed photo, so the photo slowly morphs into what the filter (or the
layer) sees in it. One compiled step serves every filter and both targets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from core.filters.ascent import EPSILON, MAX_STEPS
from core.filters.features import preprocess, unpreprocess
from core.filters.model import filter_count
from core.filters.visualizer import Visualizer, as_visualizer

if TYPE_CHECKING:
    import keras

StepCallback = Callable[[int, int, float], None]


class DreamStep:
    """One normalised gradient-ascent step on a photo, for any channel weights ``w``.

    ``w`` and the step size are tensors and the picture's size is open in the signature,
    so switching filter, target or picture never traces again.
    """

    def __init__(self, feature_model: keras.Model) -> None:
        import tensorflow as tf

        self.feature_model = feature_model
        self.traces = 0
        spec = (
            tf.TensorSpec([1, None, None, 3], tf.float32),
            tf.TensorSpec([None], tf.float32),
            tf.TensorSpec([], tf.float32),
        )
        self._step = tf.function(self._dream_step, input_signature=spec)

    def _dream_step(self, x, w, step_size):
        import tensorflow as tf

        self.traces += 1  # runs only while tracing
        with tf.GradientTape() as tape:
            tape.watch(x)
            A = self.feature_model(x, training=False)
            loss = tf.reduce_mean(tf.tensordot(A, w, axes=[[3], [0]]))  # mean_ij sum_c w_c A
        g = tape.gradient(loss, x)
        rms = tf.sqrt(tf.reduce_mean(tf.square(g)))
        return loss, x + step_size * g / (rms + EPSILON)

    def __call__(self, x: np.ndarray, w: np.ndarray, step_size: float) -> tuple[float, np.ndarray]:
        """One step: the loss before it and the (1, h, w, 3) input after it."""
        loss, x = self._step(
            np.asarray(x, np.float32), np.asarray(w, np.float32), np.float32(step_size)
        )
        return float(loss), x.numpy()


def channel_weights(count: int, filter_index: int | None) -> np.ndarray:
    """``w`` of the loss: one-hot on ``filter_index``, or 1/count each for the whole layer."""
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}")
    if filter_index is None:
        return np.full(count, 1.0 / count, np.float32)
    if not 0 <= filter_index < count:
        raise ValueError(f"filter index {filter_index} out of range: the layer has 0..{count - 1}")
    w = np.zeros(count, np.float32)
    w[filter_index] = 1.0
    return w


@dataclass
class Dream:
    """The result of a dream.

    Attributes:
        pixels: (h, w, 3) uint8 RGB, the photo after the ascent (clipped to 0..255).
        losses: (steps + 1,) the loss before every step and after the last one.
    """

    pixels: np.ndarray
    losses: np.ndarray


def dream(
    model: keras.Model | Visualizer,
    layer_name: str,
    pixels: np.ndarray,
    filter_index: int | None = None,
    steps: int = 20,
    step_size: float = 1.0,
    on_step: StepCallback | None = None,
) -> Dream:
    """Gradient ascent from a photo towards one filter (or the whole layer).

    Args:
        model: VGG16 taking preprocessed images, or a ``Visualizer`` holding it (whose compiled
            step is then reused).
        layer_name: The conv layer whose activation is climbed; nothing deeper runs.
        pixels: (h, w, 3) RGB picture in 0..255, the start.
        filter_index: The filter to climb; None climbs the layer's mean activation.
        steps: Gradient-ascent steps.
        step_size: Length of the normalised step, in pixel levels (the document's 1.0).
        on_step: Called as ``on_step(done, steps, loss)`` after every step.

    Returns:
        A ``Dream`` with the morphed photo and the loss curve.

    Raises:
        ValueError: Unknown layer, filter index out of range, or a bad setting.
    """
    pixels = np.asarray(pixels)
    if pixels.ndim != 3 or pixels.shape[-1] != 3:
        raise ValueError(f"expected one RGB picture of shape (h, w, 3), got {pixels.shape}")
    if not 1 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be between 1 and {MAX_STEPS}, got {steps}")
    if not (np.isfinite(step_size) and step_size > 0):
        raise ValueError(f"step_size must be a positive number, got {step_size}")
    visualizer = as_visualizer(model)
    w = channel_weights(filter_count(visualizer.model, layer_name), filter_index)
    feature_model = visualizer.features(layer_name)
    step = visualizer.piece(("dream", layer_name), lambda: DreamStep(feature_model))
    x = preprocess(pixels)[None]
    losses = []
    for t in range(steps):
        loss, x = step(x, w, step_size)
        losses.append(loss)
        if on_step is not None:
            on_step(t + 1, steps, loss)
    losses.append(step(x, w, 0.0)[0])  # the loss the result reaches (a zero step)
    return Dream(unpreprocess(x[0]), np.array(losses, np.float32))
