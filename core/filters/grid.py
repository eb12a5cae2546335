"""The document's grid: rank a layer's first M filters by their final loss, stitch the best.

Filters whose loss is still <= 0 are dropped (their gradient is zero), the rest ranked by loss
and the best n*n stitched into a grid. Screening (a short run of every candidate first) keeps
the cost down; ``filter_indices`` shows chosen filters instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from core.filters.ascent import (
    AscentMethod,
    Progress,
    ProgressCallback,
    StepCallback,
    _Tracker,
    advance,
    check_indices,
    make_ascent,
    visualize_filters,
)
from core.filters.model import CONV_LAYERS, filter_count
from core.filters.settings import GridSettings
from core.filters.visualizer import Visualizer, as_visualizer

if TYPE_CHECKING:
    import keras


@dataclass
class FilterGrid:
    """A stitched grid of the best (or chosen) filters of one layer.

    Attributes:
        image: (n*size + (n-1)*margin, same, 3) uint8 grid, row by row.
        filter_indices: (m,) filters shown, m <= n*n, best first when ranked.
        losses: (m,) their final losses.
        tiles: (m, size, size, 3) uint8 pictures.
        loss_history: (m, steps) loss curves.
        layer: Layer name.
        n: Grid side.
        image_steps: Forward+backward passes of one image spent (the cost of the grid).
        candidates: Filters that were considered.
    """

    image: np.ndarray
    filter_indices: np.ndarray
    losses: np.ndarray
    tiles: np.ndarray
    loss_history: np.ndarray
    layer: str
    n: int
    image_steps: int
    candidates: int
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def png_name(self) -> str:
        """The document's file name, e.g. ``block5_conv3_4x4.png``."""
        return f"{self.layer}_{self.n}x{self.n}.png"


def stitch(images: np.ndarray, n: int = 4, margin: int = 5) -> np.ndarray:
    """Place up to n*n equal pictures row by row on a black canvas with ``margin`` px gaps.

    Args:
        images: (k, size, size, 3) uint8 with k <= n*n; missing tiles stay black.
        n: Tiles per row and column.
        margin: Black pixels between tiles.

    Returns:
        (n*size + (n-1)*margin, n*size + (n-1)*margin, 3) uint8.
    """
    images = np.asarray(images)
    if images.ndim != 4 or images.shape[-1] != 3:
        raise ValueError(f"expected images of shape (k, h, w, 3), got {images.shape}")
    if n < 1 or margin < 0:
        raise ValueError(f"expected n >= 1 and margin >= 0, got n={n}, margin={margin}")
    if len(images) > n * n:
        raise ValueError(f"{len(images)} images do not fit a {n}x{n} grid")
    h, w = images.shape[1:3]
    canvas = np.zeros((n * h + (n - 1) * margin, n * w + (n - 1) * margin, 3), np.uint8)
    for k, image in enumerate(images):
        row, col = divmod(k, n)
        top, left = row * (h + margin), col * (w + margin)
        canvas[top : top + h, left : left + w] = image
    return canvas


def screening_plan(candidates: int, keep: int, steps: int) -> tuple[int, int]:
    """Steps to screen every candidate for, and how many to carry on to the end.

    Screening runs the candidates for about a sixth of the steps and continues the ``keep``
    best; it only pays off when there are clearly more candidates than survivors.

    Returns:
        (screen_steps, survivors); screen_steps == steps means no screening.
    """
    screen_steps = max(2, round(steps / 6))
    if candidates <= keep or screen_steps >= steps:
        return steps, candidates
    return screen_steps, keep


def _stages(candidates: int, keep: int, steps: int, screen: bool) -> list[tuple[str, int, int]]:
    """(stage name, steps, how many to keep after it) for ranking ``candidates`` filters.

    The first step alone finds the dead filters (mean activation 0 from the start, so their
    gradient is 0 and they never wake up); only live ones go on. With ``screen`` the live ones
    run a few more steps and only the ``keep`` best are finished.
    """
    if steps == 1:
        return [("ascent", 1, candidates)]
    screen_steps, survivors = screening_plan(candidates, keep, steps) if screen else (steps, 0)
    if screen_steps >= steps:
        return [("first step", 1, candidates), ("ascent", steps - 1, candidates)]
    return [
        ("first step", 1, candidates),
        ("screening", screen_steps - 1, survivors),
        ("ascent", steps - screen_steps, survivors),
    ]


def filter_grid(
    model: keras.Model | Visualizer,
    settings: GridSettings,
    *,
    screen: bool = True,
    keep: int | None = None,
    batch_size: int | None = None,
    on_progress: ProgressCallback | None = None,
    compute_dtype: str | None = None,
    on_step: StepCallback | None = None,
) -> FilterGrid:
    """The document's grid: the n*n best filters of the first ``candidates`` of a layer.

    With an ``"indices"`` or ``"random"`` selection, those filters in that order (no ranking).
    With ``screen`` the live candidates run a few steps and only the ``keep`` best go on: their
    pictures are the full run's.

    Args:
        model: Any Keras functional model with a layer called ``settings.layer``, or a
            ``Visualizer`` holding one (whose compiled steps are then reused).
        settings: The grid (``GridSettings.problem`` says what is wrong with it).
        screen, keep: Screen candidates with a short run first; its survivors (2*n*n).
        batch_size, on_progress: Filters per batch (None: sized to memory); called after each.
        compute_dtype: "float32", "bfloat16" or None (the visualizer's).
        on_step: Called after every step of every batch; raise from it to stop the render.

    Returns:
        A ``FilterGrid``; fewer than n*n tiles (the rest black) when too few filters respond.

    Raises:
        ValueError: Unknown layer, or settings this layer cannot make a grid of.
    """
    visualizer = as_visualizer(model)
    s = settings
    count = filter_count(visualizer.model, s.layer)
    problem = s.problem(count)
    if problem:
        raise ValueError(problem)
    runner = make_ascent(
        visualizer, s.layer, s.method, s.size, s.step_size, s.seed, batch_size, compute_dtype
    )
    meta = {
        "layer": s.layer,
        "n": s.n,
        "method": s.method,
        "seed": s.seed,
        "size": s.size,
        "steps": s.steps,
        "step_size": s.step_size,
        "margin": s.margin,
        "compute_dtype": runner.compute_dtype,
        "batch_size": runner.batch_size,
    }
    chosen = s.filter_indices(count)
    if chosen is not None:
        indices = check_indices(chosen, count, s.layer)
        return _chosen_grid(visualizer, indices, meta, on_progress, on_step)
    keep = keep or 2 * s.n * s.n
    stages = _stages(s.candidates, keep, s.steps, screen)
    ranked = rank_candidates(runner, s.candidates, stages, on_progress, on_step)
    meta.update(candidates=s.candidates, screen=bool(screen), keep=keep)
    return _best_of(ranked, runner, meta)


def _chosen_grid(
    visualizer: Visualizer,
    indices: np.ndarray,
    meta: dict,
    on_progress: ProgressCallback | None,
    on_step: StepCallback | None = None,
) -> FilterGrid:
    """The grid of exactly ``indices``, in that order (no ranking, nothing dropped)."""
    res = visualize_filters(
        visualizer,
        meta["layer"],
        indices,
        size=meta["size"],
        steps=meta["steps"],
        step_size=meta["step_size"],
        seed=meta["seed"],
        method=meta["method"],
        batch_size=meta["batch_size"],
        on_progress=on_progress,
        compute_dtype=meta["compute_dtype"],
        on_step=on_step,
    )
    return FilterGrid(
        image=stitch(res.images, meta["n"], meta["margin"]),
        filter_indices=res.filter_indices,
        losses=res.losses,
        tiles=res.images,
        loss_history=res.loss_history,
        layer=meta["layer"],
        n=meta["n"],
        image_steps=len(indices) * meta["steps"],
        candidates=len(indices),
        settings={**meta, "filter_indices": [int(i) for i in indices]},
    )


@dataclass
class Ranked:
    """The filters still in the race after the last stage, with their states and loss curves."""

    indices: np.ndarray
    state: dict[str, np.ndarray]
    history: np.ndarray
    image_steps: int
    candidates: int


def planned_image_steps(stages: Sequence[tuple[str, int, int]], live: int) -> int:
    """Image-steps the ``stages`` will cost when ``live`` filters enter them and none dies.

    Dead filters only make the real cost smaller; once the first step has found them, the
    plan for the remaining stages is exact.
    """
    total = 0
    for _, stage_steps, limit in stages:
        total += live * stage_steps
        live = min(live, limit)
    return total


def planned_cost(settings: GridSettings, screen: bool = True, keep: int | None = None) -> int:
    """The most work a grid can take, in image-steps of a 128 px image: the image-steps
    planned if no filter were dead, times (size / 128)^2 (a step's cost grows with the pixels).

    The same plan ``filter_grid`` follows (screening, survivors ``keep`` = 2·n² by default);
    explicit or sampled filters cost their count times the steps.

    Args:
        settings: The grid (its layer must be one of VGG16's).

    Returns:
        Image-steps at 128 px, rounded up.
    """
    count = CONV_LAYERS.get(settings.layer)
    if count is None:
        raise ValueError(f"unknown layer {settings.layer!r}")
    chosen = settings.filter_indices(count)
    if chosen is not None:
        image_steps = len(chosen) * settings.steps
    else:
        stages = _stages(settings.candidates, keep or 2 * settings.n**2, settings.steps, screen)
        image_steps = planned_image_steps(stages, settings.candidates)
    return pixel_cost(image_steps, settings.size)


def pixel_cost(image_steps: int, size: int) -> int:
    """``image_steps`` of ``size`` px images in image-steps of a 128 px image (rounded up)."""
    if image_steps < 0 or size < 1:
        raise ValueError(f"expected image_steps >= 0 and size >= 1, got {image_steps}, {size}")
    return -(-image_steps * size * size // (128 * 128))


def rank_candidates(
    runner: AscentMethod,
    candidates: int,
    stages: list[tuple[str, int, int]],
    on_progress: ProgressCallback | None = None,
    on_step: StepCallback | None = None,
) -> Ranked:
    """Run the filters 0..candidates-1 through ``stages``; after each, drop the dead filters
    (the document's rule: a loss <= 0 has a zero gradient) and keep the stage's best.
    """
    indices = np.arange(candidates)
    state, history, image_steps = runner.start(indices), np.zeros((candidates, 0), np.float32), 0
    tracker = _Tracker(planned_image_steps(stages, candidates), on_progress)
    for number, (stage, stage_steps, limit) in enumerate(stages):
        last = number == len(stages) - 1
        state, more = advance(
            runner,
            state,
            indices,
            history.shape[1],
            stage_steps,
            tracker.callback(stage, indices, last),
            on_step,
        )
        history = np.concatenate([history, more], axis=1)
        image_steps += len(indices) * stage_steps
        rows = np.arange(len(indices)) if last else _alive_best(history, limit)
        state = {key: value[rows] for key, value in state.items()}
        history, indices = history[rows], indices[rows]
        tracker.total = image_steps + planned_image_steps(stages[number + 1 :], len(indices))
    return Ranked(indices, state, history, image_steps, candidates)


def _alive_best(history: np.ndarray, limit: int) -> np.ndarray:
    """Rows of the live filters (loss > 0 at every step so far), best last loss first."""
    alive = (history > 0).all(axis=1)
    order = np.argsort(-history[:, -1], kind="stable")
    return np.array([i for i in order if alive[i]][:limit], dtype=np.int64)


def _best_of(ranked: Ranked, runner: AscentMethod, settings: dict) -> FilterGrid:
    """The grid of the n*n best live filters of ``ranked``, best first."""
    n = settings["n"]
    best = _alive_best(ranked.history, n * n)
    tiles = runner.pictures({key: value[best] for key, value in ranked.state.items()})
    return FilterGrid(
        image=stitch(tiles, n, settings["margin"]),
        filter_indices=ranked.indices[best],
        losses=ranked.history[best, -1],
        tiles=tiles,
        loss_history=ranked.history[best],
        layer=settings["layer"],
        n=n,
        image_steps=ranked.image_steps,
        candidates=ranked.candidates,
        settings=settings,
    )


class RenderClock:
    """Seconds left of a render, from the measured time per image-step and the work left.

    The first report is the clock's zero: it includes compiling the step, which later batches
    do not pay. Until the first step has found the dead filters (and so the real work left)
    and 10% of the work is done, there is no estimate rather than a wrong one.
    """

    def __init__(self) -> None:
        self.zero: tuple[float, int] | None = None

    def seconds_left(self, progress: Progress, now: float) -> float | None:
        """The estimate after ``progress`` was reported at time ``now`` (seconds), or None."""
        if self.zero is None:
            self.zero = (now, progress.done)
            return None
        started, done_then = self.zero
        if (
            progress.stage == "first step"
            or progress.done <= done_then
            or progress.done < 0.1 * progress.total
        ):
            return None
        per_image_step = (now - started) / (progress.done - done_then)
        return per_image_step * max(progress.total - progress.done, 0)
