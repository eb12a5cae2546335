"""Command line: pre-render filter grids into the folder the page serves from.

Run ``python -m core.filters --help``.
"""

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from core.filters.ascent import METHODS, Progress
from core.filters.model import (
    CONV_LAYERS,
    WeightsDownloadError,
    WeightsError,
    default_weights,
    load_vgg16,
)
from core.filters.store import GridSettings, prerender_dir, render, save_grid, weights_id


def main(argv: Sequence[str] | None = None) -> int:
    """Pre-render grids into a folder the page serves from (``python -m core.filters``)."""
    parser = argparse.ArgumentParser(
        prog="python -m core.filters",
        description="Pre-render VGG16 filter grids so the page shows them instantly, offline.",
    )
    parser.add_argument(
        "--layer",
        action="append",
        choices=list(CONV_LAYERS),
        help="layer to render (repeatable; default block5_conv3)",
    )
    parser.add_argument("--all-layers", action="store_true", help="render all 13 conv layers")
    parser.add_argument("--grid", type=int, default=4, help="grid side n (n x n tiles)")
    parser.add_argument(
        "--weights",
        default=default_weights(),
        help="'imagenet', 'untrained' or a weights file (default $VGG16_WEIGHTS or imagenet)",
    )
    parser.add_argument("--out", type=Path, default=prerender_dir(), help="output folder")
    parser.add_argument("--method", choices=METHODS, default="seed")
    parser.add_argument(
        "--candidates",
        type=int,
        default=200,
        help="rank the first M filters (capped at the layer's filter count)",
    )
    parser.add_argument("--steps", type=int, default=None)
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)  # fmt: skip

    layers = list(CONV_LAYERS) if args.all_layers else (args.layer or ["block5_conv3"])
    weights = None if args.weights == "untrained" else args.weights
    try:
        model = load_vgg16(weights)
    except (WeightsError, WeightsDownloadError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    wid = weights_id(model)
    for layer in layers:
        settings = GridSettings.for_method(
            args.method, layer=layer, n=args.grid, size=args.size, seed=args.seed,
            candidates=min(args.candidates, CONV_LAYERS[layer]),
            **({"steps": args.steps} if args.steps else {}),
        )  # fmt: skip
        started = time.perf_counter()

        def report(p: Progress, layer: str = layer) -> None:
            print(f"\r{layer}: {p.stage} {p.done}/{p.total} image-steps", end="", flush=True)

        try:
            grid = render(model, settings, report)
        except ValueError as error:
            print(f"\nerror: {layer}: {error}", file=sys.stderr)
            return 2
        path = save_grid(grid, args.out, settings.key(wid), png=True)
        seconds = time.perf_counter() - started
        print(f"\r{layer}: {path.name} and {grid.png_name} in {seconds:.0f} s "
              f"({grid.image_steps} image-steps)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
