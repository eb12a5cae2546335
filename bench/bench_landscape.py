"""The error surface of the Landscape tab: one batched pass against a loop of the reference.

An 81x81 surface on the plane of the lesson's run (3-5-2-1 sigmoid, learning rate 0.2,
10,000 iterations) costs 6,561 forward passes over the ten colours. Measured side by side, in
interleaved repeats (medians):

1. ``core.mlp.landscape.surface``: every grid point in one batched NumPy forward pass (the
   weights batched on a leading axis). Target: under 0.3 s.
2. The peer a user would otherwise write: a loop calling the reference ``MLP.forward`` once
   per grid point. Target: the batched pass at least 20x faster.
3. The same batched pass compiled with TensorFlow/XLA, to show which of the two the tab
   should use (the issue asks for whichever measures faster): its first call per network
   and grid compiles, which is printed too.

The three grids must agree (largest difference printed).

Usage: python -m bench.bench_landscape [--quick] [--grid N] [--repeats R]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from bench.machine import cpu_name
from core.mlp import MLP, train
from core.mlp.data import training_set
from core.mlp.landscape import grid_axes, grid_span, pca_plane, surface
from core.mlp.weight_space import TrainingError, flatten, unflatten


def loop_surface(plane, layers, X, y, alphas, betas) -> np.ndarray:
    """The peer: one ``MLP.forward`` of the reference network per grid point."""
    errors = np.empty((len(betas), len(alphas)))
    for j, b in enumerate(betas):
        for i, a in enumerate(alphas):
            net = MLP(layers, weights=unflatten(plane.points(np.array([a, b])), layers))
            errors[j, i] = 0.5 * np.sum((net.forward(X) - y) ** 2)  # Error_total, the lesson's
    return errors


def tensorflow_surface(plane, layers, X, y):
    """The batched pass compiled with XLA: returns f(alphas, betas) -> errors (G2, G1)."""
    import tensorflow as tf

    sizes = [(n_out, n_in + 1) for n_in, n_out in zip(layers[:-1], layers[1:], strict=True)]
    INPUT = tf.constant(np.vstack([X.T, np.ones((1, len(X)))]))
    target = tf.constant(y.T)
    centre, directions = tf.constant(plane.centre), tf.constant(plane.directions)

    @tf.function(jit_compile=True)
    def errors(coords):
        theta = centre + coords @ directions
        A, start = None, 0
        for k, (n_out, n_cols) in enumerate(sizes):
            W = tf.reshape(theta[:, start : start + n_out * n_cols], (-1, n_out, n_cols))
            start += n_out * n_cols
            below = INPUT if k == 0 else tf.concat([A, tf.ones_like(A[:, :1])], axis=1)
            A = tf.sigmoid(tf.einsum("noi,ik->nok", W, below) if k == 0 else W @ below)
        return 0.5 * tf.reduce_sum((A - target) ** 2, axis=(1, 2))  # Error_total

    def run(alphas, betas):
        a, b = np.meshgrid(alphas, betas)
        coords = tf.constant(np.stack([a.ravel(), b.ravel()], axis=1))
        return errors(coords).numpy().reshape(len(betas), len(alphas))

    return run


def interleaved_medians(functions: dict, repeats: int) -> dict[str, float]:
    """Median seconds of each function, the functions taking turns in every repeat."""
    times = {name: [] for name in functions}
    for _ in range(repeats):
        for name, function in functions.items():
            start = time.perf_counter()
            function()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a 21x21 grid, for CI")
    parser.add_argument("--grid", type=int, default=None, help="points per axis (81)")
    parser.add_argument("--repeats", type=int, default=None, help="7; 3 with --quick")
    args = parser.parse_args(argv)
    grid = args.grid or (21 if args.quick else 81)
    repeats = args.repeats or (3 if args.quick else 7)
    iterations = 1_000 if args.quick else 10_000
    X, y = training_set()
    run = train(X, y, iterations=iterations, engine="numpy" if args.quick else "xla")
    path = flatten(run.snapshots)
    plane = pca_plane([path], path[-1])
    alphas, betas = grid_axes(grid_span(plane.project(path)[0]), grid)
    error = TrainingError(run.layers, run.activation, X, y)
    compiled = tensorflow_surface(plane, run.layers, X, y)

    batched = surface(plane, error, alphas, betas).errors
    looped = loop_surface(plane, run.layers, X, y, alphas, betas)
    start = time.perf_counter()
    xla = compiled(alphas, betas)  # compiles once, outside the timings
    compile_s = time.perf_counter() - start
    medians = interleaved_medians(
        {
            "numpy": lambda: surface(plane, error, alphas, betas),
            "loop": lambda: loop_surface(plane, run.layers, X, y, alphas, betas),
            "xla": lambda: compiled(alphas, betas),
        },
        repeats,
    )
    figures = {
        "numpy_ms": medians["numpy"] * 1e3,
        "loop_ms": medians["loop"] * 1e3,
        "xla_ms": medians["xla"] * 1e3,
        "loop_ratio": medians["loop"] / medians["numpy"],
        "xla_ratio": medians["xla"] / medians["numpy"],
        "loop_difference": float(np.max(np.abs(batched - looped))),
        "xla_difference": float(np.max(np.abs(batched - xla))),
        "points": grid * grid,
        "xla_compile_s": compile_s,
    }
    report(figures, grid, iterations, repeats)
    return figures


def report(figures: dict, grid: int, iterations: int, repeats: int) -> None:
    print(f"Landscape surface on {cpu_name()}")
    print(
        f"{grid}x{grid} grid ({grid * grid:,} networks) on the plane of the lesson's run "
        f"({iterations:,} iterations), medians of {repeats} interleaved repeats"
    )
    print(f"  batched NumPy pass (the tab)   {figures['numpy_ms']:9.2f} ms   (target < 300 ms)")
    print(f"  loop of MLP.forward (peer)     {figures['loop_ms']:9.2f} ms")
    print(
        f"  batched pass, TensorFlow/XLA   {figures['xla_ms']:9.2f} ms   (first call incl. "
        f"compile {figures['xla_compile_s']:.2f} s)"
    )
    print(f"the loop takes {figures['loop_ratio']:.1f}x the batched pass (target >= 20x)")
    print(f"XLA takes {figures['xla_ratio']:.2f}x the batched NumPy pass")
    print(
        f"largest difference batched vs loop: {figures['loop_difference']:.1e}; "
        f"vs XLA: {figures['xla_difference']:.1e}"
    )


if __name__ == "__main__":
    main()
