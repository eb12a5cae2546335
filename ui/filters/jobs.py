"""VGG16 filters page: the render queue, whose renders never take the server hostage.

A grid that is neither shipped nor stored (``ui.filters.sources``) is rendered only on a button
press, in a background thread keyed by its settings and weights, so the page stays usable
meanwhile. The rules that keep one
visitor from holding the server:

- **One render per visitor** (a browser tab's session): a new request replaces the visitor's
  own queued or running one.
- **A render nobody waits for is given up.** Sessions showing a render refresh a heartbeat
  (``beat``); when every one has been silent for ``HEARTBEAT_S`` (the tab closed, the person
  moved on), the worker stops at its next step and frees the slot.
- **A ceiling on the work of one request** (``environment.work_problem``), in image-steps at
  128 px.

Renders run one at a time per process; a reload or a second student asking for the same grid
joins the render under way.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from PIL import Image
from streamlit.logger import get_logger

import core.filters.store as store
from core.filters.ascent import Progress
from core.filters.estimate import Pace, PaceBook, estimate_seconds, probe_pace, render_kind
from core.filters.grid import FilterGrid, RenderClock, filter_grid, pixel_cost, planned_cost, stitch
from core.filters.settings import GridSettings
from core.filters.visualizer import Visualizer
from ui.app import return_freed_memory
from ui.filters.environment import cache_dir, heartbeat_s

QUEUE_POLL_S = 0.25
FINISHED_KEEP_S = 120.0  # a finished render waits this long for its sessions to collect it
LOG = get_logger(__name__)  # one line per render in the server's log (the load test counts them)
_JOBS: dict[str, RenderJob] = {}
_VISITORS: dict[str, RenderJob] = {}  # each visitor's own request (at most one)
_LOCK = threading.RLock()
# Heavy renders (VGG16 grids) run one at a time per process: twenty different grids at once
# would multiply the memory and starve every other session of both CPU cores.
HEAVY_WORK = threading.BoundedSemaphore(1)
PACES = PaceBook()  # this server's measured seconds per image-step, for the estimates


class GivenUpError(Exception):
    """Raised in a render's thread when nobody waits for it any more."""


@contextmanager
def one_at_a_time(waiting: Callable[[], None] | None = None):
    """Hold the process-wide slot for heavy work.

    ``waiting()`` is called while it must queue, every quarter second: say so there, and raise
    from it to give up the wait (a page's progress bar raises once its session has gone).
    """
    if not HEAVY_WORK.acquire(blocking=False):
        if waiting is None:
            HEAVY_WORK.acquire()
        else:
            waiting()
            while not HEAVY_WORK.acquire(timeout=QUEUE_POLL_S):
                waiting()
    try:
        yield
    finally:
        HEAVY_WORK.release()


@dataclass
class RenderJob:
    """One grid being rendered in the background; sessions read it, only the worker writes
    its progress and result.

    Attributes:
        waiters: Visitor id -> time (``time.monotonic``) of its last heartbeat.
        given_up_at: When the render was given up (replaced, or everyone silent), or None.
        freed_after: Seconds from then until its slot was free again.
        stopped: Why it stopped before its end ("" when it finished or failed).
    """

    key: str
    settings: GridSettings
    title: str = ""
    queued: bool = True
    progress: Progress | None = None
    seconds_left: float | None = None
    grid: FilterGrid | None = None
    error: str = ""
    stopped: str = ""
    done: threading.Event = field(default_factory=threading.Event)
    waiters: dict[str, float] = field(default_factory=dict)
    given_up_at: float | None = None
    freed_after: float | None = None
    finished_at: float | None = None

    def beat(self, visitor: str) -> None:
        """``visitor`` still waits for this render."""
        with _LOCK:
            if self.given_up_at is None:
                self.waiters[visitor] = time.monotonic()

    def given_up(self, now: float | None = None) -> bool:
        """Whether nobody waits any more (decided once: a given-up render never resumes)."""
        now = time.monotonic() if now is None else now
        with _LOCK:
            if self.given_up_at is None:
                last = max(self.waiters.values(), default=None)
                if last is None:
                    self.given_up_at, self.stopped = now, self.stopped or "nobody waits for it"
                elif now - last > (silence := heartbeat_s()):
                    self.given_up_at = last + silence
                    self.stopped = "nobody was watching it any more"
            return self.given_up_at is not None

    @property
    def live(self) -> bool:
        """Neither finished nor given up: a session may join it."""
        return not self.done.is_set() and self.given_up_at is None


def estimate(visualizer: Visualizer, settings: GridSettings) -> tuple[float, Pace] | None:
    """(seconds, pace) a render of ``settings`` will take on this server, before it starts.

    The pace of this server's last renders of the same layer, method and arithmetic; before
    the first, one probe step timed once per process (only while no heavy work runs: it
    would slow that work and be slowed by it). None when neither is known yet.
    """
    dtype = visualizer.compute_dtype
    kind = render_kind(settings, dtype)
    pace = PACES.renders(kind)
    probe_key = (*kind, settings.size, settings.step_size)
    if pace is None:
        pace = PACES.probe(probe_key)
    if pace is None and HEAVY_WORK.acquire(blocking=False):
        try:
            pace = probe_pace(visualizer, settings, dtype)
            PACES.set_probe(probe_key, pace)
        except Exception as error:  # noqa: BLE001 - no estimate is better than a traceback
            LOG.warning("probe step for %s failed: %s", kind, error)
        finally:
            HEAVY_WORK.release()
    if pace is None:
        return None
    return estimate_seconds(planned_cost(settings), pace), pace


def render_grid(visualizer: Visualizer, settings: GridSettings, on_progress, on_step) -> FilterGrid:
    """Compute one grid (tests replace this with a fake)."""
    return filter_grid(visualizer, settings, on_progress=on_progress, on_step=on_step)


def request(
    visitor: str, visualizer: Visualizer, settings: GridSettings, key: str, title: str = ""
) -> RenderJob:
    """``visitor`` asks for the grid ``key``: join its render or start one, and give up the
    visitor's own earlier request (if nobody else waits for it)."""
    with _LOCK:
        _prune()
        release(visitor, "replaced by a newer request", keep=key)
        job = _JOBS.get(key)
        if job is None or not job.live:
            job = _JOBS[key] = RenderJob(key, settings, title)
            job.waiters[visitor] = time.monotonic()
            threading.Thread(
                target=_work, args=(job, visualizer), name=f"render {key}", daemon=True
            ).start()
        job.waiters[visitor] = time.monotonic()
        _VISITORS[visitor] = job
    return job


def join(visitor: str, key: str) -> RenderJob | None:
    """The live render of ``key`` with ``visitor`` among its waiters, or None (starts nothing)."""
    with _LOCK:
        job = _JOBS.get(key)
        if job is None or not job.live:
            return None
        job.beat(visitor)
        return job


def job_of(key: str) -> RenderJob | None:
    """The render of ``key`` under way or just ended (finished, failed or given up)."""
    with _LOCK:
        return _JOBS.get(key)


def under_way() -> list[RenderJob]:
    """Every render queued or running in this process."""
    with _LOCK:
        return [job for job in _JOBS.values() if job.live]


def own_render(visitor: str) -> RenderJob | None:
    """``visitor``'s own render while it is queued or running, else None."""
    with _LOCK:
        job = _VISITORS.get(visitor)
        return job if job is not None and job.live else None


def still_here(visitor: str) -> None:
    """Refresh the heartbeat of every render ``visitor`` waits for (at the end of a long run
    of its page: its progress fragment cannot tick meanwhile)."""
    with _LOCK:
        for job in _JOBS.values():
            if visitor in job.waiters:
                job.beat(visitor)


def release(visitor: str, why: str, keep: str = "") -> None:
    """``visitor`` no longer waits for its own request (unless it is ``keep``); a render
    nobody else waits for is given up."""
    with _LOCK:
        job = _VISITORS.get(visitor)
        if job is None or job.key == keep:
            return
        del _VISITORS[visitor]
        job.waiters.pop(visitor, None)
        if not job.waiters and job.live:
            job.stopped = why
            job.given_up()


def _prune() -> None:
    """Forget renders that ended long ago (their grids are stored) and who asked for them."""
    now = time.monotonic()
    for key, job in list(_JOBS.items()):
        if job.finished_at is not None and now - job.finished_at > FINISHED_KEEP_S:
            del _JOBS[key]
    for visitor, job in list(_VISITORS.items()):
        if job.finished_at is not None and _JOBS.get(job.key) is not job:
            del _VISITORS[visitor]


def _work(job: RenderJob, visualizer: Visualizer) -> None:
    """Render in the background, one heavy render at a time per process; never raises."""
    clock, started = RenderClock(), time.perf_counter()

    def check() -> None:
        if job.given_up():
            raise GivenUpError

    def report(p: Progress) -> None:
        job.seconds_left = clock.seconds_left(p, time.perf_counter())
        job.progress = p
        check()

    try:
        try:
            with one_at_a_time(check):
                job.queued = False
                check()
                LOG.info("render %s started", job.key)
                began = time.perf_counter()
                grid = render_grid(visualizer, job.settings, report, check)
                seconds = time.perf_counter() - began
                LOG.info("render %s finished in %.1f s", job.key, time.perf_counter() - started)
            cost = pixel_cost(grid.image_steps, job.settings.size)
            PACES.record(render_kind(job.settings, visualizer.compute_dtype), seconds, cost)
        finally:
            if job.given_up_at is not None:  # the slot is free now: how long did that take?
                job.freed_after = max(time.monotonic() - job.given_up_at, 0.0)
        with contextlib.suppress(OSError):  # a read-only disk only costs the cache on restart
            store.save_grid(grid, cache_dir(), job.key)
        job.grid = grid
    except GivenUpError:
        LOG.info(
            "render %s given up (%s); its slot was free %.2f s later",
            job.key,
            job.stopped,
            job.freed_after or 0.0,
        )
    except Exception as error:  # noqa: BLE001 - shown to the person, never a traceback
        job.error = str(error) or type(error).__name__
    finally:
        with _LOCK:
            job.finished_at = time.monotonic()
            job.progress = None  # its pictures so far: only the grid is kept until collected
        job.done.set()
        return_freed_memory()  # a render's buffers are gone: give their pages back


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


def partial(job: RenderJob, side: int = 480) -> np.ndarray | None:
    """The tiles finished so far, best first, as a grid at most ``side`` px wide (None before
    the first batch)."""
    p, settings = job.progress, job.settings
    if p is None or p.stage != "ascent" or p.finished is None:
        return None
    order = np.argsort(-p.finished.losses)[: settings.n**2]
    grid = stitch(p.finished.images[order], settings.n, settings.margin)
    if grid.shape[0] <= side:
        return grid
    return np.asarray(Image.fromarray(grid).resize((side, side), Image.Resampling.BOX))


def clear() -> None:
    """Forget every render and the paces measured (tests)."""
    PACES.clear()
    with _LOCK:
        for job in _JOBS.values():
            job.stopped = job.stopped or "cleared"
            job.waiters.clear()
            job.given_up()
        _JOBS.clear()
        _VISITORS.clear()
