"""Benchmark of "by the numbers": VGG16's receptive fields and costs, a cell by hand against the
network's convolution, and what one click of the view costs the server.

Prints, with the CPU named:

1. every conv layer's receptive field, jump and multiply-adds at the photo's size, read from
   the layer stack of Keras' VGG16 (``core.filters.numbers``);
2. medians of interleaved repeats: one row of block1_conv1 cells computed by hand with
   ``one_cell`` (27 products and a bias per cell, every filter), against the peer, Keras'
   compiled block1_conv1 on the whole photo; per cell and filter, and their ratio; and the
   largest difference between the two on that row (they must agree);
3. the figures one click redraws (photo, map, the 27 numbers, the sliding kernel): seconds to
   build them and the bytes of their JSON.

    python bench/bench_numbers.py            # 224 px, the trained weights when present
    python bench/bench_numbers.py --quick    # CI: 64 px, three repeats
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from bench.machine import cpu_name  # noqa: E402
from core.filters.features import preprocess  # noqa: E402
from core.filters.model import load_vgg16, truncate  # noqa: E402
from core.filters.numbers import (  # noqa: E402
    default_cell,
    first_layer_weights,
    layer_stack,
    one_cell,
    receptive_fields,
)
from core.filters.numbers_plots import (  # noqa: E402
    cell_figure,
    map_figure,
    photo_figure,
    sweep_figure,
)
from core.filters.photos import read_picture  # noqa: E402
from tests.support.weights import trained_weights  # noqa: E402

SAMPLE = ROOT / "assets" / "samples" / "chelsea.jpg"


def field_table(model, size: int) -> list[str]:
    """One line per conv layer: map, receptive field, jump, multiply-adds."""
    lines = [
        f"{'layer':13} {'map':>7} {'field':>6} {'jump':>5} {'MACs/cell':>10} "
        f"{'MACs, layer':>15} {'up to it':>15}"
    ]
    for name, f in receptive_fields(layer_stack(model), size).items():
        if f.stage.kind == "conv":
            lines.append(
                f"{name:13} {f'{f.side}x{f.side}':>7} {f.size:>4} px {f.jump:>3} px "
                f"{f.cell_macs:>10,} {f.layer_macs:>15,} {f.total_macs:>15,}"
            )
    return lines


def row_by_hand(x, W, b, i: int) -> np.ndarray:
    """A of every cell of row i, every filter, one ``one_cell`` at a time."""
    return np.array(
        [[one_cell(x, W, b, f, i, j).A for f in range(W.shape[3])] for j in range(x.shape[1])]
    )


def figures_of_a_click(pixels, A1, x, W, b, f, i, j) -> int:
    """Build the four figures one click redraws; return the bytes of their JSON."""
    Z_row = np.array([one_cell(x, W, b, f, i, c).Z for c in range(x.shape[1])])
    built = [
        photo_figure(pixels, i, j),
        map_figure(A1[:, :, f], f, i, j),
        cell_figure(one_cell(x, W, b, f, i, j)),
        sweep_figure(pixels, A1[:, :, f], Z_row, f, i, j),
    ]
    return sum(len(figure.to_json()) for figure in built)


def timed(function, *args) -> tuple[float, object]:
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="64 px, three repeats (CI)")
    parser.add_argument("--size", type=int, default=None, help="photo side in px (224)")
    parser.add_argument("--repeats", type=int, default=None)
    args = parser.parse_args(argv)
    size = args.size or (64 if args.quick else 224)
    repeats = args.repeats or (3 if args.quick else 7)
    weights = trained_weights()
    model = load_vgg16(weights)
    pixels = read_picture(SAMPLE.read_bytes(), size).pixels
    x = preprocess(pixels)
    W, b = first_layer_weights(model)
    network = truncate(model, "block1_conv1")
    A1 = network([x[None]]).numpy()[0]  # also compiles
    f, i, j = default_cell(A1)
    hand_times, network_times, click_times = [], [], []
    for _ in range(repeats):
        seconds, hand = timed(row_by_hand, x, W, b, i)
        hand_times.append(seconds)
        network_times.append(timed(lambda: network([x[None]]).numpy())[0])
        seconds, sent = timed(figures_of_a_click, pixels, A1, x, W, b, f, i, j)
        click_times.append(seconds)
    cells = size * W.shape[3]  # one row, every filter
    figures = {
        "hand_us": statistics.median(hand_times) / cells * 1e6,
        "network_us": statistics.median(network_times) / (size * cells) * 1e6,
        "max_difference": float(np.abs(hand - A1[i]).max()),
        "click_s": statistics.median(click_times),
        "click_kb": sent / 1e3,
    }
    figures["ratio"] = figures["hand_us"] / figures["network_us"]
    print(f"CPU: {cpu_name()}; weights: {Path(weights).name if weights else 'untrained'}")
    print(f"photo {size}x{size} px; receptive fields and multiply-adds from VGG16's layer stack")
    print("\n".join(field_table(model, size)))
    print(f"median of {repeats} interleaved runs; a cell = one filter at one place")
    print(f"one cell by hand (one_cell, row {i}):   {figures['hand_us']:.3f} us")
    print(
        f"one cell by Keras' block1_conv1:       {figures['network_us']:.5f} us "
        f"(whole {size}x{size}x{W.shape[3]} map)"
    )
    print(f"the network is {figures['ratio']:,.0f}x faster per cell")
    print(f"largest difference on row {i}:        {figures['max_difference']:.2e}")
    print(
        f"one click: 4 figures built in {figures['click_s']:.3f} s, "
        f"{figures['click_kb']:,.0f} kB of JSON"
    )
    return figures


if __name__ == "__main__":
    main()
