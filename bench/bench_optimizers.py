"""Training with each optimiser, measured side by side in one run, reported as medians and ratios.

For each of gd, momentum, nesterov, rmsprop and adam, on the lesson's 3-5-2-1 network and its
10 colours (full batch, squared error):

1. the NumPy reference loop with the optimiser, against the lesson's own loop (plain gradient
   descent at 0.2): what the optimiser's update costs;
2. the compiled engine (XLA) against the NumPy loop with the same optimiser;
3. the peer a user would pick, Keras ``fit`` with Keras's own optimiser (float64 Dense layers,
   the same start, the same steps; ``tests.support.keras_twin``), against the compiled engine;
   its final weights must agree with ours to 1e-9;
4. a sweep of 32 learning rates with the optimiser in one compiled run, against one compiled
   run with it. Target: at most 3x.

The five runs of a row take turns within each repeat (``interleaved``), so that on a shared
machine a busy moment slows them alike: the ratios hold better than the times.

Usage: python -m bench.bench_optimizers [--quick] [--iterations N] [--repeats R]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

from bench.machine import cpu_name
from core.mlp import TrainingSettings, train
from core.mlp.data import training_set
from core.mlp.engine import sweep_learning_rates
from core.mlp.optimizers import OPTIMIZERS
from tests.support.keras_twin import float64_keras, keras_settings, keras_twin, lesson_weights

# A learning rate per optimiser at which the lesson's network trains well.
RATES = {"gd": 0.2, "momentum": 0.05, "nesterov": 0.05, "rmsprop": 0.05, "adam": 0.01}
SWEEP_RATES = np.geomspace(0.001, 10, 32)


def interleaved(functions: dict[str, object], repeats: int) -> dict[str, float]:
    """Median seconds of each function, run in turn within each repeat: a busy moment of a
    shared machine slows them all alike, so their ratios hold where the times do not."""
    times: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(repeats):
        for name, function in functions.items():
            start = time.perf_counter()
            function()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def measure(optimizer: str, iterations: int, repeats: int) -> dict[str, float]:
    """One optimiser's timings (ms), ratios and agreement figures."""
    X, y = training_set()
    lesson = TrainingSettings(iterations=iterations)
    settings = keras_settings(
        TrainingSettings(optimizer=optimizer, learning_rate=RATES[optimizer], iterations=iterations)
    )
    fast = train(X, y, settings, engine="xla")  # compiles, outside the timings
    sweep_learning_rates(X, y, SWEEP_RATES, settings)
    reference = train(X, y, settings)
    with float64_keras():
        _, fit = keras_twin(settings, X, y)
        keras_weights = lesson_weights(fit())  # compiles; the first fit is the comparison
        seconds = interleaved(
            {
                "lesson": lambda: train(X, y, lesson),
                "numpy": lambda: train(X, y, settings),
                "xla": lambda: train(X, y, settings, engine="xla"),
                "sweep": lambda: sweep_learning_rates(X, y, SWEEP_RATES, settings),
                "keras": fit,
            },
            repeats,
        )
    pairs = zip(reference.weights, keras_weights, strict=True)
    return {
        **{f"{name}_ms": value * 1e3 for name, value in seconds.items()},
        "vs_lesson": seconds["numpy"] / seconds["lesson"],
        "speedup": seconds["numpy"] / seconds["xla"],
        "keras_ratio": seconds["keras"] / seconds["xla"],
        "sweep_ratio": seconds["sweep"] / seconds["xla"],
        "engine_difference": float(np.max(np.abs(fast.losses - reference.losses))),
        "keras_difference": max(float(np.max(np.abs(a - b))) for a, b in pairs),
        "final_error": reference.final_loss,
    }


def main(argv: list[str] | None = None) -> dict[str, dict[str, float]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps and repeats, for CI")
    parser.add_argument("--iterations", type=int, default=None, help="2,000; 1,000 with --quick")
    parser.add_argument("--repeats", type=int, default=None, help="5; 1 with --quick")
    args = parser.parse_args(argv)
    repeats = args.repeats or (1 if args.quick else 5)
    iterations = args.iterations or (1_000 if args.quick else 2_000)
    figures = {name: measure(name, iterations, repeats) for name in OPTIMIZERS}

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"Optimisers on {cpu_name()}, {iterations:,} full-batch steps, medians of {repeats}")
    print(f"(load average {load:.1f} when done: above the cores' number, timings are shared)")
    print("(each row's runs take turns; 'x lesson': its NumPy loop against the lesson's, gd)")
    print(
        f"{'optimiser':<10}{'NumPy ms':>10}{'x lesson':>10}{'XLA ms':>9}{'speedup':>9}"
        f"{'Keras ms':>10}{'Keras/XLA':>11}{'32-rate ms':>12}{'sweep/run':>11}"
        f"{'|w - Keras|':>13}{'final error':>13}"
    )
    for name, f in figures.items():
        print(
            f"{name:<10}{f['numpy_ms']:>10.1f}{f['vs_lesson']:>9.2f}x{f['xla_ms']:>9.1f}"
            f"{f['speedup']:>8.1f}x{f['keras_ms']:>10.1f}{f['keras_ratio']:>10.1f}x"
            f"{f['sweep_ms']:>12.1f}{f['sweep_ratio']:>10.2f}x{f['keras_difference']:>13.1e}"
            f"{f['final_error']:>13.3g}"
        )
    worst = max(f["sweep_ratio"] for f in figures.values())
    print(f"32 rates cost at most {worst:.2f}x one run of the same optimiser (target <= 3x)")
    largest = max(max(f["keras_difference"], f["engine_difference"]) for f in figures.values())
    print(f"largest difference to Keras or between the engines: {largest:.1e} (target <= 1e-9)")
    return figures


if __name__ == "__main__":
    main()
