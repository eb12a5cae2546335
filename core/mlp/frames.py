"""The replay's frame schedule: which iterations a run keeps and a film shows.

A run keeps its weights at the union of two schedules, so that either can be replayed:
evenly spaced frames, and log-spaced ones (dense early, where most change happens). A run
of up to 10,000 iterations has 101 frames of each kind, a longer one 201.
"""

from __future__ import annotations

import numpy as np

from core.mlp.network import check_iterations

MIN_SNAPSHOTS = 100


def frame_count(iterations: int) -> int:
    """Replay frames for a run: 101, or 201 for runs longer than 10,000 iterations."""
    return min(iterations, 2 * MIN_SNAPSHOTS if iterations > 10_000 else MIN_SNAPSHOTS) + 1


def even_frames(iterations: int) -> np.ndarray:
    """Evenly spaced iterations 0 .. iterations, ``frame_count(iterations)`` of them."""
    iterations = check_iterations(iterations)
    count = frame_count(iterations)
    return np.unique(np.round(np.linspace(0, iterations, count)).astype(int))


def log_frames(iterations: int) -> np.ndarray:
    """0, then log-spaced iterations 1 .. iterations: dense early, where most change happens.

    At least ``frame_count(iterations)`` distinct iterations (all of them for short runs).
    """
    iterations = check_iterations(iterations)
    count = frame_count(iterations)
    if count >= iterations + 1:
        return np.arange(iterations + 1)
    k = count - 1
    while True:
        points = np.unique(np.round(np.geomspace(1, iterations, k)).astype(int))
        if len(points) >= count - 1:
            return np.concatenate([[0], points])
        k += count - 1 - len(points)


def snapshot_schedule(iterations: int) -> np.ndarray:
    """Iterations at which training keeps the weights: the even and the log-spaced frames."""
    return np.union1d(even_frames(iterations), log_frames(iterations))


def frame_indices(snapshot_iterations: np.ndarray, spacing: str) -> np.ndarray:
    """Positions in ``snapshot_iterations`` of the replay frames, "log" or "even" spaced."""
    if spacing not in ("log", "even"):
        raise ValueError(f"expected spacing 'log' or 'even', got {spacing!r}")
    iterations = int(snapshot_iterations[-1])
    frames = log_frames(iterations) if spacing == "log" else even_frames(iterations)
    return np.searchsorted(snapshot_iterations, frames)
