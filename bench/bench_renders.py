"""Benchmark of giving up a render: how fast the slot is free again, against keeping it.

The page renders one grid at a time per process (``ui.filters.jobs``). A render nobody waits
for any more (its visitor asked for something else, or every page showing it went silent for
``HEARTBEAT_S``) stops at its next ascent step. This measures, with the real VGG16 and the
page's own render queue, interleaved:

1. a render run to its end (the peer: what holding the slot until the end costs);
2. the same render given up part-way by its visitor's next request (``release``): seconds from
   the give-up to the slot being free, and how long it would have held the slot otherwise;
3. the same render whose page went silent (the tab closed): the heartbeat runs out, then the
   same stop;
4. the link of issue 20 (8x8 block1_conv1, Fourier, 512 steps, 256 px), given up part-way.

    python -m bench.bench_renders            # block5_conv3, 4x4 of 200 at 128 px; 3 repeats
    python -m bench.bench_renders --quick    # CI: a tiny grid of block1_conv1, one repeat
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault(  # finished grids go to a throwaway folder
    "FILTER_GRID_CACHE", tempfile.mkdtemp(prefix="bench_renders_")
)

from bench.bench_features import cpu_name  # noqa: E402
from core.filters.compute import choice_for_this_machine  # noqa: E402
from core.filters.model import load_vgg16  # noqa: E402
from core.filters.settings import GridSettings  # noqa: E402
from core.filters.visualizer import Visualizer  # noqa: E402
from tests.support.weights import trained_weights  # noqa: E402
from ui.filters import environment, jobs  # noqa: E402

FULL = GridSettings(layer="block5_conv3", n=4, candidates=200, steps=20, size=128)
QUICK = GridSettings(layer="block1_conv1", n=2, candidates=8, steps=200, size=32)
ISSUE = GridSettings.for_method(
    "fourier", layer="block1_conv1", n=8, candidates=64, size=256, steps=512
)


def render(visualizer, settings: GridSettings, visitor: str, key: str):
    """Start a render through the page's queue; returns its job."""
    return jobs.request(visitor, visualizer, settings, key)


def full_run(visualizer, settings: GridSettings, key: str) -> float:
    """Seconds a render holds the slot from start to end."""
    started = time.perf_counter()
    job = render(visualizer, settings, "bench full", key)
    while not job.done.wait(0.05):
        job.beat("bench full")
    if job.error:
        raise RuntimeError(job.error)
    return time.perf_counter() - started


def given_up(visualizer, settings, key: str, after: float, silent: bool) -> tuple[float, float]:
    """Start a render, give it up after ``after`` seconds (the visitor's next request, or a
    silent page when ``silent``); returns (its seconds until then, slot free after give-up)."""
    started = time.perf_counter()
    job = render(visualizer, settings, "bench give-up", key)
    while time.perf_counter() - started < after and not job.done.is_set():
        job.beat("bench give-up")
        time.sleep(0.05)
    ran = time.perf_counter() - started
    if not silent:
        jobs.release("bench give-up", "the bench gave it up")
    job.done.wait()
    if job.freed_after is None:
        raise RuntimeError("the render finished before it was given up: give it up sooner")
    return ran, job.freed_after


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny grid, one repeat (CI)")
    parser.add_argument("--repeats", type=int, default=None)
    args = parser.parse_args(argv)
    quick = args.quick
    repeats = args.repeats or (1 if quick else 3)
    settings = QUICK if quick else FULL
    weights = trained_weights()
    visualizer = Visualizer(load_vgg16(weights), choice_for_this_machine())
    environment.HEARTBEAT_S = 0.2 if quick else 5.0  # a short heartbeat, so the bench is short
    print(f"CPU: {cpu_name()}; weights: {Path(weights).name if weights else 'untrained'}")
    print(f"compute type: {visualizer.compute_dtype}; heartbeat {environment.HEARTBEAT_S:g} s here")
    s = settings
    print(
        f"grid: {s.layer}, {s.n}x{s.n} best of {s.candidates}, {s.steps} steps, {s.size} px; "
        f"median of {repeats} interleaved repeats"
    )
    full_run(visualizer, settings, "warm-up")  # compiles the step: not measured
    whole, ran, replaced, silent, ran_silent, issue = [], [], [], [], [], []
    for r in range(repeats):
        whole.append(full_run(visualizer, settings, f"full {r}"))
        after = 0.3 * whole[-1]
        t, freed = given_up(visualizer, settings, f"replaced {r}", after, silent=False)
        ran.append(t)
        replaced.append(freed)
        t, freed = given_up(visualizer, settings, f"silent {r}", after, silent=True)
        ran_silent.append(t)
        silent.append(freed)
        if not quick:
            issue.append(given_up(visualizer, ISSUE, f"issue {r}", 20.0, silent=False)[1])
    m_whole, m_ran = statistics.median(whole), statistics.median(ran)
    m_replaced, m_silent = statistics.median(replaced), statistics.median(silent)
    held = m_whole - m_ran  # what the slot would have been held for without giving up
    rows = [
        ("whole render, holding the slot to its end", m_whole),
        ("given up after", m_ran),
        ("it would have held the slot for another", held),
        ("given up by the next request: slot free after", m_replaced),
        ("tab closed: slot free after the heartbeat ran out", m_silent),
    ]
    for label, seconds in rows:
        print(f"  {label:<52} {seconds * 1000:10.1f} ms")
    print(f"giving up frees the slot {held / m_replaced:.1f}x sooner than finishing the render")
    figures = {
        "whole": m_whole,
        "ran": m_ran,
        "held": held,
        "replaced": m_replaced,
        "silent": m_silent,
        "ratio": held / m_replaced,
    }
    if issue:
        m_issue = statistics.median(issue)
        print(
            f"issue 20's link ({ISSUE.n}x{ISSUE.n}, {ISSUE.method}, {ISSUE.steps} steps, "
            f"{ISSUE.size} px), given up after 20 s: slot free {m_issue * 1000:.1f} ms later"
        )
        figures["issue"] = m_issue
    return figures


if __name__ == "__main__":
    main()
