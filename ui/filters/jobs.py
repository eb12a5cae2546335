"""VGG16 filters page: where a grid comes from, and renders that outlive the browser tab.

A grid is looked up, fastest first: the grids shipped with the app (ImageNet weights, before
any model is loaded), this process's memory, the pre-render folder and the disk cache. Only
then is it rendered, in a background thread of the process keyed by its settings and weights:
a reload, a second tab or a second student asking for the same grid joins the render under
way instead of throwing it away or starting another.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import streamlit as st
from streamlit.logger import get_logger

import core.filters.shipped as shipped_grids
import core.filters.store as store
from core.filters.ascent import Progress
from core.filters.grid import FilterGrid, RenderClock, filter_grid, stitch
from core.filters.settings import GridSettings
from core.filters.visualizer import Visualizer
from ui.app import return_freed_memory

ROOT = Path(__file__).resolve().parents[2]
CACHE_ENV = "FILTER_GRID_CACHE"
PRERENDER_ENV = "FILTER_GRID_DIR"
LOG = get_logger(__name__)  # one line per render in the server's log (the load test counts them)
_JOBS: dict[str, RenderJob] = {}
_LOCK = threading.Lock()
# Heavy renders (VGG16 grids) run one at a time per process: twenty different grids at once
# would multiply the memory and starve every other session of both CPU cores.
HEAVY_WORK = threading.BoundedSemaphore(1)


def cache_dir() -> Path:
    """Where rendered grids are kept: ``$FILTER_GRID_CACHE`` or ``.cache/filter_grids``."""
    return Path(os.environ.get(CACHE_ENV) or ROOT / ".cache" / "filter_grids")


def prerender_dir() -> Path:
    """Where pre-rendered grids are read from: ``$FILTER_GRID_DIR`` or ``grids/``."""
    return Path(os.environ.get(PRERENDER_ENV) or ROOT / "grids")


@contextmanager
def one_at_a_time(waiting: Callable[[], None] | None = None):
    """Hold the process-wide slot for heavy work; call ``waiting()`` if it must queue first."""
    if not HEAVY_WORK.acquire(blocking=False):
        if waiting is not None:
            waiting()
        HEAVY_WORK.acquire()
    try:
        yield
    finally:
        HEAVY_WORK.release()


@dataclass
class RenderJob:
    """One grid being rendered in the background; sessions read it, only the worker writes."""

    key: str
    settings: GridSettings
    queued: bool = True
    progress: Progress | None = None
    seconds_left: float | None = None
    grid: FilterGrid | None = None
    error: str = ""
    done: threading.Event = field(default_factory=threading.Event)


@st.cache_resource(show_spinner=False)
def shipped_index() -> dict:
    """The grids that ship with the app, by settings, read once per process."""
    return shipped_grids.shipped_index(shipped_grids.SHIPPED_DIR)


def shipped(settings: GridSettings) -> tuple[FilterGrid, str] | None:
    """The shipped ImageNet grid for ``settings`` and a caption saying how it was made."""
    found = shipped_index().get(settings)
    if found is None:
        return None
    grid, rendering = found
    facts = [
        f"{name.replace('_', ' ')} {value}"
        for name, value in rendering.items()
        if isinstance(value, str | int | float) and len(str(value)) <= 32 and "hash" not in name
    ][:4]
    how = f" ({', '.join(facts)})" if facts else ""
    return grid, f"Pre-rendered with the ImageNet weights and shipped with the app{how}."


@st.cache_resource(show_spinner=False, max_entries=16)
def _grid_in_memory(key: str, _grid: FilterGrid | None = None) -> FilterGrid:
    """The grid under ``key``, kept for every session: ``_grid`` when given (a render just
    finished), else read from the pre-render folder or the disk cache.

    Raises:
        LookupError: No readable grid is stored under ``key`` (and nothing is cached then).
    """
    grid = _grid or store.load_grid([prerender_dir(), cache_dir()], key)
    if grid is None:
        raise LookupError(key)
    return grid


def stored(key: str) -> FilterGrid | None:
    """The grid under ``key`` from memory, the pre-render folder or the disk cache."""
    try:
        return _grid_in_memory(key)
    except LookupError:
        return None


def render_grid(visualizer: Visualizer, settings: GridSettings, on_progress) -> FilterGrid:
    """Compute one grid (tests replace this with a fake)."""
    return filter_grid(visualizer, settings, on_progress=on_progress)


def start_or_join(visualizer: Visualizer, settings: GridSettings, key: str) -> RenderJob:
    """The render of ``key`` under way, or a new one started in a background thread."""
    with _LOCK:
        job = _JOBS.get(key)
        if job is None:
            job = _JOBS[key] = RenderJob(key, settings)
            threading.Thread(
                target=_work, args=(job, visualizer), name=f"render {key}", daemon=True
            ).start()
    return job


def _work(job: RenderJob, visualizer: Visualizer) -> None:
    """Render in the background, one heavy render at a time per process; never raises."""
    clock, started = RenderClock(), time.perf_counter()

    def report(p: Progress) -> None:
        job.seconds_left = clock.seconds_left(p, time.perf_counter())
        job.progress = p

    try:
        with one_at_a_time():
            job.queued = False
            LOG.info("render %s started", job.key)
            grid = render_grid(visualizer, job.settings, report)
            LOG.info("render %s finished in %.1f s", job.key, time.perf_counter() - started)
        with contextlib.suppress(OSError):  # a read-only disk only costs the cache on restart
            store.save_grid(grid, cache_dir(), job.key)
        job.grid = grid
    except Exception as error:  # noqa: BLE001 - shown to the person, never a traceback
        job.error = str(error) or type(error).__name__
    finally:
        with _LOCK:
            _JOBS.pop(job.key, None)
        job.done.set()
        return_freed_memory()  # a render's buffers are gone: give their pages back


def wait_for(job: RenderJob, title: str) -> None:
    """Show the job's progress (and its finished tiles) until it is done.

    The script may be stopped here (the person changed a control or left): the render goes on
    in its thread, and whoever asks for the same grid next joins it.
    """
    bar = st.progress(0.0, text=f"{title}: starting ...")
    live = st.empty()
    shown = -1
    while not job.done.wait(0.4):
        bar.progress(*progress_text(job, title))
        p = job.progress
        finished = None if p is None or p.stage != "ascent" else p.finished
        if finished is not None and len(finished.filter_indices) != shown:
            shown = len(finished.filter_indices)
            live.image(
                _partial(p, job.settings),
                caption="Filling in as batches finish ...",
                width=min(480, 128 * job.settings.n),
            )
    bar.empty()
    live.empty()
    if job.grid is not None:
        _grid_in_memory(job.key, job.grid)  # kept for every session, even on a read-only disk


def progress_text(job: RenderJob, title: str) -> tuple[float, str]:
    """(fraction, words) for the progress bar of ``job``."""
    p = job.progress
    if job.queued or p is None:
        words = "queued behind another grid being drawn" if job.queued else "starting"
        return 0.0, f"{title}: {words} ..."
    fraction = min(p.done / max(p.total, 1), 1.0)
    left = (
        "estimating time left"
        if job.seconds_left is None
        else (f"about {max(job.seconds_left, 1):.0f} s left")
    )
    return fraction, f"{title} · {p.stage}: {p.done:,}/{p.total:,} image-steps · {left}"


def _partial(p: Progress, settings: GridSettings) -> np.ndarray:
    order = np.argsort(-p.finished.losses)[: settings.n**2]
    return stitch(p.finished.images[order], settings.n, settings.margin)


def clear() -> None:
    """Forget the grids kept in memory and the shipped index (tests)."""
    _grid_in_memory.clear()
    shipped_index.clear()
