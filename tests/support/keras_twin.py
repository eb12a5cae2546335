"""The lesson's run rebuilt in Keras: the same start, optimiser, loss and batches (tests, bench).

Keras is the independent reference for ``core.mlp``'s optimisers and losses: its own
``SGD`` (with ``momentum``, ``nesterov``), ``RMSprop`` and ``Adam``, a squared error of
1/2 * sum with ``reduction="sum"`` and ``BinaryCrossentropy(reduction="sum")``, trained by
``model.fit`` on the batches ``core.mlp.batches`` deals, in the same order.

Two things make Keras compute exactly what the settings say, in float64:

- ``keras.backend.floatx()`` must be "float64" while the twin is built (``float64_keras``):
  Keras keeps the learning rate in a variable of that type.
- Keras 3.15 casts a Python-float hyperparameter with ``tf.cast(0.9, float64)``, which goes
  through float32 (0.9 becomes 0.8999999761...). ``Adam`` takes constant float tensors, so its
  betas are given as float64 tensors; ``SGD`` insists on a Python float, so its momentum runs
  at float32(momentum): ``keras_settings`` gives the lesson's side the same value.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace

import numpy as np

from core.mlp import MLP, TrainingSettings
from core.mlp.batches import batches
from core.mlp.export import keras_model


@contextmanager
def float64_keras():
    """Keras with floatx float64 inside, the previous floatx restored after."""
    import keras

    before = keras.backend.floatx()
    keras.backend.set_floatx("float64")
    try:
        yield
    finally:
        keras.backend.set_floatx(before)


def keras_settings(settings: TrainingSettings) -> TrainingSettings:
    """The settings Keras really runs: SGD's momentum rounded to float32 (see above)."""
    return replace(settings, momentum=float(np.float32(settings.momentum)))


def keras_optimizer(settings: TrainingSettings):
    """Keras's own optimiser for the settings."""
    import keras
    import tensorflow as tf

    s, rate = settings, settings.learning_rate
    if s.optimizer == "gd":
        return keras.optimizers.SGD(rate)
    if s.optimizer in ("momentum", "nesterov"):
        return keras.optimizers.SGD(rate, momentum=s.momentum, nesterov=s.optimizer == "nesterov")
    if s.optimizer == "rmsprop":
        return keras.optimizers.RMSprop(rate, rho=s.rho, epsilon=s.epsilon)
    beta_1, beta_2 = (tf.constant(b, tf.float64) for b in (s.beta_1, s.beta_2))
    return keras.optimizers.Adam(rate, beta_1=beta_1, beta_2=beta_2, epsilon=s.epsilon)


def keras_loss(settings: TrainingSettings):
    """1/2 * sum of squares, or the binary cross-entropy, summed over the batch."""
    import keras

    if settings.loss == "cross_entropy":
        return keras.losses.BinaryCrossentropy(reduction="sum")

    class HalfSquaredError(keras.losses.Loss):
        def call(self, y_true, y_pred):
            return 0.5 * keras.ops.sum(keras.ops.square(y_pred - y_true), axis=-1)

    return HalfSquaredError(reduction="sum")


def keras_twin(settings: TrainingSettings, X: np.ndarray, y: np.ndarray):
    """The settings' network in Keras from ``MLP``'s initial weights, compiled (inside
    ``float64_keras``).

    Returns:
        The model and ``fit()``, which resets the weights to the start and trains
        ``settings.iterations`` steps on ``batches``' colours. The optimiser's state is not
        reset: the first call is the comparison, later ones time the same work.
    """
    import tensorflow as tf

    layers = settings.layers_for(X.shape[1], y.shape[1])
    start = MLP(layers, settings.seed, settings.init_scale, settings.activation)
    model = keras_model(layers, start.weights, settings.activation)
    model.compile(optimizer=keras_optimizer(settings), loss=keras_loss(settings))
    kinds = (
        tf.TensorSpec((None, X.shape[1]), tf.float64),
        tf.TensorSpec((None, y.shape[1]), tf.float64),
    )

    def dealt():
        for batch in batches(len(X), settings.batch_size, settings.iterations, settings.seed):
            yield X[batch], y[batch]

    def fit():
        for layer, W in zip(model.layers, start.weights, strict=True):
            layer.set_weights([W[:, :-1].T, W[:, -1]])
        if settings.batch_size in (None, len(X)):  # all colours, every step
            data = tf.data.Dataset.from_tensors((X, y)).repeat()
        else:
            data = tf.data.Dataset.from_generator(dealt, output_signature=kinds)
        model.fit(data, epochs=1, steps_per_epoch=settings.iterations, shuffle=False, verbose=0)
        return model

    return model, fit


def lesson_weights(model) -> list[np.ndarray]:
    """A Keras model's Dense kernels (n_in, n_out) and biases as the lesson's (n_out, n_in + 1)."""
    return [
        np.column_stack([kernel.T, bias])
        for kernel, bias in (l.get_weights() for l in model.layers)
    ]
