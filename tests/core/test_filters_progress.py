"""The render's progress: honest totals and an honest "about N s left", on a simulated run.

A simulated ascent method stands in for VGG16: it advances a fake clock by a fixed time per
image in every batch (padding included) plus a one-off compile time, and a fixed share of
the filters is dead. The estimate is compared with the time the simulated run really took.
"""

from __future__ import annotations

import numpy as np
import pytest

from core.filters import grid as grid_module
from core.filters.ascent import Progress
from core.filters.grid import RenderClock, filter_grid
from core.filters.settings import GridSettings
from core.filters.visualizer import Visualizer


class Clock:
    def __init__(self) -> None:
        self.now = 0.0


class SimulatedAscent:
    """Costs ``per_image`` s per batch row and step, plus ``compile_s`` once; some filters dead."""

    def __init__(
        self,
        clock: Clock,
        dead: set[int],
        batch_size: int = 16,
        per_image: float = 0.05,
        compile_s: float = 8.0,
    ) -> None:
        self.clock, self.dead, self.batch_size = clock, dead, batch_size
        self.compute_dtype = "float32"
        self.per_image, self.compile_s, self.steps_taken = per_image, compile_s, 0

    def start(self, indices):
        return {"x": np.asarray(indices, np.float32)[:, None]}

    def step(self, batch, filter_indices, t):
        self.clock.now += self.per_image * len(filter_indices)
        if self.steps_taken == 0:
            self.clock.now += self.compile_s
        self.steps_taken += 1
        f = np.asarray(filter_indices)
        alive = ~np.isin(f, list(self.dead))
        losses = np.where(alive, 1.0 + 0.01 * ((f * 37) % 101) + 0.1 * t, 0.0)
        return losses.astype(np.float32), batch

    def pictures(self, state):
        return np.zeros((len(state["x"]), 8, 8, 3), np.uint8)


def simulate(monkeypatch, dead_share: float, candidates: int = 200, steps: int = 20, n: int = 4):
    """Run the real ranking on the simulated method; returns [(progress, time)] and end time."""
    clock = Clock()
    dead = {f for f in range(candidates) if (f * 7919) % 100 < dead_share * 100}
    monkeypatch.setattr(grid_module, "filter_count", lambda model, layer: 512)
    monkeypatch.setattr(grid_module, "make_ascent", lambda *a: SimulatedAscent(clock, dead))
    reports: list[tuple[Progress, float]] = []
    settings = GridSettings(n=n, candidates=candidates, steps=steps, size=16)
    grid = filter_grid(
        Visualizer(None, "float32"),
        settings,
        on_progress=lambda p: reports.append((p, clock.now)),
    )
    return reports, clock.now, grid


@pytest.mark.parametrize("dead_share", [0.0, 0.3, 0.7, 0.95])
def test_planned_total_is_honest_from_the_first_report(monkeypatch, dead_share):
    reports, _, grid = simulate(monkeypatch, dead_share)
    first_total = reports[0][0].total
    assert reports[-1][0].total == reports[-1][0].done == grid.image_steps
    # Planned as if every filter lived: never less than the real work, and once the first
    # step has found the dead filters, exact.
    assert first_total >= grid.image_steps
    after_first_step = [p for p, _ in reports if p.stage != "first step"]
    assert all(p.total == grid.image_steps for p in after_first_step)
    if dead_share <= 0.3:
        assert first_total <= 1.5 * grid.image_steps


@pytest.mark.parametrize("dead_share", [0.0, 0.3, 0.7, 0.95])
@pytest.mark.parametrize("steps", [20, 96])
def test_seconds_left_within_a_factor_of_1_5_after_the_first_tenth(monkeypatch, dead_share, steps):
    reports, end, _ = simulate(monkeypatch, dead_share, steps=steps)
    clock, given, eligible = RenderClock(), 0, 0
    for p, now in reports:
        estimate = clock.seconds_left(p, now)
        left = end - now
        if left < 1.0:  # the last batch: nothing left worth a ratio
            continue
        eligible += p.stage != "first step" and p is not reports[0][0]
        if estimate is None:
            continue
        assert p.done >= 0.1 * reports[-1][0].total or p.done >= 0.1 * p.total
        given += 1
        assert left / 1.5 <= estimate <= left * 1.5, (p, estimate, left)
    assert given >= min(3, eligible), "the estimate did not appear when it could"


def test_no_estimate_before_the_first_step_has_found_the_dead_filters():
    clock = RenderClock()
    assert clock.seconds_left(Progress(16, 1000, "first step"), 10.0) is None
    assert clock.seconds_left(Progress(200, 1000, "first step"), 20.0) is None
    assert clock.seconds_left(Progress(216, 1000, "screening"), 21.0) == pytest.approx(
        (21.0 - 10.0) / (216 - 16) * (1000 - 216)
    )
