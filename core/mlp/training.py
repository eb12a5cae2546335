"""Training by full-batch gradient descent: one switch between the NumPy loop and the engine.

``train(..., engine="numpy")`` runs ``MLP.backprop`` once per iteration, the lesson's loop as
written; ``engine="xla"`` hands the same start to ``core.mlp.engine``, which compiles the loop.
Neither module imports this one back.
"""

from collections.abc import Sequence

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


def train(
    X: np.ndarray,
    y: np.ndarray,
    layers: Sequence[int] = (3, 5, 2, 1),
    learning_rate: float = 0.2,
    iterations: int = 10_000,
    seed: int = 0,
    init_scale: float = 0.15,
    activation: str = "sigmoid",
    engine: str = "numpy",
    progress: ProgressCallback | None = None,
) -> TrainResult:
    """Train by full-batch gradient descent, starting from ``MLP(layers, seed, init_scale)``.

    Args:
        X: inputs (n, layers[0]); y: targets (n, layers[-1]), or (n,) for one output.
        engine: "numpy" runs this module's reference loop, one step per Python iteration;
            "xla" runs the same math compiled with TensorFlow (``core.mlp.engine``).
        progress: called as progress(done, iterations) now and then.

    Returns:
        A TrainResult.
    """
    layers = check_layers(layers)
    net = MLP(layers, seed=seed, init_scale=init_scale, activation=activation)
    X, y = check_data(X, y, layers[0], layers[-1])
    learning_rate = check_learning_rate(learning_rate)
    iterations = check_iterations(iterations)
    if engine == "xla":
        from core.mlp import engine  # TensorFlow loads only when asked for

        sweep = engine.train_many(
            X, y, net.weights, [learning_rate], iterations, activation, progress=progress
        )
        return sweep.result(0)
    if engine != "numpy":
        raise ValueError(f"unknown engine {engine!r}, expected 'numpy' or 'xla'")

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
        losses, net.weights, start, schedule, snapshots, layers, activation, learning_rate
    )
