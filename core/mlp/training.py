"""Training by full-batch gradient descent: one switch between the NumPy loop and the engine.

``train(X, y, settings, engine="numpy")`` runs ``MLP.backprop`` once per iteration, the lesson's
loop as written; ``engine="xla"`` hands the same start to ``core.mlp.engine``, which compiles the
loop. Neither module imports this one back.
"""

import numpy as np

from core.mlp.network import (
    MLP,
    ProgressCallback,
    TrainResult,
    check_data,
    check_iterations,
    check_layers,
    check_learning_rate,
    snapshot_schedule,
)
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
    """Train by full-batch gradient descent from ``MLP(layers, seed, init_scale)``.

    Args:
        X: inputs (n, n_inputs); y: targets (n, n_outputs), or (n,) for one output.
        settings: The run (the lesson's by default); or give its values as keyword arguments
            instead: ``layers=(3, 5, 2, 1), learning_rate=0.2, iterations=10_000, seed=0,
            init_scale=0.15, activation="sigmoid"``. Without ``layers`` the data's widths give
            the input and output layers around ``hidden``.
        engine: "numpy" runs this module's reference loop, one step per Python iteration;
            "xla" runs the same math compiled with TensorFlow (``core.mlp.engine``).
        progress: called as progress(done, iterations) now and then.

    Returns:
        A TrainResult.
    """
    settings, layers = resolve_settings(settings, X, y, **values)
    layers = check_layers(layers)
    s = settings
    net = MLP(layers, seed=s.seed, init_scale=s.init_scale, activation=s.activation)
    X, y = check_data(X, y, layers[0], layers[-1])
    learning_rate = check_learning_rate(s.learning_rate)
    iterations = check_iterations(s.iterations)
    if engine == "xla":
        from core.mlp import engine as compiled  # TensorFlow loads only when asked for

        sweep = compiled.train_many(
            X, y, net.weights, [learning_rate], iterations, s.activation, progress=progress
        )
        return sweep.result(0)
    if engine != "numpy":
        raise ValueError(f"unknown engine {engine!r}, expected 'numpy' or 'xla'")
    return _numpy_loop(net, X, y, learning_rate, iterations, progress)


def _numpy_loop(
    net: MLP,
    X: np.ndarray,
    y: np.ndarray,
    learning_rate: float,
    iterations: int,
    progress: ProgressCallback | None,
) -> TrainResult:
    """The lesson's loop: one ``backprop`` per iteration, weights kept at the snapshots."""
    start = [W.copy() for W in net.weights]
    schedule = snapshot_schedule(iterations)
    snapshots = [np.empty((len(schedule), *W.shape)) for W in net.weights]
    losses = np.empty(iterations)
    next_snapshot = 0
    for i in range(iterations):
        if i == schedule[next_snapshot]:
            for store, W in zip(snapshots, net.weights, strict=True):
                store[next_snapshot] = W
            next_snapshot += 1
            if progress is not None:
                progress(i, iterations)
        losses[i] = net.backprop(X, y, learning_rate)
    for store, W in zip(snapshots, net.weights, strict=True):
        store[-1] = W
    if progress is not None:
        progress(iterations, iterations)
    return TrainResult(
        losses, net.weights, start, schedule, snapshots, net.layers, net.activation, learning_rate
    )
