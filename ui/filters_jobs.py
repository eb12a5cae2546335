"""VGG16 filters page: where a grid comes from, and renders that outlive the browser tab.

A grid is looked up, fastest first: the grids shipped with the app (ImageNet weights, before
any model is loaded), this process's memory, the pre-render folder and the disk cache. Only
then is it rendered, in a background thread of the process keyed by its settings and weights:
a reload, a second tab or a second student asking for the same grid joins the render under
way instead of throwing it away or starting another.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
import streamlit as st

import core.filters.shipped as shipped_grids
import core.filters.store as store
from core.filters.ascent import Progress
from core.filters.grid import FilterGrid, RenderClock, stitch
from ui.common import one_at_a_time

MAX_GRIDS = 64
_GRIDS: OrderedDict[str, FilterGrid] = OrderedDict()
_JOBS: dict[str, RenderJob] = {}
_LOCK = threading.Lock()


@dataclass
class RenderJob:
    """One grid being rendered in the background; sessions read it, only the worker writes."""

    key: str
    settings: store.GridSettings
    queued: bool = True
    progress: Progress | None = None
    seconds_left: float | None = None
    grid: FilterGrid | None = None
    error: str = ""
    done: threading.Event = field(default_factory=threading.Event)


def shipped(settings: store.GridSettings) -> tuple[FilterGrid, str] | None:
    """The shipped ImageNet grid for ``settings`` and a caption saying how it was made."""
    found = shipped_grids.shipped_grid(settings, shipped_grids.SHIPPED_DIR)
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


def stored(key: str) -> FilterGrid | None:
    """The grid under ``key`` from memory, the pre-render folder or the disk cache."""
    with _LOCK:
        if key in _GRIDS:
            _GRIDS.move_to_end(key)
            return _GRIDS[key]
    grid = store.load_grid([store.prerender_dir(), store.cache_dir()], key)
    if grid is not None:
        _remember(key, grid)
    return grid


def _remember(key: str, grid: FilterGrid) -> None:
    with _LOCK:
        _GRIDS[key] = grid
        _GRIDS.move_to_end(key)
        while len(_GRIDS) > MAX_GRIDS:
            _GRIDS.popitem(last=False)


def start_or_join(model, settings: store.GridSettings, key: str) -> RenderJob:
    """The render of ``key`` under way, or a new one started in a background thread."""
    with _LOCK:
        job = _JOBS.get(key)
        if job is None:
            job = _JOBS[key] = RenderJob(key, settings)
            if key in _GRIDS:  # finished between the caller's lookup and now
                job.grid, job.queued = _GRIDS[key], False
                job.done.set()
                del _JOBS[key]
                return job
            threading.Thread(
                target=_work, args=(job, model), name=f"render {key}", daemon=True
            ).start()
    return job


def _work(job: RenderJob, model) -> None:
    """Render in the background, one heavy render at a time per process; never raises."""
    clock = RenderClock()

    def report(p: Progress) -> None:
        job.seconds_left = clock.seconds_left(p, time.perf_counter())
        job.progress = p

    try:
        with one_at_a_time():
            job.queued = False
            grid = store.render(model, job.settings, report)
        with contextlib.suppress(OSError):  # a read-only disk only costs the cache on restart
            store.save_grid(grid, store.cache_dir(), job.key)
        _remember(job.key, grid)
        job.grid = grid
    except Exception as error:  # noqa: BLE001 - shown to the person, never a traceback
        job.error = str(error) or type(error).__name__
    finally:
        with _LOCK:
            _JOBS.pop(job.key, None)
        job.done.set()


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
            live.image(_partial(p, job.settings), caption="Filling in as batches finish ...",
                       width=min(480, 128 * job.settings.n))  # fmt: skip
    bar.empty()
    live.empty()


def progress_text(job: RenderJob, title: str) -> tuple[float, str]:
    """(fraction, words) for the progress bar of ``job``."""
    p = job.progress
    if job.queued or p is None:
        words = "queued behind another grid being drawn" if job.queued else "starting"
        return 0.0, f"{title}: {words} ..."
    fraction = min(p.done / max(p.total, 1), 1.0)
    left = "estimating time left" if job.seconds_left is None else (
        f"about {max(job.seconds_left, 1):.0f} s left"
    )  # fmt: skip
    return fraction, f"{title} · {p.stage}: {p.done:,}/{p.total:,} image-steps · {left}"


def _partial(p: Progress, settings: store.GridSettings) -> np.ndarray:
    order = np.argsort(-p.finished.losses)[: settings.n**2]
    return stitch(p.finished.images[order], settings.n, settings.margin)


def clear() -> None:
    """Forget the grids kept in memory (tests)."""
    with _LOCK:
        _GRIDS.clear()
