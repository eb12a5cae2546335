"""Benchmark of a picture's feature maps: one multi-output pass vs 13 truncated models.

Prints medians measured side by side (interleaved, so load from other processes hits both):

1. the one forward pass that gives every conv layer's maps (``core.filters.features``),
   against the naive peer, 13 separate models each cut after one layer and run from the input;
2. what the page does before the maps appear: that pass, the ranking, 16 heat tiles paired
   with the filters' pictures, the five strips "through the network", encoded as JPEG;
3. the largest difference between the two ways' maps (they must agree) and peak RSS.

    python bench/bench_features.py            # 224 px, the trained weights when present
    python bench/bench_features.py --quick    # CI: 64 px, three repeats
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

from bench.machine import cpu_name, peak_rss_mb  # noqa: E402
from core.filters.features import (  # noqa: E402
    conv_layer_names,
    feature_maps,
    heat_tiles,
    preprocess,
    strongest_per_layer,
    top_filters,
)
from core.filters.model import DOCUMENT_LAYERS, load_vgg16  # noqa: E402
from core.filters.photos import read_picture  # noqa: E402
from tests.support.weights import trained_weights  # noqa: E402

SAMPLE = ROOT / "assets" / "samples" / "chelsea.jpg"


def truncated_models(model) -> list:
    """The naive peer: one model per conv layer, each compiled like the multi-output pass."""
    import keras
    import tensorflow as tf

    spec = [tf.TensorSpec([1, None, None, 3], tf.float32)]
    peers = []
    for name in conv_layer_names(model):
        cut = keras.Model(model.inputs[0], model.get_layer(name).output)
        peers.append(
            (name, tf.function(lambda x, cut=cut: cut(x, training=False), input_signature=spec))
        )
    return peers


def naive_maps(peers, pixels) -> dict[str, np.ndarray]:
    x = preprocess(pixels)[None]
    return {name: forward(x).numpy()[0] for name, forward in peers}


def page_work(model, pixels) -> None:
    """What the page does before the maps appear: the pass, the ranking, the heat tiles
    paired with (missing) filter pictures, the five strips "through the network", and the
    JPEG encoding ``st.image`` does for them (Streamlit's own transport aside)."""
    import io

    from PIL import Image

    from core.filters.tiles import pair_pictures, strip

    maps = feature_maps(model, pixels)
    A = maps["block3_conv3"]
    indices, _ = top_filters(A, 16)
    pictures = list(pair_pictures(heat_tiles(pixels, A, indices, side=160), [None] * 16))
    for layer, idx, _ in strongest_per_layer(maps, DOCUMENT_LAYERS, 6):
        pictures.append(strip(heat_tiles(pixels, maps[layer], idx, side=128), 6))
    for picture in pictures:
        Image.fromarray(picture).save(io.BytesIO(), format="JPEG", quality=100)  # as st.image


def timed(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="64 px, three repeats (CI)")
    parser.add_argument("--size", type=int, default=None, help="picture side in px (224)")
    parser.add_argument("--repeats", type=int, default=None)
    args = parser.parse_args(argv)
    size = args.size or (64 if args.quick else 224)
    repeats = args.repeats or (3 if args.quick else 9)
    weights = trained_weights()
    model = load_vgg16(weights)
    pixels = read_picture(SAMPLE.read_bytes(), size).pixels
    peers = truncated_models(model)
    one, naive = feature_maps(model, pixels), naive_maps(peers, pixels)  # compile both
    difference = max(float(np.abs(one[k] - naive[k]).max()) for k in one)
    page_work(model, pixels)
    one_times, naive_times, page_times = [], [], []
    for _ in range(repeats):
        one_times.append(timed(feature_maps, model, pixels))
        naive_times.append(timed(naive_maps, peers, pixels))
        page_times.append(timed(page_work, model, pixels))
    figures = {
        "one_pass_s": statistics.median(one_times),
        "naive_s": statistics.median(naive_times),
        "page_s": statistics.median(page_times),
        "max_difference": difference,
        "peak_rss_mb": peak_rss_mb(),
    }
    figures["speedup"] = figures["naive_s"] / figures["one_pass_s"]
    print(f"CPU: {cpu_name()}; weights: {Path(weights).name if weights else 'untrained'}")
    print(f"picture {size}x{size} px, median of {repeats} interleaved runs")
    print(f"one pass, all 13 layers' maps:       {figures['one_pass_s']:.3f} s")
    print(
        f"13 truncated models (naive peer):    {figures['naive_s']:.3f} s "
        f"({figures['speedup']:.1f}x the one pass)"
    )
    print(f"pass + ranking + tiles + JPEGs:      {figures['page_s']:.3f} s")
    print(f"largest difference between the two: {difference:.2e}")
    print(f"peak RSS of this process:            {figures['peak_rss_mb']:.0f} MB")
    return figures


if __name__ == "__main__":
    main()
