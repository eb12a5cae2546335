"""Grids on disk: one ``.npz`` per setting, so a restart (or a lecture room) never recomputes.

A grid's key hashes every setting that changes the picture and the identity of the weights
(a hash of the weight values, so the same file gives the same key wherever it lives). The
pre-render command (``python -m core.filters``) writes the same files into a folder that the
page reads first, so pre-rendered grids are served instantly and offline.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from core.filters.ascent import ProgressCallback, default_step_size, default_steps
from core.filters.compute import resolve_dtype
from core.filters.grid import FilterGrid, filter_grid, sample_filters
from core.filters.model import CONV_LAYERS, filter_count

if TYPE_CHECKING:
    import keras

ROOT = Path(__file__).resolve().parents[1]
CACHE_ENV = "FILTER_GRID_CACHE"
PRERENDER_ENV = "FILTER_GRID_DIR"
SELECTIONS = ("best", "indices", "random")
FORMAT_VERSION = 1


def cache_dir() -> Path:
    """Where rendered grids are kept: ``$FILTER_GRID_CACHE`` or ``.cache/filter_grids``."""
    return Path(os.environ.get(CACHE_ENV) or ROOT / ".cache" / "filter_grids")


def prerender_dir() -> Path:
    """Where the pre-render command writes by default: ``$FILTER_GRID_DIR`` or ``grids/``."""
    return Path(os.environ.get(PRERENDER_ENV) or ROOT / "grids")


@dataclass(frozen=True)
class GridSettings:
    """Everything that decides a grid except the weights; the document's run is the default."""

    layer: str = "block5_conv3"
    n: int = 4
    selection: str = "best"
    candidates: int = 200
    indices: tuple[int, ...] = field(default_factory=tuple)
    sample_seed: int = 0
    method: str = "seed"
    steps: int = 20
    step_size: float = 1.0
    size: int = 128
    seed: int = 0
    margin: int = 5

    @classmethod
    def for_method(cls, method: str, **changes) -> GridSettings:
        """Settings with the method's own default steps and step size."""
        defaults = {"steps": default_steps(method), "step_size": default_step_size(method)}
        return cls(method=method, **{**defaults, **changes})

    def filter_indices(self, count: int) -> list[int] | None:
        """The explicit filters to show, or None to rank the first ``candidates``."""
        if self.selection not in SELECTIONS:
            raise ValueError(f"selection must be one of {SELECTIONS}, got {self.selection!r}")
        if self.selection == "indices":
            return list(self.indices)
        if self.selection == "random":
            return sample_filters(count, min(self.n * self.n, count), self.sample_seed)
        return None

    def key(self, weights_id: str, compute_dtype: str | None = None) -> str:
        """File-name-safe key of these settings with those weights and compute type.

        ``compute_dtype`` None is this process's choice (``core.filters.compute``): a bfloat16
        grid differs a little from a float32 one, so the two never share a cache entry.
        """
        compute = resolve_dtype(compute_dtype)
        text = json.dumps(
            {**asdict(self), "weights": weights_id, "compute": compute, "v": FORMAT_VERSION}
        )
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]
        return f"{self.layer}_{self.n}x{self.n}_{self.method}_{digest}"


DEFAULT_CANDIDATES = 200  # the document ranks the first 200 filters of a layer


def default_settings(
    layer: str, method: str = "seed", indices: tuple[int, ...] = ()
) -> GridSettings:
    """The page's default grid of ``layer``: the document's best 16 of the first 200 filters
    (or of all the layer has); with ``indices``, those filters instead, in that order (what a
    comparison shows next to a first grid)."""
    if layer not in CONV_LAYERS:
        raise ValueError(f"unknown layer {layer!r}; expected one of {', '.join(CONV_LAYERS)}")
    if indices:
        return GridSettings.for_method(
            method, layer=layer, selection="indices", indices=tuple(int(i) for i in indices)
        )
    return GridSettings.for_method(
        method, layer=layer, candidates=min(DEFAULT_CANDIDATES, CONV_LAYERS[layer])
    )


def weights_id(model: keras.Model) -> str:
    """A short hash of all the model's weight values."""
    digest = hashlib.blake2b(digest_size=12)
    for array in model.get_weights():
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def render(
    model: keras.Model, settings: GridSettings, on_progress: ProgressCallback | None = None
) -> FilterGrid:
    """Compute the grid for ``settings`` (no cache involved)."""
    count = filter_count(model, settings.layer)
    return filter_grid(
        model, settings.layer, settings.n, settings.candidates, settings.method, settings.seed,
        filter_indices=settings.filter_indices(count), size=settings.size, steps=settings.steps,
        step_size=settings.step_size, margin=settings.margin, on_progress=on_progress,
    )  # fmt: skip


def save_grid(grid: FilterGrid, directory: Path, key: str, png: bool = False) -> Path:
    """Write ``grid`` as ``directory/key.npz`` (and the document's PNG name when ``png``).

    The file appears atomically, so a reader never sees half a grid.
    """
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{key}.npz"
    partial = directory / f".{key}.{os.getpid()}.tmp.npz"
    np.savez_compressed(
        partial, image=grid.image, filter_indices=grid.filter_indices, losses=grid.losses,
        tiles=grid.tiles, loss_history=grid.loss_history,
        meta=np.array(json.dumps({
            "layer": grid.layer, "n": grid.n, "image_steps": grid.image_steps,
            "candidates": grid.candidates, "settings": grid.settings,
        })),
    )  # fmt: skip
    partial.replace(path)
    if png:
        from PIL import Image

        Image.fromarray(grid.image).save(directory / grid.png_name)
    return path


def load_grid(directories: list[Path], key: str) -> FilterGrid | None:
    """The grid saved under ``key`` in the first folder that has a readable copy, else None."""
    for directory in directories:
        path = Path(directory) / f"{key}.npz"
        if not path.is_file():
            continue
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(str(data["meta"]))
                return FilterGrid(
                    data["image"], data["filter_indices"], data["losses"], data["tiles"],
                    data["loss_history"], meta["layer"], meta["n"], meta["image_steps"],
                    meta["candidates"], meta["settings"],
                )  # fmt: skip
        except (OSError, ValueError, KeyError):  # a damaged file is recomputed, not fatal
            continue
    return None


def grid_png(grid: FilterGrid) -> bytes:
    """The grid as PNG bytes, for a download button."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(grid.image).save(buffer, format="PNG")
    return buffer.getvalue()
