"""Command line: pre-render filter grids, or regenerate the grids that ship with the app.

Run ``python -m core.filters --help``.
"""

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from core.filters.ascent import Progress
from core.filters.compute import DTYPE_ENV, REQUESTS, choice_for_this_machine
from core.filters.grid import filter_grid
from core.filters.methods import METHODS
from core.filters.model import (
    CONV_LAYERS,
    WeightsDownloadError,
    WeightsError,
    default_weights,
    load_vgg16,
)
from core.filters.settings import GridSettings
from core.filters.shipped import SHIPPED_DIR, ship
from core.filters.store import save_grid, weights_id
from core.filters.visualizer import Visualizer

PRERENDER_ENV = "FILTER_GRID_DIR"


def prerender_dir() -> Path:
    """Where pre-rendered grids go: ``$FILTER_GRID_DIR``, else ``grids/`` in this folder."""
    return Path(os.environ.get(PRERENDER_ENV) or "grids")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m core.filters",
        description="Pre-render VGG16 filter grids so the page shows them instantly, offline.",
    )
    add = parser.add_argument
    add(
        "--layer",
        action="append",
        choices=list(CONV_LAYERS),
        help="layer to render (repeatable; default block5_conv3)",
    )
    add("--all-layers", action="store_true", help="render all 13 conv layers")
    add("--grid", type=int, default=4, help="grid side n (n x n tiles)")
    add(
        "--weights",
        default=default_weights(),
        help="'imagenet', 'untrained' or a weights file (default $VGG16_WEIGHTS or imagenet)",
    )
    add(
        "--out",
        type=Path,
        default=None,
        help=f"output folder (default {prerender_dir()}; with --ship {SHIPPED_DIR})",
    )
    add("--method", choices=METHODS, default="seed")
    add(
        "--candidates",
        type=int,
        default=200,
        help="rank the first M filters (capped at the layer's filter count)",
    )
    add("--steps", type=int, default=None)
    add("--size", type=int, default=128)
    add("--seed", type=int, default=0)
    add(
        "--compute-dtype",
        choices=REQUESTS,
        default=None,
        help=f"the network's arithmetic (default ${DTYPE_ENV} or auto: measured; "
        "float32 with --ship)",
    )
    add(
        "--ship",
        action="store_true",
        help="regenerate the grids that ship with the app (the page's defaults for all 13 "
        "layers and the Fourier grids of the document's five); give it the ImageNet weights",
    )
    add("--force", action="store_true", help="with --ship: render every grid again")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Pre-render grids into a folder the page serves from (``python -m core.filters``)."""
    args = _parser().parse_args(argv)
    weights = None if args.weights == "untrained" else args.weights
    try:
        model = load_vgg16(weights)
    except (WeightsError, WeightsDownloadError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.ship:
        dtype = "float32" if args.compute_dtype in (None, "auto") else args.compute_dtype
        ship(model, Path(args.weights).name, args.out or SHIPPED_DIR, dtype, args.force)
        return 0
    if args.compute_dtype:
        os.environ[DTYPE_ENV] = args.compute_dtype
    choice = choice_for_this_machine()
    print(f"compute type: {choice.reason}")
    return _prerender(Visualizer(model, choice), args)


def _prerender(visualizer: Visualizer, args: argparse.Namespace) -> int:
    layers = list(CONV_LAYERS) if args.all_layers else (args.layer or ["block5_conv3"])
    out, wid = args.out or prerender_dir(), weights_id(visualizer.model)
    for layer in layers:
        settings = GridSettings.for_method(
            args.method,
            layer=layer,
            n=args.grid,
            size=args.size,
            seed=args.seed,
            candidates=min(args.candidates, CONV_LAYERS[layer]),
            **({"steps": args.steps} if args.steps else {}),
        )
        started = time.perf_counter()

        def report(p: Progress, layer: str = layer) -> None:
            print(f"\r{layer}: {p.stage} {p.done}/{p.total} image-steps", end="", flush=True)

        try:
            grid = filter_grid(visualizer, settings, on_progress=report)
        except ValueError as error:
            print(f"\nerror: {layer}: {error}", file=sys.stderr)
            return 2
        path = save_grid(grid, out, settings.key(wid, visualizer.compute_dtype), png=True)
        seconds = time.perf_counter() - started
        print(
            f"\r{layer}: {path.name} and {grid.png_name} in {seconds:.0f} s "
            f"({grid.image_steps} image-steps)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
