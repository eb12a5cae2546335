"""Training speed, measured side by side in one run, reported as medians and ratios.

1. The compiled engine against the NumPy reference loop (one step per Python iteration),
   10,000 iterations at the document's settings. Target: at least 15x, losses within 1e-9.
2. A learning-rate sweep of 32 rates in one compiled run against one compiled run.
   Target: at most 3x.

Usage: python -m bench.bench_mlp [--quick] [--iterations N] [--repeats R]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from core.mlp import train
from core.mlp.data import training_set
from core.mlp.engine import sweep_learning_rates


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
    parser.add_argument("--iterations", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=None)
    args = parser.parse_args(argv)
    repeats = args.repeats or (3 if args.quick else 7)
    X, y = training_set()
    iterations = args.iterations
    rates = np.geomspace(0.001, 10, 32)

    # Compile once outside the timings: the app pays this once per architecture and process.
    start = time.perf_counter()
    fast = train(X, y, iterations=iterations, engine="xla")
    compile_seconds = time.perf_counter() - start
    sweep_learning_rates(X, y, rates, iterations=iterations)

    reference = train(X, y, iterations=iterations)
    difference = float(np.max(np.abs(fast.losses - reference.losses)))

    numpy_s = median_seconds(lambda: train(X, y, iterations=iterations), repeats)
    xla_s = median_seconds(lambda: train(X, y, iterations=iterations, engine="xla"), repeats)
    sweep_s = median_seconds(
        lambda: sweep_learning_rates(X, y, rates, iterations=iterations), repeats
    )

    figures = {
        "speedup": numpy_s / xla_s,
        "sweep_ratio": sweep_s / xla_s,
        "max_loss_difference": difference,
    }
    print(f"MLP training, {iterations:,} iterations, medians of {repeats} runs")
    print(f"  NumPy reference loop    {numpy_s * 1e3:9.1f} ms")
    print(
        f"  compiled engine (XLA)   {xla_s * 1e3:9.1f} ms   (first call incl. compile "
        f"{compile_seconds:.2f} s)"
    )
    print(f"  32-rate sweep (XLA)     {sweep_s * 1e3:9.1f} ms")
    print(f"speedup of the compiled engine: {figures['speedup']:.1f}x (target >= 15x)")
    print(f"32 rates cost {figures['sweep_ratio']:.2f}x one run (target <= 3x)")
    print(f"largest loss difference engine vs reference: {difference:.1e} (target <= 1e-9)")
    return figures


if __name__ == "__main__":
    main()
