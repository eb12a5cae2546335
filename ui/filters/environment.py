"""VGG16 filters page: the server operator's settings, read from the environment.

Where grids are kept (``$FILTER_GRID_CACHE``, ``$FILTER_GRID_DIR``), the most work one request
may take (``$FILTERS_MAX_IMAGE_STEPS``) and how long a render waits for a silent page
(``$FILTERS_HEARTBEAT_S``). Each is read when it is needed, so a changed variable counts at once.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE_ENV = "FILTER_GRID_CACHE"
PRERENDER_ENV = "FILTER_GRID_DIR"
CEILING_ENV = "FILTERS_MAX_IMAGE_STEPS"
HEARTBEAT_ENV = "FILTERS_HEARTBEAT_S"
# Work of one request at most, in image-steps of a 128 px image: every default grid and
# comparison fits (the largest, a Fourier grid of the best of 200, takes 5,760); the link of
# issue 20 (131,072, 17 minutes here) does not. The server's operator may change it.
MAX_IMAGE_STEPS = 6_000
# Silent this long: nobody waits for the render any more. The server's operator may change it
# (the browser tests' server: 8 s, eight times the page's poll).
HEARTBEAT_S = 20.0
POLL_S = 1.0  # how often a waiting page asks for news (and so refreshes its heartbeat)


def cache_dir() -> Path:
    """Where rendered grids are kept: ``$FILTER_GRID_CACHE`` or ``.cache/filter_grids``."""
    return Path(os.environ.get(CACHE_ENV) or ROOT / ".cache" / "filter_grids")


def prerender_dir() -> Path:
    """Where pre-rendered grids are read from: ``$FILTER_GRID_DIR`` or ``grids/``."""
    return Path(os.environ.get(PRERENDER_ENV) or ROOT / "grids")


def ceiling() -> int:
    """Image-steps (at 128 px) one request may take: ``$FILTERS_MAX_IMAGE_STEPS`` or 6,000."""
    with contextlib.suppress(ValueError):
        return max(1, int(os.environ.get(CEILING_ENV, "")))
    return MAX_IMAGE_STEPS


def heartbeat_s() -> float:
    """Seconds of silence after which a render is given up: ``$FILTERS_HEARTBEAT_S`` or 20."""
    with contextlib.suppress(ValueError):
        return max(POLL_S, float(os.environ.get(HEARTBEAT_ENV, "")))
    return HEARTBEAT_S


def work_problem(cost: int, what: str, how: str) -> str:
    """Why a request is refused ("" when its ``cost`` fits under the ceiling).

    Args:
        cost: Its work in image-steps at 128 px.
        what: What it is ("This grid"), how: what lowers it ("fewer steps, ...").
    """
    limit = ceiling()
    if cost <= limit:
        return ""
    return (
        f"{what} needs up to {cost:,} image-steps at 128 px; one request may take at most "
        f"{limit:,} on this server, so that one visitor never holds it for long. To come under "
        f"it: {how}."
    )
