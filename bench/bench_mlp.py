"""Training speed, measured side by side in one run, reported as medians and ratios.

1. The compiled engine against the NumPy reference loop (one step per Python iteration),
   10,000 iterations at the document's settings. Target: at least 15x, losses within 1e-9.
2. A learning-rate sweep of 32 rates in one compiled run against one compiled run.
   Target: at most 3x.
3. The peer a user would otherwise reach for: Keras ``fit`` on the same network (float64 Dense
   layers, the same initial weights), full batch, plain SGD, the same number of steps, with the
   learning rate that makes each step the lesson's (Keras' MSE is the mean, not half the sum).
   Its losses must agree with ours; its time is reported beside the engine's.
4. One step of the page's "Step by step" view (``MLP.step`` on the ten colours): under 0.5 s.

Usage: python -m bench.bench_mlp [--quick] [--iterations N] [--repeats R]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from bench.machine import cpu_name  # noqa: E402
from core.mlp import MLP, train
from core.mlp.data import training_set
from core.mlp.engine import sweep_learning_rates
from core.mlp.export import keras_model


def keras_peer(X: np.ndarray, y: np.ndarray, learning_rate: float = 0.2):
    """The lesson's network in Keras, from the same start, compiled for full-batch SGD.

    Returns:
        fit(iterations): resets the weights to the start, runs ``model.fit``, returns the model.
    """
    import keras
    import tensorflow as tf

    start = MLP(seed=0)
    model = keras_model(start.layers, start.weights, "sigmoid")
    # MSE = (1/n) sum (A - y)^2 has gradient (2/n) (A - y); the lesson's step uses (A - y).
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate * len(X) / 2),
        loss="mean_squared_error",
        jit_compile=True,
    )
    data = tf.data.Dataset.from_tensors((X, y)).repeat()

    def fit(iterations: int):
        for layer, W in zip(model.layers, start.weights, strict=True):
            layer.set_weights([W[:, :-1].T, W[:, -1]])
        model.fit(data, epochs=1, steps_per_epoch=iterations, shuffle=False, verbose=0)
        return model

    return fit


def median_seconds(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, for CI")
    parser.add_argument("--iterations", type=int, default=None, help="10,000; 2,000 with --quick")
    parser.add_argument("--repeats", type=int, default=None)
    args = parser.parse_args(argv)
    repeats = args.repeats or (3 if args.quick else 7)
    X, y = training_set()
    iterations = args.iterations or (2_000 if args.quick else 10_000)
    rates = np.geomspace(0.001, 10, 32)

    # Compile once outside the timings: the app pays this once per architecture and process.
    start = time.perf_counter()
    fast = train(X, y, iterations=iterations, engine="xla")
    compile_seconds = time.perf_counter() - start
    sweep_learning_rates(X, y, rates, iterations=iterations)

    reference = train(X, y, iterations=iterations)
    difference = float(np.max(np.abs(fast.losses - reference.losses)))

    keras_fit = keras_peer(X, y)
    trained = keras_fit(iterations)  # compiles once, outside the timings, like ours
    ours = fast.network().forward(X)
    keras_difference = float(np.max(np.abs(trained.predict(X, verbose=0) - ours)))

    numpy_s = median_seconds(lambda: train(X, y, iterations=iterations), repeats)
    xla_s = median_seconds(lambda: train(X, y, iterations=iterations, engine="xla"), repeats)
    sweep_s = median_seconds(
        lambda: sweep_learning_rates(X, y, rates, iterations=iterations), repeats
    )
    keras_s = median_seconds(lambda: keras_fit(iterations), repeats)
    step_s = median_seconds(lambda: MLP(seed=0).step(X, y, 0.2), max(repeats, 25))

    figures = {
        "numpy_ms": numpy_s * 1e3,
        "xla_ms": xla_s * 1e3,
        "sweep_ms": sweep_s * 1e3,
        "keras_ms": keras_s * 1e3,
        "step_ms": step_s * 1e3,
        "speedup": numpy_s / xla_s,
        "sweep_ratio": sweep_s / xla_s,
        "keras_ratio": keras_s / xla_s,
        "max_loss_difference": difference,
        "keras_output_difference": keras_difference,
    }
    print(f"MLP training on {cpu_name()}, {iterations:,} iterations, medians of {repeats} runs")
    print(f"  NumPy reference loop    {figures['numpy_ms']:9.1f} ms")
    print(
        f"  compiled engine (XLA)   {figures['xla_ms']:9.1f} ms   (first call incl. compile "
        f"{compile_seconds:.2f} s)"
    )
    print(f"  32-rate sweep (XLA)     {figures['sweep_ms']:9.1f} ms")
    print(f"  Keras fit (SGD, XLA)    {figures['keras_ms']:9.1f} ms")
    print(f"  one step by the numbers {figures['step_ms']:9.3f} ms   (target < 500 ms)")
    print(f"speedup of the compiled engine: {figures['speedup']:.1f}x (target >= 15x)")
    print(f"32 rates cost {figures['sweep_ratio']:.2f}x one run (target <= 3x)")
    print(f"Keras fit takes {figures['keras_ratio']:.1f}x the compiled engine's time")
    print(f"largest loss difference engine vs reference: {difference:.1e} (target <= 1e-9)")
    print(f"largest output difference Keras vs engine: {keras_difference:.1e} (target <= 1e-6)")
    return figures


if __name__ == "__main__":
    main()
