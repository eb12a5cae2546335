"""Grids on disk: one ``.npz`` per setting, so a restart (or a lecture room) never recomputes.

A grid's key (``GridSettings.key``) hashes every setting that changes the picture, the identity
of the weights (a hash of the weight values, so the same file gives the same key wherever it
lives) and the compute type. The pre-render command (``python -m core.filters``) writes the same
files into a folder that the page reads first, so pre-rendered grids are served instantly and
offline. Which folders those are is the caller's choice: nothing here writes by default.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

from core.filters.grid import FilterGrid

if TYPE_CHECKING:
    import keras

FORMAT_VERSION = 1
# What np.load and the checks below raise for a file that is not a whole grid of this format:
# half-copied (BadZipFile), empty (EOFError), a Git LFS pointer or pickle (ValueError), ...
UNREADABLE = (OSError, EOFError, ValueError, KeyError, TypeError, IndexError, zipfile.BadZipFile)


def weights_id(model: keras.Model) -> str:
    """A short hash of all the model's weight values."""
    digest = hashlib.blake2b(digest_size=12)
    for array in model.get_weights():
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def save_grid(grid: FilterGrid, directory: Path, key: str, png: bool = False) -> Path:
    """Write ``grid`` as ``directory/key.npz`` (and the document's PNG name when ``png``).

    The file appears atomically, so a reader never sees half a grid.
    """
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{key}.npz"
    partial = directory / f".{key}.{os.getpid()}.tmp.npz"
    np.savez_compressed(
        partial,
        image=grid.image,
        filter_indices=grid.filter_indices,
        losses=grid.losses,
        tiles=grid.tiles,
        loss_history=grid.loss_history,
        meta=np.array(
            json.dumps(
                {
                    "format": FORMAT_VERSION,
                    "layer": grid.layer,
                    "n": grid.n,
                    "image_steps": grid.image_steps,
                    "candidates": grid.candidates,
                    "settings": grid.settings,
                }
            )
        ),
    )
    partial.replace(path)
    if png:
        Image.fromarray(grid.image).save(directory / grid.png_name)
    return path


def load_grid(directories: list[Path], key: str) -> FilterGrid | None:
    """The grid saved under ``key`` in the first folder that has a readable copy, else None.

    A file that cannot be read as a whole grid of this format (half-copied, empty, a Git LFS
    pointer, another format version, inconsistent arrays) is skipped: the grid is recomputed.
    """
    for directory in directories:
        path = Path(directory) / f"{key}.npz"
        if not path.is_file():
            continue
        try:
            return read_grid(path)
        except UNREADABLE:
            continue
    return None


def read_grid(path: Path) -> FilterGrid:
    """One ``.npz`` grid written by ``save_grid``.

    Raises:
        ValueError: The file is of another format version or its arrays do not fit together
            (and any of ``UNREADABLE`` for a file that is not a readable ``.npz``).
    """
    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(str(data["meta"]))
        if meta.get("format", FORMAT_VERSION) != FORMAT_VERSION:
            raise ValueError(f"{path.name} has format {meta.get('format')}, not {FORMAT_VERSION}")
        grid = FilterGrid(
            data["image"],
            data["filter_indices"],
            data["losses"],
            data["tiles"],
            data["loss_history"],
            meta["layer"],
            int(meta["n"]),
            int(meta["image_steps"]),
            int(meta["candidates"]),
            dict(meta["settings"]),
        )
    m = len(grid.filter_indices)
    if grid.image.ndim != 3 or len(grid.losses) != m or len(grid.tiles) != m or m > grid.n**2:
        raise ValueError(f"{path.name} holds arrays that do not fit together")
    return grid


def png_bytes(pixels: np.ndarray) -> bytes:
    """A uint8 (h, w, 3) picture as PNG bytes, for a download button."""
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(pixels, np.uint8)).save(buffer, format="PNG")
    return buffer.getvalue()
