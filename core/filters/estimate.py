"""How long a render will take on this server, said before it starts, from measured speed.

A grid's work is its planned image-steps at 128 px (``grid.planned_cost``); its time is that
work times this server's seconds per image-step, measured, never assumed:

    pace    = sum of seconds / sum of image-steps     over this server's finished renders of
                                                      the same layer, method and arithmetic
    pace    = probe seconds / probe image-steps       else: a few short steps, timed once
    seconds = pace * planned image-steps

A layer's step costs what its depth costs (block5_conv3 runs 13 convolutions, block1_conv1
one), and the Fourier method adds its transforms, so paces are kept per (layer, method, type).
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from core.filters.settings import GridSettings
    from core.filters.visualizer import Visualizer

KEPT_RENDERS = 5  # the last few renders of a kind: the server's speed now, not last week's
PROBE_BATCH = 4
PROBE_STEPS = 3  # timed after the one that compiles


@dataclass(frozen=True)
class Pace:
    """Seconds per image-step at 128 px, and what measured it.

    Attributes:
        seconds: Seconds per image-step of a 128 px image.
        renders: Finished renders it comes from (0: a probe step).
    """

    seconds: float
    renders: int = 0

    def basis(self) -> str:
        """Where the figure comes from, in words."""
        if self.renders:
            last = "render" if self.renders == 1 else f"{self.renders} renders"
            return f"measured on this server's last {last} of this layer and method"
        return "from a probe step timed on this server"


def pace_of(records: Iterable[tuple[float, int]]) -> Pace | None:
    """The pace of finished renders: their total seconds over their total image-steps.

    Args:
        records: (seconds, image-steps at 128 px) per render; renders of no work are skipped.

    Returns:
        The pace, or None when no record did any work.
    """
    kept = [(s, n) for s, n in records if n > 0 and s >= 0]
    if not kept:
        return None
    return Pace(sum(s for s, _ in kept) / sum(n for _, n in kept), len(kept))


def estimate_seconds(cost: int, pace: Pace) -> float:
    """Seconds ``cost`` image-steps (at 128 px) take at ``pace``."""
    if cost < 0:
        raise ValueError(f"expected a cost >= 0 image-steps, got {cost}")
    return cost * pace.seconds


def about(seconds: float) -> str:
    """A duration as a person says it: "about 5 s", "about 70 s", "about 4 min".

    Under 2 minutes to the nearest 5 s (never under 5 s), then to the nearest minute.
    """
    if not seconds >= 0:  # also NaN
        raise ValueError(f"expected seconds >= 0, got {seconds}")
    if seconds < 117.5:
        return f"about {max(5, 5 * round(seconds / 5))} s"
    return f"about {round(seconds / 60)} min"


class PaceBook:
    """This server's paces, per (layer, method, compute type): its renders' and its probes'.

    Thread-safe: renders record from their worker threads while pages read.
    """

    def __init__(self, kept: int = KEPT_RENDERS) -> None:
        self._renders: dict[tuple, deque] = defaultdict(lambda: deque(maxlen=kept))
        self._probes: dict[tuple, Pace] = {}
        self._lock = threading.Lock()

    def record(self, kind: tuple, seconds: float, cost: int) -> None:
        """A render of ``kind`` did ``cost`` image-steps (at 128 px) in ``seconds``."""
        with self._lock:
            self._renders[kind].append((float(seconds), int(cost)))

    def renders(self, kind: tuple) -> Pace | None:
        """The pace of the last renders of ``kind``, or None before the first."""
        with self._lock:
            return pace_of(self._renders.get(kind, ()))

    def probe(self, key: tuple) -> Pace | None:
        with self._lock:
            return self._probes.get(key)

    def set_probe(self, key: tuple, pace: Pace) -> None:
        with self._lock:
            self._probes[key] = pace

    def clear(self) -> None:
        with self._lock:
            self._renders.clear()
            self._probes.clear()


def render_kind(settings: GridSettings, compute_dtype: str) -> tuple[str, str, str]:
    """What a render's pace depends on: its layer, method and arithmetic."""
    return settings.layer, settings.method, compute_dtype


def probe_pace(visualizer: Visualizer, settings: GridSettings, compute_dtype: str) -> Pace:
    """Time one ascent step of a small batch as ``settings`` would run it.

    The first step compiles the method's step (kept by the visualizer, so the render that
    follows does not compile it again) and is not timed; the median of the next three is.
    """
    from core.filters.ascent import make_ascent
    from core.filters.model import filter_count

    runner = make_ascent(
        visualizer,
        settings.layer,
        settings.method,
        settings.size,
        settings.step_size,
        settings.seed,
        None,
        compute_dtype,
    )
    batch = min(PROBE_BATCH, runner.batch_size)
    indices = np.arange(batch) % filter_count(visualizer.model, settings.layer)
    state = runner.start(indices)
    _, state = runner.step(state, indices, 0)
    times = []
    for t in range(1, 1 + PROBE_STEPS):
        started = time.perf_counter()
        _, state = runner.step(state, indices, t)
        times.append(time.perf_counter() - started)
    seconds = float(np.median(times))  # one step slowed by a neighbour does not decide
    return Pace(seconds / (batch * settings.size**2 / 128**2))  # per image-step at 128 px
