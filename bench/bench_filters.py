"""Benchmark of the VGG16 filter pictures: batching, screening and memory, from one run.

Prints ratios against references measured in the same run, never a lone absolute time:

1. per-filter speed of the batched compiled step vs a one-filter-at-a-time loop of the same
   algorithm (block5_conv3, 128 px, 20 steps), against two loops: the same compiled step at
   batch 1, and the document's loop that builds a fresh gradient function for every filter;
2. image-steps of the document's exhaustive scan (best 16 of 200 at block5_conv3) vs the
   screened scan, and how many of the 16 chosen filters agree;
3. peak resident memory of a fresh process that renders the 4x4 block5_conv3 grid.

    python bench/bench_filters.py            # the full benchmark (tens of minutes on 2 cores)
    python bench/bench_filters.py --quick    # CI: smaller images and fewer candidates
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from core.filters.ascent import EPSILON, AscentStep, default_batch_size, initial_image  # noqa: E402
from core.filters.grid import filter_grid  # noqa: E402
from core.filters.model import SHARED_WEIGHTS, load_vgg16, truncate  # noqa: E402

LAYER = "block5_conv3"


def weights_choice() -> str | None:
    path = os.environ.get("VGG16_WEIGHTS") or (SHARED_WEIGHTS if SHARED_WEIGHTS.is_file() else "")
    return str(path) if path else None


def document_loop_filter(model, filter_index: int, size: int, steps: int) -> float:
    """The document's per-filter loop in TF2: a fresh gradient function per filter.

    It runs every step even for a dead filter, so that it does the same work as the batch
    (the document breaks out early; both scans drop dead filters, see ``screening``).
    """
    import tensorflow as tf

    @tf.function
    def iterate(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = tf.reduce_mean(model(x, training=False)[:, :, :, filter_index])
        grads = tape.gradient(loss, x)
        return loss, grads / (tf.sqrt(tf.reduce_mean(tf.square(grads))) + EPSILON)

    started = time.perf_counter()
    x = initial_image(filter_index, size, 0)[None]
    for _ in range(steps):  # no early break: the same work as the batched run
        loss, grads = iterate(x)
        x = x + grads.numpy()
    return time.perf_counter() - started


def speed(model, size: int, steps: int, repeats: int) -> None:
    feature_model = truncate(model, LAYER)
    B = default_batch_size(feature_model, size)
    batched, single = AscentStep(feature_model), AscentStep(feature_model)
    filters = np.arange(B)
    x_batch = np.stack([initial_image(int(i), size, 0) for i in filters])
    batched(x_batch, filters, 1.0), single(x_batch[:1], filters[:1], 1.0)  # compile both
    ratios_same, ratios_doc = [], []
    for r in range(repeats):
        # Interleaved so that load from other processes hits all three alike.
        started = time.perf_counter()
        x = x_batch
        for _ in range(steps):
            _, x = batched(x, filters, 1.0)
        t_batched = (time.perf_counter() - started) / B
        k = max(2, B // 4)
        started = time.perf_counter()
        for f in filters[:k]:
            x = x_batch[f : f + 1]
            for _ in range(steps):
                _, x = single(x, filters[f : f + 1], 1.0)
        t_single = (time.perf_counter() - started) / k
        t_doc = statistics.mean(
            document_loop_filter(feature_model, int(f) + 8 * r, size, steps) for f in filters[:k]
        )
        ratios_same.append(t_single / t_batched)
        ratios_doc.append(t_doc / t_batched)
        print(f"  repeat {r + 1}: batch {B}: vs same step at batch 1 {ratios_same[-1]:.2f}x, "
              f"vs document loop {ratios_doc[-1]:.2f}x", flush=True)  # fmt: skip
    print(
        f"per-filter speed, batched (batch {B}) vs one at a time, {LAYER} {size} px "
        f"{steps} steps, median of {repeats}:"
    )
    print(f"  vs the same compiled step at batch 1 : {statistics.median(ratios_same):.2f}x")
    print(f"  vs the document's loop (fresh function per filter): "
          f"{statistics.median(ratios_doc):.2f}x")  # fmt: skip
    print(f"  traces of the shared step: {batched.traces} (one for every filter)")


def screening(weights: str | None, n: int, candidates: int, size: int, steps: int) -> None:
    model = load_vgg16(weights)
    full = filter_grid(model, LAYER, n, candidates, size=size, steps=steps, screen=False)
    quick = filter_grid(model, LAYER, n, candidates, size=size, steps=steps, screen=True)
    agree = len(set(full.filter_indices.tolist()) & set(quick.filter_indices.tolist()))
    print(f"screening, best {n * n} of {candidates} at {LAYER}, {size} px, {steps} steps:")
    every = candidates * steps
    print(f"  image-steps, every candidate to the end: {every}")
    print(f"  image-steps, the document's scan (dead filters dropped): {full.image_steps}")
    print(
        f"  image-steps, screened: {quick.image_steps}: {every / quick.image_steps:.2f}x fewer "
        f"than every candidate to the end, {full.image_steps / quick.image_steps:.2f}x fewer "
        "than the document's scan"
    )
    print(f"  chosen filters that agree: {agree} of {n * n}")


def memory(weights: str | None, candidates: int, size: int, steps: int) -> None:
    code = (
        "import resource, sys; sys.path.insert(0, sys.argv[1]);"
        "from core.filters import load_vgg16, filter_grid;"
        "w = sys.argv[2] or None; m = load_vgg16(w);"
        f"filter_grid(m, {LAYER!r}, 4, {candidates}, size={size}, steps={steps});"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(ROOT), weights or ""],
        capture_output=True, text=True, check=True,
    ).stdout.split()[-1]  # fmt: skip
    mb = int(out) / 1024
    print(f"peak RSS of a fresh process rendering a 4x4 {LAYER} grid "
          f"(best of {candidates}, {size} px): {mb:.0f} MB (target < 1536 MB)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short CI mode (a few minutes)")
    args = parser.parse_args()
    weights = weights_choice()
    print(f"weights: {weights or 'untrained (no weights file found)'}; "
          f"{os.cpu_count()} CPU cores; quick={args.quick}")  # fmt: skip
    if args.quick:
        speed(load_vgg16(weights), size=48, steps=4, repeats=2)
        screening(weights, n=2, candidates=24, size=32, steps=8)
        memory(weights, candidates=16, size=128, steps=2)
    else:
        speed(load_vgg16(weights), size=128, steps=20, repeats=3)
        screening(weights, n=4, candidates=200, size=128, steps=20)
        memory(weights, candidates=200, size=128, steps=20)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"this process's peak RSS: {peak} MB")


if __name__ == "__main__":
    main()
