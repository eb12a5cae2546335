"""Comparing runs: the figures a table of pinned runs reports, from their error curves."""

from __future__ import annotations

import numpy as np


def iterations_to_reach(losses: np.ndarray, target: float) -> int | None:
    """The first iteration whose error is at or below ``target``, or None if none is.

    Args:
        losses: (iterations,) the error before each step, as ``TrainResult.losses``.
        target: the error to reach, > 0.
    """
    if not (np.isfinite(target) and target > 0):
        raise ValueError(f"expected a target error > 0, got {target}")
    losses = np.asarray(losses, dtype=np.float64)
    if losses.ndim != 1 or losses.size == 0:
        raise ValueError(f"expected a non-empty 1-D error curve, got shape {losses.shape}")
    reached = np.flatnonzero(losses <= target)
    return int(reached[0]) if reached.size else None


def run_summary(losses: np.ndarray, target: float) -> dict[str, float | int | None]:
    """Final error, minimum error, its iteration, and the iterations to reach ``target``."""
    reach = iterations_to_reach(losses, target)
    return {
        "final error": float(losses[-1]),
        "minimum error": float(np.min(losses)),
        "minimum at iteration": int(np.argmin(losses)),
        "iterations to reach target": reach,
    }
