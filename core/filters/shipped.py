"""Grids that ship with the app: rendered once with the ImageNet weights, served before any model.

Each grid is two files in ``assets/filter_grids/``: ``<name>.png`` (the stitched grid, exactly
as the page shows it) and ``<name>.json`` (the settings, the filters shown, their losses and
loss histories, how it was rendered, and the hash of the weight values it came from). Opening
the filters page with default settings and ImageNet weights finds its grid here: no download,
no model, no render.
"""

from __future__ import annotations

import json
from dataclasses import fields
from functools import lru_cache
from pathlib import Path

import numpy as np

from core.filters.grid import FilterGrid
from core.filters.store import GridSettings

SHIPPED_DIR = Path(__file__).resolve().parents[2] / "assets" / "filter_grids"
FORMAT_VERSION = 1


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
            image, indices, np.asarray(meta["losses"], np.float32), tiles,
            np.asarray(meta["loss_history"], np.float32), s.layer, s.n,
            int(meta["image_steps"]), int(meta["candidates"]), dict(meta["grid_settings"]),
        )  # fmt: skip
        return settings, grid, meta["rendering"]
    except (OSError, ValueError, KeyError, TypeError, SyntaxError):
        return None


@lru_cache(maxsize=4)
def _index(directory: Path) -> dict[GridSettings, tuple[FilterGrid, dict]]:
    found = {}
    for json_path in sorted(Path(directory).glob("*.json")):
        entry = read_shipped(json_path)
        if entry is not None:
            settings, grid, rendering = entry
            found[settings] = (grid, rendering)
    return found


def shipped_grid(
    settings: GridSettings, directory: Path = SHIPPED_DIR
) -> tuple[FilterGrid, dict] | None:
    """The shipped ImageNet grid rendered with exactly ``settings``, and how it was rendered.

    Returns:
        (grid, rendering) or None when no shipped grid has these settings (or the folder is
        missing or damaged: never raises).
    """
    return _index(Path(directory)).get(settings)
