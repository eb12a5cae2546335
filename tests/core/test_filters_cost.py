"""The work a grid may take (its ceiling is checked before a render) and stopping one mid-way.

``planned_cost`` is checked against the plan written out by hand; ``on_step`` against the
steps a counting method really took.
"""

from __future__ import annotations

import pytest

from core.filters import grid as grid_module
from core.filters.ascent import make_ascent, visualize_filters
from core.filters.grid import filter_grid, pixel_cost, planned_cost
from core.filters.settings import GridSettings, default_settings
from tests.core.test_filters import grid_settings, tiny_model


class StopError(Exception):
    """Raised by the test's step callback."""


@pytest.mark.parametrize(
    "settings, cost",
    [
        # 64 candidates: 1 first step each, 2 screening steps each, 17 ascent steps for 32.
        (default_settings("block1_conv1"), 64 + 2 * 64 + 17 * 32),
        (default_settings("block5_conv3"), 200 + 2 * 200 + 17 * 32),
        # Fourier on 16 chosen filters: 96 steps each, no ranking.
        (default_settings("block1_conv1", "fourier", tuple(range(16))), 16 * 96),
        # The issue's link: 8x8 of block1_conv1's 64, 512 steps, 256 px: no screening
        # (64 candidates < 2*64 survivors), and a 256 px step costs four 128 px steps.
        (
            GridSettings(layer="block1_conv1", n=8, candidates=64, steps=512, size=256),
            64 * 512 * 4,
        ),
        (GridSettings(layer="block1_conv1", selection="random", n=2, steps=10, size=64), 10),
        (GridSettings(layer="block1_conv1", selection="indices", indices=(1, 2, 3)), 60),
    ],
    ids=["block1 default", "block5 default", "fourier", "issue link", "random 64px", "indices"],
)
def test_planned_cost_is_the_plan_written_out(settings, cost):
    assert planned_cost(settings) == cost


@pytest.mark.parametrize(
    "image_steps, size, cost",
    [(100, 128, 100), (100, 256, 400), (100, 64, 25), (1, 32, 1), (0, 96, 0)],
)
def test_pixel_cost_scales_with_the_pixels_and_rounds_up(image_steps, size, cost):
    assert pixel_cost(image_steps, size) == cost


@pytest.mark.parametrize("image_steps, size", [(-1, 128), (10, 0)])
def test_pixel_cost_refuses_nonsense(image_steps, size):
    with pytest.raises(ValueError, match="expected image_steps"):
        pixel_cost(image_steps, size)


def test_planned_cost_names_an_unknown_layer():
    with pytest.raises(ValueError, match="block9_conv9"):
        planned_cost(GridSettings(layer="block9_conv9"))


def test_planned_cost_bounds_the_real_work_of_a_grid(monkeypatch):
    steps_taken = []

    def counting(*args):
        runner = make_ascent(*args)
        real = runner.step

        def step(batch, f, t):
            steps_taken.append(len(f))
            return real(batch, f, t)

        runner.step = step
        return runner

    monkeypatch.setattr(grid_module, "make_ascent", counting)
    settings = grid_settings("block1_conv1", n=1, candidates=8, steps=12)
    grid = filter_grid(tiny_model(1), settings, batch_size=8)
    assert grid.image_steps <= planned_cost(settings) * (128 / 16) ** 2


@pytest.mark.parametrize("chosen", [True, False], ids=["chosen filters", "ranked"])
def test_raising_from_on_step_stops_within_one_step(chosen):
    calls = []

    def on_step():
        calls.append(1)
        if len(calls) == 3:
            raise StopError

    if chosen:
        settings = grid_settings("block1_conv1", n=2, selection="indices", indices=(0, 1, 2, 3))
    else:
        settings = grid_settings("block1_conv1", n=1, candidates=8, steps=12)
    with pytest.raises(StopError):
        filter_grid(tiny_model(), settings, batch_size=2, on_step=on_step)
    assert len(calls) == 3  # no step ran after the one that raised


def test_on_step_is_called_after_every_step_of_every_batch():
    calls = []
    visualize_filters(
        tiny_model(),
        "block2_conv1",
        range(5),
        size=16,
        steps=3,
        batch_size=2,
        on_step=lambda: calls.append(1),
    )
    assert len(calls) == 3 * 3  # 3 batches (2, 2, 1 filters), 3 steps each
