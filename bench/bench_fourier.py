"""How readable the Fourier method's pictures are, per layer and learning rate.

For the same 16 filters the shipped grids show (the document's best of each layer), renders
the Fourier pictures and measures each tile:

- contrast: the tile's spatial standard deviation (0..255, mean over R, G, B);
- saturated: the share of its pixel values at 0..2 or 253..255 (the sigmoid's flat ends,
  "blown out");
- flat: tiles with contrast under 8 (one grey or one colour), and dead: filters that never
  fired (mean activation 0 at every step: their gradient is 0, their tile stays mid-grey).

    python -m bench.bench_fourier            # block1_conv1 at 0.05 and 0.01, two deeper layers
    python -m bench.bench_fourier --quick    # CI: block1_conv1 only, 4 filters at 64 px
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from bench.machine import cpu_name  # noqa: E402
from core.filters.ascent import visualize_filters  # noqa: E402
from core.filters.methods import METHODS  # noqa: E402
from core.filters.shipped import SHIPPED_DIR, read_shipped  # noqa: E402
from tests.support.weights import trained_weights  # noqa: E402

FLAT_CONTRAST = 8.0


def tile_figures(images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(k,) contrast and (k,) saturated share of (k, h, w, 3) uint8 tiles."""
    contrast = images.astype(np.float32).std(axis=(1, 2)).mean(axis=1)
    saturated = ((images <= 2) | (images >= 253)).mean(axis=(1, 2, 3))
    return contrast, saturated


def shipped_filters(layer: str) -> list[int]:
    """The filters the shipped seed grid of ``layer`` shows (what the Methods tab compares)."""
    found = read_shipped(SHIPPED_DIR / f"{layer}_4x4_seed.json")
    if found is None:
        raise SystemExit(f"no shipped grid for {layer}")
    return [int(i) for i in found[1].filter_indices]


def measure(model, layer, indices, steps, learning_rate, size) -> dict:
    started = time.perf_counter()
    res = visualize_filters(
        model, layer, indices, size=size, steps=steps, step_size=learning_rate, method="fourier"
    )
    contrast, saturated = tile_figures(res.images)
    live = res.alive
    return {
        "seconds": time.perf_counter() - started,
        "contrast": float(np.median(contrast[live])) if live.any() else 0.0,
        "saturated": float(saturated.mean()),
        "worst": float(saturated.max()),
        "flat": int((contrast < FLAT_CONTRAST).sum()),
        "dead": int((~live).sum()),
        "k": len(indices),
    }


def main(argv: list[str] | None = None) -> list[tuple]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="CI size: 4 filters at 64 px")
    args = parser.parse_args(argv)
    weights = trained_weights()
    if weights is None:
        print("skipped: no trained VGG16 weights (set VGG16_WEIGHTS or provide ../shared)")
        return []
    from core.filters.model import load_vgg16
    from core.filters.visualizer import Visualizer

    model = Visualizer(load_vgg16(weights), "float32")
    fourier = METHODS["fourier"]
    size, k = (64, 4) if args.quick else (128, 16)
    runs = [("block1_conv1", 0.05), ("block1_conv1", fourier.step_size_on("block1_conv1"))]
    if not args.quick:
        runs += [(layer, fourier.step_size_on(layer)) for layer in ("block2_conv2", "block3_conv3")]
    print(f"Fourier pictures, {k} filters, {fourier.steps} steps, {size} px, on {cpu_name()}")
    print(
        f"  {'layer':<13} {'lr':>5} {'contrast':>8} {'sat %':>6} {'worst %':>7} "
        f"{'flat':>4} {'dead':>4} {'s':>6}"
    )
    rows = []
    for layer, lr in runs:
        f = measure(model, layer, shipped_filters(layer)[:k], fourier.steps, lr, size)
        rows.append((layer, lr, f))
        print(
            f"  {layer:<13} {lr:>5} {f['contrast']:>8.1f} {100 * f['saturated']:>6.1f} "
            f"{100 * f['worst']:>7.1f} {f['flat']:>4} {f['dead']:>4} {f['seconds']:>6.1f}"
        )
    return rows


if __name__ == "__main__":
    main()
