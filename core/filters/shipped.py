"""Grids that ship with the app: rendered once with the ImageNet weights, served before any model.

Each grid is two files in ``assets/filter_grids/``: ``<name>.png`` (the stitched grid, exactly
as the page shows it) and ``<name>.json`` (the settings, the filters shown, their losses and
loss histories, how it was rendered, and the hash of the weight values it came from). Opening
the filters page with default settings and ImageNet weights finds its grid here: no download,
no model, no render.
"""

from __future__ import annotations

import json
import platform
import time
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from core.filters.grid import FilterGrid, filter_grid
from core.filters.model import CONV_LAYERS, DOCUMENT_LAYERS
from core.filters.settings import GridSettings, default_settings
from core.filters.store import weights_id
from core.filters.visualizer import Visualizer, as_visualizer

if TYPE_CHECKING:
    import keras

SHIPPED_DIR = Path(__file__).resolve().parents[2] / "assets" / "filter_grids"
FORMAT_VERSION = 1
PALETTE_COLOURS = 256


def grid_metadata(grid: FilterGrid, settings: GridSettings, rendering: dict) -> dict:
    """The JSON side of a shipped grid.

    Args:
        grid: The rendered grid.
        settings: The settings it was rendered with.
        rendering: How it was rendered (weights hash, compute type, time, versions, ...).
    """
    return {
        "format": FORMAT_VERSION,
        "settings": {f.name: getattr(settings, f.name) for f in fields(GridSettings)},
        "filter_indices": [int(i) for i in grid.filter_indices],
        "losses": [float(v) for v in grid.losses],
        "loss_history": np.round(grid.loss_history.astype(np.float64), 5).tolist(),
        "image_steps": int(grid.image_steps),
        "candidates": int(grid.candidates),
        "grid_settings": grid.settings,
        "rendering": rendering,
    }


def settings_of(meta: dict) -> GridSettings:
    """The ``GridSettings`` a shipped grid's metadata describes."""
    values = dict(meta["settings"])
    values["indices"] = tuple(values.get("indices", ()))
    return GridSettings(**values)


def tiles_from_image(image: np.ndarray, n: int, size: int, margin: int, count: int) -> np.ndarray:
    """Cut the first ``count`` (size, size, 3) tiles out of a stitched n x n grid, row by row."""
    tiles = []
    for k in range(count):
        row, col = divmod(k, n)
        top, left = row * (size + margin), col * (size + margin)
        tiles.append(image[top : top + size, left : left + size])
    return np.stack(tiles) if tiles else np.zeros((0, size, size, 3), np.uint8)


def read_shipped(json_path: Path) -> tuple[GridSettings, FilterGrid, dict] | None:
    """One shipped grid from its JSON file and the PNG beside it; None if either is unreadable."""
    from PIL import Image

    try:
        meta = json.loads(Path(json_path).read_text())
        if meta.get("format") != FORMAT_VERSION:
            return None
        settings = settings_of(meta)
        with Image.open(Path(json_path).with_suffix(".png")) as picture:
            image = np.asarray(picture.convert("RGB"))
        indices = np.asarray(meta["filter_indices"], np.int64)
        s = settings
        side = s.n * s.size + (s.n - 1) * s.margin
        if image.shape != (side, side, 3) or len(indices) > s.n * s.n:
            return None
        tiles = tiles_from_image(image, s.n, s.size, s.margin, len(indices))
        grid = FilterGrid(
            image,
            indices,
            np.asarray(meta["losses"], np.float32),
            tiles,
            np.asarray(meta["loss_history"], np.float32),
            s.layer,
            s.n,
            int(meta["image_steps"]),
            int(meta["candidates"]),
            dict(meta["grid_settings"]),
        )
        return settings, grid, meta["rendering"]
    except (OSError, ValueError, KeyError, TypeError, SyntaxError):
        return None


def shipped_index(directory: Path = SHIPPED_DIR) -> dict[GridSettings, tuple[FilterGrid, dict]]:
    """Every readable shipped grid in ``directory``, by its settings (reads the whole folder:
    the page keeps the index)."""
    found = {}
    for json_path in sorted(Path(directory).glob("*.json")):
        entry = read_shipped(json_path)
        if entry is not None:
            settings, grid, rendering = entry
            found[settings] = (grid, rendering)
    return found


def shipped_name(settings: GridSettings) -> str:
    """File stem of a shipped grid, e.g. ``block5_conv3_4x4_seed``."""
    return f"{settings.layer}_{settings.n}x{settings.n}_{settings.method}"


def render_settings(
    model: keras.Model | Visualizer, settings: GridSettings, compute_dtype: str, on_progress=None
) -> FilterGrid:
    """The grid ``settings`` describe, computed in ``compute_dtype`` (as the page renders it)."""
    return filter_grid(model, settings, on_progress=on_progress, compute_dtype=compute_dtype)


def write_shipped(grid: FilterGrid, settings: GridSettings, rendering: dict, directory: Path):
    """Write ``<name>.png`` and ``<name>.json`` for one grid; returns the JSON path."""
    from PIL import Image

    directory.mkdir(parents=True, exist_ok=True)
    stem = directory / shipped_name(settings)
    # 256 colours keep the folder at a few MB (lossless noise pictures take 2.5x the space).
    picture = Image.fromarray(grid.image).quantize(PALETTE_COLOURS, Image.Quantize.MEDIANCUT)
    picture.save(stem.with_suffix(".png"), optimize=True)
    error = np.abs(np.asarray(picture.convert("RGB"), np.float64) - grid.image).mean()
    rendering = rendering | {"png": f"{PALETTE_COLOURS} colours, mean |error| {error:.2f}/255"}
    text = json.dumps(grid_metadata(grid, settings, rendering), indent=1)
    stem.with_suffix(".json").write_text(text + "\n")
    return stem.with_suffix(".json")


def _environment() -> dict:
    import keras
    import tensorflow as tf

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
    }


def ship_order() -> list[tuple[str, str]]:
    """(layer, method) of every shipped grid, most wanted first, so a cut-short run still helps.

    The page's first grid (the document's block5_conv3) comes first, then the other document
    layers, their Fourier grids (each after its seed grid, whose filters it draws), the rest.
    """
    document = ["block5_conv3", *(layer for layer in DOCUMENT_LAYERS if layer != "block5_conv3")]
    others = [layer for layer in CONV_LAYERS if layer not in DOCUMENT_LAYERS]
    return (
        [(layer, "seed") for layer in document]
        + [(layer, "fourier") for layer in DOCUMENT_LAYERS]
        + [(layer, "seed") for layer in others]
    )


def ship(
    model: keras.Model | Visualizer,
    weights: str,
    directory: Path = SHIPPED_DIR,
    compute_dtype: str = "float32",
    force: bool = False,
    log: Callable[[str], None] = print,
) -> list[Path]:
    """Render the page's default grids (13 layers, and Fourier for the document's five).

    A grid already in ``directory`` with the same settings and weights is kept unless
    ``force``; files of grids no longer in the set are removed.

    Args:
        model: VGG16 with the weights to ship (ImageNet).
        weights: Where the weights came from, for the record (``"imagenet"`` or a file name).
        directory: The folder to write.
        compute_dtype: The network's arithmetic for every grid.
        force: Render every grid again.
        log: Receives one line per grid.

    Returns:
        The JSON paths of the shipped set.
    """
    visualizer = as_visualizer(model)  # one compiled step per layer for the whole set
    wid = weights_id(visualizer.model)
    base = {"weights": weights, "weights_id": wid, "compute_dtype": compute_dtype}
    base |= _environment()
    written, seed_indices = [], {}
    for layer, method in ship_order():
        if method == "seed":
            settings = default_settings(layer)
        else:
            settings = default_settings(layer, method, indices=seed_indices[layer])
        path = directory / f"{shipped_name(settings)}.json"
        old = None if force else read_shipped(path)
        if old is not None and old[0] == settings and old[2].get("weights_id") == wid:
            grid = old[1]
            log(f"{path.stem}: up to date")
        else:
            started = time.perf_counter()
            grid = render_settings(visualizer, settings, compute_dtype)
            seconds = round(time.perf_counter() - started, 1)
            rendering = base | {
                "seconds": seconds,
                "batch_size": grid.settings["batch_size"],
                "rendered": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            }
            write_shipped(grid, settings, rendering, directory)
            log(f"{path.stem}: {grid.image_steps} image-steps in {seconds:.0f} s")
        seed_indices[settings.layer] = tuple(int(i) for i in grid.filter_indices)
        written.append(path)
    for stale in set(directory.glob("*.json")) - set(written):
        stale.unlink()
        stale.with_suffix(".png").unlink(missing_ok=True)
    return written
