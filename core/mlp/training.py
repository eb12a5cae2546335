"""Training: one switch between the NumPy loop and the compiled engine.

``train(X, y, settings, engine="numpy")`` runs the lesson's loop as written, one ``MLP.step`` and
one optimiser update per iteration (``W -= learning_rate * dE/dW`` for the lesson's gradient
descent); ``engine="xla"`` hands the same start to ``core.mlp.engine``, which compiles the loop.
Neither module imports this one back.
"""

from collections.abc import Iterator

import numpy as np

from core.mlp.batches import batches, check_batch_size
from core.mlp.frames import snapshot_schedule
from core.mlp.losses import check_loss
from core.mlp.network import (
    MLP,
    ProgressCallback,
    TrainResult,
    check_data,
    check_iterations,
    check_layers,
    check_learning_rate,
)
from core.mlp.optimizers import Optimizer
from core.mlp.settings import TrainingSettings, resolve_settings


def train(
    X: np.ndarray,
    y: np.ndarray,
    settings: TrainingSettings | None = None,
    *,
    engine: str = "numpy",
    progress: ProgressCallback | None = None,
    **values,
) -> TrainResult:
    """Train from ``MLP(layers, seed, init_scale)``: full-batch gradient descent by default.

    Args:
        X: inputs (n, n_inputs); y: targets (n, n_outputs), or (n,) for one output.
        settings: The run (the lesson's by default); or give its values as keyword arguments
            instead: ``layers=(3, 5, 2, 1), learning_rate=0.2, iterations=10_000, seed=0,
            init_scale=0.15, activation="sigmoid", optimizer="gd", batch_size=None,
            loss="squared_error"`` and the optimiser's ``momentum=0.9, rho=0.9, beta_1=0.9,
            beta_2=0.999, epsilon=1e-7`` (Keras's names and defaults; ``TrainingSettings``).
            Without ``layers`` the data's widths give the input and output layers around
            ``hidden``.
        engine: "numpy" runs this module's reference loop, one step per Python iteration;
            "xla" runs the same math compiled with TensorFlow (``core.mlp.engine``).
        progress: called as progress(done, iterations) now and then.

    Returns:
        A TrainResult: ``losses[i]`` is the lesson's error sum((output - y)^2) on all the
        colours, whatever the loss and the batch, of the weights after i steps.

    Raises:
        ValueError: a setting outside what is allowed, naming what is (an unknown optimiser or
            loss, beta_1 outside [0, 1), epsilon <= 0, a batch larger than the data, ...).
    """
    settings, layers = resolve_settings(settings, X, y, **values)
    layers = check_layers(layers)
    s = settings
    net = MLP(layers, seed=s.seed, init_scale=s.init_scale, activation=s.activation)
    X, y = check_data(X, y, layers[0], layers[-1])
    learning_rate = check_learning_rate(s.learning_rate)
    iterations = check_iterations(s.iterations)
    rule = s.update_rule
    loss = check_loss(s.loss)
    batch_size = check_batch_size(s.batch_size, len(X))
    if engine == "xla":
        from core.mlp import engine as compiled  # TensorFlow loads only when asked for

        sweep = compiled.train_many(
            X,
            y,
            net.weights,
            [learning_rate],
            iterations,
            s.activation,
            progress=progress,
            optimizer=rule,
            loss=loss,
            batch_size=batch_size,
            seed=s.seed,
        )
        return sweep.result(0)
    if engine != "numpy":
        raise ValueError(f"unknown engine {engine!r}, expected 'numpy' or 'xla'")
    steps = batches(len(X), batch_size, iterations, s.seed)
    return _numpy_loop(net, X, y, learning_rate, iterations, progress, rule, loss, steps)


def _numpy_loop(
    net: MLP,
    X: np.ndarray,
    y: np.ndarray,
    learning_rate: float,
    iterations: int,
    progress: ProgressCallback | None,
    rule: Optimizer,
    loss: str,
    steps: Iterator[np.ndarray],
) -> TrainResult:
    """The lesson's loop: one step per iteration, weights kept at the snapshots.

    Each step computes dE/dW on its colours (``MLP.step``) and hands it to the update rule;
    the error it records is the lesson's, on all the colours, before the step.
    """
    start = [W.copy() for W in net.weights]
    schedule = snapshot_schedule(iterations)
    snapshots = [np.empty((len(schedule), *W.shape)) for W in net.weights]
    losses = np.empty(iterations)
    state = [rule.start(W) for W in net.weights]
    next_snapshot = 0
    for i, batch in enumerate(steps):
        if i == schedule[next_snapshot]:
            for store, W in zip(snapshots, net.weights, strict=True):
                store[next_snapshot] = W
            next_snapshot += 1
            if progress is not None:
                progress(i, iterations)
        if len(batch) == len(X):  # all colours: the step's own error is the error on all
            step = net.step(X, y, learning_rate, loss)
            losses[i] = step.error
        else:
            losses[i] = net.error(X, y)
            step = net.step(X[batch], y[batch], learning_rate, loss)
        updated = [
            rule.update(W, dE_dW, slots, i + 1, learning_rate)
            for W, dE_dW, slots in zip(net.weights, step.gradients, state, strict=True)
        ]
        net.weights = [W for W, _ in updated]
        state = [slots for _, slots in updated]
    for store, W in zip(snapshots, net.weights, strict=True):
        store[-1] = W
    if progress is not None:
        progress(iterations, iterations)
    return TrainResult(
        losses, net.weights, start, schedule, snapshots, net.layers, net.activation, learning_rate
    )
