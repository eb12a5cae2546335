"""A better-looking filter picture: a decorrelated Fourier image made robust to small moves.

Following Distill's "Feature Visualization" (Olah et al., 2017) and Lucid:

    spectrum s (per colour, per frequency), scaled by 1/frequency so all scales learn equally
    x_dec = irfft2(s / max(|freq|, 1/size)) / 4         decorrelated colours
    x     = sigmoid(C . x_dec)                           C: ImageNet colour correlation
    loss  = mean activation of the filter on T(x)        T: random jitter and scale per step

and Adam climbs the loss in ``s``. Frequencies that would draw high-frequency noise are damped
by the 1/f scaling, and the random transformations reject patterns that only work at one exact
pixel alignment, so the pictures show shapes and textures instead of the document's noise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import keras

# Square root of the colour correlation of ImageNet pixels (from Lucid).
COLOR_CORRELATION_SQRT = np.array(
    [[0.26, 0.09, 0.02], [0.27, 0.00, -0.05], [0.27, -0.09, 0.03]], dtype=np.float32
)
COLOR_MATRIX = COLOR_CORRELATION_SQRT / np.max(np.linalg.norm(COLOR_CORRELATION_SQRT, axis=0))
CAFFE_MEAN_BGR = np.array([103.939, 116.779, 123.68], dtype=np.float32)
SCALES = np.array([1.0, 0.975, 1.025, 0.95, 1.05], dtype=np.float32)
PAD, JITTER = 8, 6
ADAM_BETA1, ADAM_BETA2, ADAM_EPS = 0.9, 0.999, 1e-8


def frequency_scale(size: int) -> np.ndarray:
    """(size, size//2 + 1) weights 1/|f| that give every spatial frequency equal energy."""
    fy = np.fft.fftfreq(size)[:, None]
    fx = np.fft.rfftfreq(size)[None, :]
    freq = np.sqrt(fx * fx + fy * fy)
    return (1.0 / np.maximum(freq, 1.0 / size) * size).astype(np.float32)


class FourierAscent:
    """Batched Adam ascent on Fourier-parameterised images (an ``AscentMethod``, as the seed one).

    A state holds, per filter, the spectrum's real and imaginary parts and Adam's moments.
    The random jitter and scale of step t depend only on (seed, t), so a filter's picture is
    the same alone or inside any batch.
    """

    def __init__(
        self,
        feature_model: keras.Model,
        size: int,
        learning_rate: float,
        seed: int,
        batch_size: int,
        compute_dtype: str = "float32",
    ) -> None:
        import tensorflow as tf

        self.feature_model = feature_model  # computing in compute_dtype, float32 in and out
        self.compute_dtype = compute_dtype
        self.size, self.learning_rate, self.seed, self.batch_size = (
            size,
            learning_rate,
            seed,
            batch_size,
        )
        self.scale = tf.constant(frequency_scale(size))
        self.traces = 0
        spec = tf.TensorSpec([None, 2, 3, size, size // 2 + 1], tf.float32)
        self._step = tf.function(
            self._adam_step,
            input_signature=(
                spec,
                spec,
                spec,
                tf.TensorSpec([None], tf.int32),
                tf.TensorSpec([], tf.float32),
                tf.TensorSpec([2], tf.int32),
                tf.TensorSpec([], tf.float32),
            ),
        )

    def to_rgb(self, s):
        """(batch, 2, 3, size, size//2+1) spectra to (batch, size, size, 3) images in [0, 1]."""
        import tensorflow as tf

        spectrum = tf.complex(s[:, 0], s[:, 1]) * tf.cast(self.scale, tf.complex64)
        x_dec = tf.signal.irfft2d(spectrum, fft_length=[self.size, self.size]) / 4.0
        x_dec = tf.transpose(x_dec, [0, 2, 3, 1])  # channels last
        return tf.sigmoid(tf.tensordot(x_dec, tf.constant(COLOR_MATRIX.T), axes=1))

    def _transform(self, rgb, offset, zoom):
        import tensorflow as tf

        size = self.size
        padded = tf.pad(rgb, [[0, 0], [PAD, PAD], [PAD, PAD], [0, 0]], constant_values=0.5)
        moved = padded[:, offset[0] : offset[0] + size, offset[1] : offset[1] + size, :]
        side = tf.cast(tf.round(zoom * size), tf.int32)
        return tf.image.resize(moved, tf.stack([side, side]), method="bilinear")

    def _adam_step(self, s, m, v, filter_indices, t, offset, zoom):
        import tensorflow as tf

        self.traces += 1  # runs only while tracing
        with tf.GradientTape() as tape:
            tape.watch(s)
            x = self._transform(self.to_rgb(s), offset, zoom)
            vgg_input = x[..., ::-1] * 255.0 - CAFFE_MEAN_BGR  # Keras' VGG16 preprocessing
            A = self.feature_model(vgg_input, training=False)
            A_f = tf.gather(A, filter_indices, axis=3, batch_dims=1)
            losses = tf.reduce_mean(tf.cast(A_f, tf.float32), axis=[1, 2])
        g = tape.gradient(losses, s)  # each image only gets its own loss's gradient
        m = ADAM_BETA1 * m + (1 - ADAM_BETA1) * g
        v = ADAM_BETA2 * v + (1 - ADAM_BETA2) * tf.square(g)
        m_hat = m / (1 - ADAM_BETA1**t)
        v_hat = v / (1 - ADAM_BETA2**t)
        return losses, s + self.learning_rate * m_hat / (tf.sqrt(v_hat) + ADAM_EPS), m, v

    def start(self, indices: np.ndarray) -> dict[str, np.ndarray]:
        shape = (2, 3, self.size, self.size // 2 + 1)
        s = np.stack(
            [np.random.default_rng([self.seed, int(i)]).normal(0, 0.01, shape) for i in indices]
        ).astype(np.float32)
        return {"s": s, "m": np.zeros_like(s), "v": np.zeros_like(s)}

    def pictures(self, state: dict[str, np.ndarray]) -> np.ndarray:
        rgb = self.to_rgb(state["s"]).numpy()
        return (np.clip(rgb, 0, 1) * 255).round().astype(np.uint8)

    def _moves(self, t: int) -> tuple[np.ndarray, np.float32]:
        rng = np.random.default_rng([self.seed, 7919, t])
        offset = PAD + rng.integers(-JITTER, JITTER + 1, 2)
        return offset.astype(np.int32), np.float32(rng.choice(SCALES))

    def step(self, batch: dict[str, np.ndarray], filter_indices: np.ndarray, t: int):
        """Adam step number ``t`` (from 0) for one batch: losses before it, and the new state."""
        offset, zoom = self._moves(t)
        losses, s, m, v = self._step(
            batch["s"],
            batch["m"],
            batch["v"],
            np.asarray(filter_indices, np.int32),
            np.float32(t + 1),
            offset,
            zoom,
        )
        return losses.numpy(), {"s": s.numpy(), "m": m.numpy(), "v": v.numpy()}
