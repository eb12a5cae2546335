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
import zipfile
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from core.filters.ascent import (
    MAX_SIZE,
    MAX_STEPS,
    METHODS,
    ProgressCallback,
    default_step_size,
    default_steps,
)
from core.filters.compute import resolve_dtype
from core.filters.grid import FilterGrid, filter_grid, parse_indices, sample_filters
from core.filters.model import CONV_LAYERS, filter_count

if TYPE_CHECKING:
    import keras

ROOT = Path(__file__).resolve().parents[1]
CACHE_ENV = "FILTER_GRID_CACHE"
PRERENDER_ENV = "FILTER_GRID_DIR"
SELECTIONS = ("best", "indices", "random")
FORMAT_VERSION = 1
MAX_N = 8
# What the page offers (and so what a URL may ask for).
SIZES = (32, 64, 96, 128, 160, 192, 256)
PAGE_MAX_STEPS = 512
PAGE_MAX_CANDIDATES = max(CONV_LAYERS.values())
PAGE_STEP_SIZES = (0.001, 100.0)
MAX_SAMPLE_SEED = 10_000
# What np.load and the checks below raise for a file that is not a whole grid of this format:
# half-copied (BadZipFile), empty (EOFError), a Git LFS pointer or pickle (ValueError), ...
UNREADABLE = (OSError, EOFError, ValueError, KeyError, TypeError, IndexError, zipfile.BadZipFile)


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

    def problem(self) -> str:
        """Why these settings cannot make a grid, in words a person can act on; "" when they can."""
        count = CONV_LAYERS.get(self.layer)
        if count is None:
            return (
                f"Unknown layer {self.layer!r}: VGG16's conv layers are {', '.join(CONV_LAYERS)}."
            )
        k = self.n * self.n
        side = f"{self.n}x{self.n}"
        if not 1 <= self.n <= MAX_N:
            return f"The grid side must be between 1 and {MAX_N}, not {self.n}."
        if k > count:
            return f"A {side} grid needs {k} filters; {self.layer} has {count}."
        if self.method not in METHODS:
            return f"Unknown method {self.method!r}: choose one of {', '.join(METHODS)}."
        if self.selection not in SELECTIONS:
            return f"Unknown selection {self.selection!r}: choose one of {', '.join(SELECTIONS)}."
        if not 1 <= self.steps <= MAX_STEPS:
            return f"Steps must be between 1 and {MAX_STEPS}, not {self.steps}."
        if not (np.isfinite(self.step_size) and self.step_size > 0):
            return f"The step size must be a positive number, not {self.step_size}."
        if not 8 <= self.size <= MAX_SIZE:
            return f"The image size must be between 8 and {MAX_SIZE} px, not {self.size}."
        if self.selection == "best" and not k <= self.candidates <= count:
            return f"Rank between {k} and {count} candidates (M) to fill a {side} grid."
        if self.selection == "indices":
            return self._indices_problem(count)
        return ""

    def _indices_problem(self, count: int) -> str:
        if not self.indices:
            return "Type at least one valid filter index."
        if len(self.indices) > self.n * self.n:
            return f"{len(self.indices)} indices do not fit a {self.n}x{self.n} grid."
        bad = [i for i in self.indices if not 0 <= i < count]
        if bad:
            return f"Filter {bad[0]} does not exist: {self.layer} has filters 0..{count - 1}."
        return ""

    def with_filters(self, indices, method: str | None = None) -> GridSettings:
        """These settings showing exactly ``indices``, in that order, with ``method`` (and its
        own default steps and step size when it differs): the second grid of a comparison.

        From the page's default settings this equals ``default_settings(layer, method,
        indices)``, so a shipped comparison grid is found.
        """
        if method is None or method == self.method:
            method, steps, step_size = self.method, self.steps, self.step_size
        else:
            steps, step_size = default_steps(method), default_step_size(method)
        return replace(
            self, method=method, steps=steps, step_size=step_size, selection="indices",
            indices=tuple(int(i) for i in indices), candidates=DEFAULT_CANDIDATES, sample_seed=0,
        )  # fmt: skip

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


def settings_to_query(settings: GridSettings) -> dict[str, str]:
    """The URL form of ``settings``: layer, n, M, method, ... (only what its selection uses)."""
    query = {"layer": settings.layer, "n": str(settings.n), "method": settings.method,
             "select": settings.selection}  # fmt: skip
    if settings.selection == "best":
        query["M"] = str(settings.candidates)
    elif settings.selection == "indices":
        query["filters"] = ",".join(str(i) for i in settings.indices)
    else:
        query["sample"] = str(settings.sample_seed)
    query.update(steps=str(settings.steps), step=f"{settings.step_size:g}", size=str(settings.size))
    return query


def settings_from_query(
    params: dict[str, str], default: GridSettings
) -> tuple[GridSettings, list[str]]:
    """Settings from URL parameters; each value that cannot be used keeps ``default``'s.

    Returns:
        The settings and one message per parameter that was not used, naming it.
    """
    values, problems = asdict(default), []

    def take(name: str, field_name: str, read) -> None:
        text = params.get(name)
        if text is None:
            return
        try:
            values[field_name] = read(text)
        except ValueError as error:
            problems.append(f"`{name}={text[:40]}` was ignored: {error}")

    take("layer", "layer", lambda t: _one_of(t, tuple(CONV_LAYERS)))
    take("n", "n", lambda t: _integer(t, 1, MAX_N))
    take("method", "method", lambda t: _one_of(t, METHODS))
    take("select", "selection", lambda t: _one_of(t, SELECTIONS))
    take("M", "candidates", lambda t: _integer(t, 1, PAGE_MAX_CANDIDATES))
    take("filters", "indices", lambda t: tuple(parse_indices(t[:200]))[: MAX_N * MAX_N])
    take("sample", "sample_seed", lambda t: _integer(t, 0, MAX_SAMPLE_SEED))
    take("steps", "steps", lambda t: _integer(t, 1, PAGE_MAX_STEPS))
    take("step", "step_size", lambda t: _number(t, *PAGE_STEP_SIZES))
    take("size", "size", lambda t: _one_of(_integer(t, 1, 10_000), SIZES))
    if values["method"] != default.method:  # a method's own steps unless the link sets them
        if "steps" not in params:
            values["steps"] = default_steps(values["method"])
        if "step" not in params:
            values["step_size"] = default_step_size(values["method"])
    return GridSettings(**values), problems


def _one_of(value, allowed: tuple):
    if value not in allowed:
        raise ValueError(f"expected one of {', '.join(str(a) for a in allowed)}")
    return value


def _integer(text: str, low: int, high: int) -> int:
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise ValueError(f"expected a whole number from {low} to {high}")
    return int(text)


def _number(text: str, low: float, high: float) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not low <= value <= high:  # also false for nan
        raise ValueError(f"expected a number from {low:g} to {high:g}")
    return value


def weights_id(model: keras.Model) -> str:
    """A short hash of all the model's weight values."""
    digest = hashlib.blake2b(digest_size=12)
    for array in model.get_weights():
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def render(
    model: keras.Model,
    settings: GridSettings,
    on_progress: ProgressCallback | None = None,
    compute_dtype: str | None = None,
) -> FilterGrid:
    """Compute the grid for ``settings`` (no cache involved), in ``compute_dtype`` (None: this
    process's choice)."""
    count = filter_count(model, settings.layer)
    return filter_grid(
        model, settings.layer, settings.n, settings.candidates, settings.method, settings.seed,
        filter_indices=settings.filter_indices(count), size=settings.size, steps=settings.steps,
        step_size=settings.step_size, margin=settings.margin, on_progress=on_progress,
        compute_dtype=compute_dtype,
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
            "format": FORMAT_VERSION, "layer": grid.layer, "n": grid.n,
            "image_steps": grid.image_steps,
            "candidates": grid.candidates, "settings": grid.settings,
        })),
    )  # fmt: skip
    partial.replace(path)
    if png:
        from PIL import Image

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
            data["image"], data["filter_indices"], data["losses"], data["tiles"],
            data["loss_history"], meta["layer"], int(meta["n"]), int(meta["image_steps"]),
            int(meta["candidates"]), dict(meta["settings"]),
        )  # fmt: skip
    m = len(grid.filter_indices)
    if grid.image.ndim != 3 or len(grid.losses) != m or len(grid.tiles) != m or m > grid.n**2:
        raise ValueError(f"{path.name} holds arrays that do not fit together")
    return grid


def grid_png(grid: FilterGrid) -> bytes:
    """The grid as PNG bytes, for a download button."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(grid.image).save(buffer, format="PNG")
    return buffer.getvalue()
