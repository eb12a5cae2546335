"""Benchmark of the VGG16 filter pictures: compute type, batching, screening and memory.

Everything is measured side by side in one run and printed with the CPU's bf16 features:

1. ms per image-step of the project's compiled ascent step at block5_conv3 (128 px) in
   float32 and bfloat16 at several batch sizes, against the peer a user would otherwise
   write: the keras.io "visualizing what convnets learn" loop (one compiled step, one filter
   at a time, float32). Per filter every run takes the same steps, so the per-filter speed-up
   is the ratio of ms per image-step. Also: the pictures of the batched run and of the
   one-at-a-time loop must be the same filter's pictures (correlation).
2. The document's workload (best 16 of 200 at block5_conv3, 128 px, 20 steps): every
   candidate to the end, the document's own scan (its early break for dead filters), today's
   screened run (float32) and the screened run in bfloat16, with their times and how many of
   the 16 chosen filters agree with float32's.
3. Peak resident memory of a fresh process that renders the largest default grids (4x4
   block5_conv3, then the Fourier grid of the same filters) in each compute type.

    python -m bench.bench_filters            # the full benchmark (tens of minutes on 2 cores)
    python -m bench.bench_filters --quick    # CI: smaller images and fewer candidates
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from bench.machine import cpu_name, peak_rss_mb  # noqa: E402
from core.filters.ascent import (  # noqa: E402
    EPSILON,
    AscentStep,
    default_batch_size,
    deprocess,
    initial_image,
)
from core.filters.compute import (  # noqa: E402
    DTYPE_ENV,
    DTYPES,
    choice_for_this_machine,
    cpu_bf16_features,
)
from core.filters.grid import filter_grid  # noqa: E402
from core.filters.model import in_dtype, load_vgg16, truncate  # noqa: E402
from core.filters.settings import GridSettings  # noqa: E402
from core.filters.visualizer import Visualizer  # noqa: E402
from tests.support.weights import trained_weights  # noqa: E402

LAYER = "block5_conv3"


class KerasIoLoop:
    """The keras.io loop: one compiled float32 step, called for one filter at a time.

    The same loss and normalised step as the document (mean activation, gradient over its
    RMS), written independently of ``AscentStep``, so it is also the pictures' reference.
    """

    def __init__(self, feature_model) -> None:
        import tensorflow as tf

        @tf.function
        def gradient_ascent_step(image, filter_index, step_size):
            with tf.GradientTape() as tape:
                tape.watch(image)
                loss = tf.reduce_mean(feature_model(image)[:, :, :, filter_index])
            grads = tape.gradient(loss, image)
            grads = grads / (tf.sqrt(tf.reduce_mean(tf.square(grads))) + EPSILON)
            return loss, image + step_size * grads

        self.step, self.tf = gradient_ascent_step, tf

    def visualize(self, filter_index: int, size: int, steps: int) -> np.ndarray:
        image = self.tf.constant(initial_image(filter_index, size, 0)[None])
        index, step_size = self.tf.constant(filter_index), self.tf.constant(1.0)
        for _ in range(steps):
            _, image = self.step(image, index, step_size)
        return image.numpy()[0]


def step_table(model, layer: str, size: int, steps: int, repeats: int, batches: dict) -> list[dict]:
    """ms per image-step of every (compute type, batch) and of the keras.io loop, interleaved."""
    feature_model = truncate(model, layer)
    loop = KerasIoLoop(feature_model)
    rows = [{"run": "keras.io loop", "dtype": "float32", "batch": 1, "ms": []}]
    runs = [lambda: loop.visualize(0, size, steps)]
    for dtype in DTYPES:
        ascent = AscentStep(truncate(in_dtype(model, dtype), layer), dtype)
        for batch in batches[dtype]:
            x = np.stack([initial_image(i, size, 0) for i in range(batch)])
            filters = np.arange(batch)

            def run(ascent=ascent, x=x, filters=filters):
                for _ in range(steps):
                    _, x = ascent(x, filters, 1.0)

            rows.append({"run": "project step", "dtype": dtype, "batch": batch, "ms": []})
            runs.append(run)
    for run in runs:
        run()  # trace and warm up
    for _ in range(repeats):  # interleaved, so that load from others hits every row alike
        for row, run in zip(rows, runs, strict=True):
            started = time.perf_counter()
            run()
            row["ms"].append((time.perf_counter() - started) * 1000 / (steps * row["batch"]))
    for row in rows:
        row["ms"] = statistics.median(row["ms"])
        row["per_filter"] = rows[0]["ms"] / row["ms"]
    return rows


def picture_correlation(model, layer: str, size: int, steps: int, filters: list[int]) -> float:
    """Smallest correlation between a filter's batched picture and its keras.io-loop picture."""
    feature_model = truncate(model, layer)
    loop, ascent = KerasIoLoop(feature_model), AscentStep(feature_model, "float32")
    x = np.stack([initial_image(f, size, 0) for f in filters])
    for _ in range(steps):
        _, x = ascent(x, np.asarray(filters), 1.0)
    batched = deprocess(x).astype(float)
    alone = deprocess(np.stack([loop.visualize(f, size, steps) for f in filters])).astype(float)
    return min(np.corrcoef(a.ravel(), b.ravel())[0, 1] for a, b in zip(batched, alone, strict=True))


def measure_loop(model, plan: tuple) -> float:
    """The keras.io loop's ms per image-step at the workload's layer and size (median of 3)."""
    layer, _, _, size, _ = plan
    loop = KerasIoLoop(truncate(model, layer))
    loop.visualize(0, size, 1)  # trace
    times = []
    for f in range(3):
        started = time.perf_counter()
        loop.visualize(f, size, 2)
        times.append((time.perf_counter() - started) * 1000 / 2)
    return statistics.median(times)


def timed_grid(
    visualizer: Visualizer,
    layer: str,
    dtype: str,
    n: int,
    candidates: int,
    size: int,
    steps: int,
    screen: bool,
):
    settings = GridSettings(layer=layer, n=n, candidates=candidates, size=size, steps=steps)
    started = time.perf_counter()
    grid = filter_grid(visualizer, settings, screen=screen, compute_dtype=dtype)
    return grid, time.perf_counter() - started


def workload(model, plan: tuple, kerasio_ms: float, bf16: bool) -> list[dict]:
    """The document's workload every way; rows of image-steps, seconds and filters agreeing.

    ``plan`` is (layer, n, candidates, size, steps); ``kerasio_ms`` the keras.io loop's ms per
    image-step, for the loop's estimated times.
    """
    layer, n, candidates, size, steps = plan
    model = Visualizer(model, "float32")  # one compiled step per type, kept for every grid
    for dtype in ("float32", "bfloat16") if bf16 else ("float32",):  # build and trace, untimed
        timed_grid(model, layer, dtype, 1, 1, size, 1, False)
    today, today_s = timed_grid(model, layer, "float32", n, candidates, size, steps, True)
    scan, scan_s = timed_grid(model, layer, "float32", n, candidates, size, steps, False)
    chosen = set(today.filter_indices.tolist())

    def agree(grid) -> int:
        return len(chosen & set(grid.filter_indices.tolist()))

    every = candidates * steps
    rows = [
        (
            "every candidate to the end, keras.io loop (est.)",
            "float32",
            1,
            every,
            every * kerasio_ms / 1000,
            None,
        ),
        (
            "the document's scan (early break), keras.io loop (est.)",
            "float32",
            1,
            scan.image_steps,
            scan.image_steps * kerasio_ms / 1000,
            None,
        ),
        (
            "the document's scan, batched",
            "float32",
            scan.settings["batch_size"],
            scan.image_steps,
            scan_s,
            agree(scan),
        ),
        (
            "screened (today)",
            "float32",
            today.settings["batch_size"],
            today.image_steps,
            today_s,
            agree(today),
        ),
    ]
    if bf16:
        grid, seconds = timed_grid(model, layer, "bfloat16", n, candidates, size, steps, True)
        rows.append(
            (
                "screened",
                "bfloat16",
                grid.settings["batch_size"],
                grid.image_steps,
                seconds,
                agree(grid),
            )
        )
    return [
        dict(zip(("run", "dtype", "batch", "image_steps", "seconds", "agree"), row, strict=True))
        for row in rows
    ]


def render_peak_rss_mb(
    weights: str | None, dtype: str, candidates: int, size: int, steps: int
) -> float:
    """Peak RSS of a fresh process rendering the 4x4 grid, then its Fourier grid, in ``dtype``."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from bench.machine import peak_rss_mb;"
        "from core.filters import GridSettings, Visualizer, load_vgg16, filter_grid;"
        "m = Visualizer(load_vgg16(sys.argv[2] or None));"
        f"s = GridSettings(layer={LAYER!r}, candidates={candidates}, size={size}, steps={steps});"
        "g = filter_grid(m, s);"
        "f = tuple(int(i) for i in g.filter_indices);"
        f"filter_grid(m, GridSettings(layer={LAYER!r}, selection='indices', indices=f,"
        f" method='fourier', steps={steps}, step_size=0.05, size={size}));"
        "print(peak_rss_mb())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(ROOT), weights or ""],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, DTYPE_ENV: dtype},
    ).stdout.split()[-1]
    return float(out)


def print_steps(rows: list[dict], layer: str, size: int, steps: int, repeats: int) -> None:
    print(
        f"\n1. ms per image-step, {layer}, {size} px, {steps} steps per run, "
        f"median of {repeats} interleaved runs"
    )
    print(
        f"  {'run':<14} {'compute':<9} {'batch':>5} {'ms/image-step':>14} "
        f"{'per filter vs keras.io loop':>28}"
    )
    for row in rows:
        print(
            f"  {row['run']:<14} {row['dtype']:<9} {row['batch']:>5} {row['ms']:>14.1f} "
            f"{row['per_filter']:>27.2f}x"
        )


def print_workload(rows: list[dict], plan: tuple) -> None:
    layer, n, candidates, size, steps = plan
    today = next(r for r in rows if r["run"] == "screened (today)")
    print(
        f"\n2. the document's workload: best {n * n} of {candidates} at {layer}, {size} px, "
        f"{steps} steps"
    )
    print(
        f"  {'run':<56} {'compute':<9} {'batch':>5} {'image-steps':>11} {'time s':>8} "
        f"{'vs today':>9} {'agree':>7}"
    )
    for r in rows:
        agree = "" if r["agree"] is None else f"{r['agree']}/{n * n}"
        ratio = r["seconds"] / today["seconds"]
        print(
            f"  {r['run']:<56} {r['dtype']:<9} {r['batch']:>5} {r['image_steps']:>11} "
            f"{r['seconds']:>8.1f} {ratio:>8.2f}x {agree:>7}"
        )


def section_steps(model, q: bool, choice, features: tuple) -> dict:
    """Section 1: the step table, the automatic choice's ratios and the pictures' agreement."""
    # Quick: a shallower layer and small pictures, where block5_conv3's filters are all dead.
    layer, size, steps, repeats = ("block3_conv3", 32, 2, 2) if q else (LAYER, 128, 2, 3)
    feature_model = truncate(model, layer)
    app = {d: default_batch_size(feature_model, size, d) for d in DTYPES}
    batches = {"float32": {1, 4, 8, app["float32"]}, "bfloat16": {1}}
    if q or features:  # bfloat16 at big batches only where it can be fast (or tiny, in CI)
        batches["bfloat16"] |= {4 if q else 8, app["bfloat16"]}
    batches[choice.dtype].add(app[choice.dtype])
    rows = step_table(
        model, layer, size, steps, repeats, {d: sorted(b) for d, b in batches.items()}
    )
    print_steps(rows, layer, size, steps, repeats)
    auto = next(r for r in rows if r["dtype"] == choice.dtype and r["batch"] == app[choice.dtype])
    ms32 = [r["ms"] for r in rows if r["dtype"] == "float32" and r["run"] != "keras.io loop"]
    print(
        f"  automatic choice ({choice.dtype}, batch {auto['batch']}): "
        f"{auto['per_filter']:.2f}x per filter vs the keras.io loop, "
        f"{min(ms32) / auto['ms']:.2f}x the fastest float32 batch (targets: with AMX >= 6x "
        "the loop; without, no slower than float32 batched)"
    )
    if not features:
        slow = next(r["ms"] for r in rows if r["dtype"] == "bfloat16") / rows[1]["ms"]
        print(f"  bfloat16 is {slow:.1f}x slower than float32 at batch 1 here (no native bf16)")
    corr = picture_correlation(model, layer, size, steps, [0, 1, 2] if q else [0, 5])
    print(f"  pictures, batched vs keras.io loop, same filter: correlation >= {corr:.4f}")
    return {"steps": rows, "correlation": corr}


def section_memory(weights: str | None, q: bool, choice, features: tuple) -> dict[str, float]:
    """Section 3: peak RSS of fresh processes rendering the largest default grids."""
    candidates, steps = (16, 2) if q else (200, 20)
    # Both types where bfloat16 can be the choice; elsewhere it is never used.
    dtypes = DTYPES if features and not q else (choice.dtype,)
    # The other type with 2 steps: memory depends on the batch, not on the number of steps.
    rss = {
        d: render_peak_rss_mb(weights, d, candidates, 128, steps if d == choice.dtype else 2)
        for d in dtypes
    }
    print(
        f"\n3. peak RSS of a fresh process rendering the 4x4 {LAYER} grid (best of "
        f"{candidates}, 128 px) and its Fourier grid (target < 1536 MB):"
    )
    for d, mb in rss.items():
        note = f"{steps} steps" if d == choice.dtype else "2 steps"
        print(f"  {d:<9} {mb:6.0f} MB ({note})")
    return rss


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short CI mode (a few minutes)")
    parser.add_argument("--sections", default="123", help="which sections to run, e.g. 13")
    parser.add_argument(
        "--bf16-workload",
        choices=("auto", "yes", "no"),
        default="auto",
        help="run the workload in bfloat16 (auto: where the CPU has native bf16,"
        " or in --quick mode)",
    )
    args = parser.parse_args(argv)
    weights, choice, features = trained_weights(), choice_for_this_machine(), cpu_bf16_features()
    print(f"CPU: {cpu_name()}")
    probe = ", ".join(f"{d} {ms:.1f} ms" for d, ms in choice.ms_per_step.items())
    print(f"automatic compute type: {choice.reason} (probe step: {probe or 'not measured'})")
    print(f"weights: {weights or 'untrained (no weights file found)'}; quick={args.quick}")
    model, q, figures = load_vgg16(weights), args.quick, {"choice": choice}
    if "1" in args.sections:
        figures |= section_steps(model, q, choice, features)
    if "2" in args.sections:
        plan = ("block3_conv3", 2, 16, 32, 6) if q else (LAYER, 4, 200, 128, 20)
        bf16 = args.bf16_workload == "yes" or (
            args.bf16_workload == "auto" and (q or bool(features))
        )
        # Section 1 timed the loop at the same layer and size; alone, time it here.
        loop_ms = figures["steps"][0]["ms"] if "steps" in figures else measure_loop(model, plan)
        figures["workload"] = workload(model, plan, loop_ms, bf16)
        print_workload(figures["workload"], plan)
        if not bf16:
            print("  bfloat16 screened: not run (no native bf16 here; --bf16-workload yes runs it)")
    if "3" in args.sections:
        figures["rss"] = section_memory(weights, q, choice, features)
    peak = round(peak_rss_mb())
    print(f"this process's peak RSS: {peak} MB")
    return figures


if __name__ == "__main__":
    main()
