"""The server's memory under a lecture hall's load: the allocators as they come against the app's.

Two allocators decide how much of what a server once used it gives back:

- glibc's malloc gives threads that allocate at the same time heaps of their own (up to 8 per
  core; Streamlit runs each session in a thread), and keeps large freed blocks inside them once
  its mmap threshold has risen. The app keeps two heaps and maps blocks of 16 MB and more on
  their own (``ui.app.configure_malloc``), and hands a finished run's free pages back
  (``ui.app.return_freed_memory``).
- TensorFlow's oneDNN kernels take large tensors from a pool that never shrinks; the app has
  them use the system allocator (``core.TENSORFLOW_SETTINGS``).

This bench starts one server per variant and runs the load test's two phases on it
(``scripts/load_test.py``: 20 sessions asking for the same grid and training run, then 20
asking for their own), and prints the peak, the resident memory afterwards, and the phases'
wall time (the settings must not cost speed).

With ``--two-renders`` it measures instead what a lecture asks of one server: two visitors
pressing Render grid at the same moment (a seed grid and a Fourier grid, through the real page
over its websocket), and prints the server's process-tree RSS idle before, its peak during,
and after (once both grids are drawn and again after a pause), against the 1,500 MB budget.

Usage: python -m bench.bench_memory [--quick] [--two-renders]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.machine import cpu_name  # noqa: E402
from scripts import load_test  # noqa: E402
from tests.support.app_server import AppServer  # noqa: E402
from ui.app import MALLOC_DEFAULTS_ENV  # noqa: E402

ONEDNN_POOL = {"TF_ONEDNN_USE_SYSTEM_ALLOCATOR": "0"}
PEER = "glibc's and TensorFlow's defaults (peer)"
VARIANTS = {
    PEER: {MALLOC_DEFAULTS_ENV: "1", **ONEDNN_POOL},
    "the app's malloc, oneDNN's pool": ONEDNN_POOL,
    "the app": {},
}


def one_server(extra: dict, config: load_test.Config, compute: str) -> dict:
    """The load test's phases on a fresh server: peak and afterwards in MB, phases' seconds."""
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        tmp = Path(tmp)
        env = {
            "VGG16_WEIGHTS": load_test.weights_file(tmp),
            "FILTER_GRID_CACHE": str(tmp / "grids"),
            "FILTER_GRID_DIR": str(tmp / "prerendered"),
            "FILTERS_COMPUTE_DTYPE": compute,
            **extra,
        }
        with AppServer(env=env) as server:
            report = load_test.run(config, log=lambda line: None, server=server)
            after = server.rss() / 2**20
    problems = [p for p in report.problems if "peak RSS" not in p]
    seconds = sum(p.wall_s for p in report.phases)
    return {"peak": report.peak_rss_mb, "after": after, "seconds": seconds, "problems": problems}


# Two grids two visitors ask for at once: deep links, as a shared link opens them.
TWO_RENDERS = (
    ("block3_conv3", 3, "layer=block3_conv3&n=3&M=32&steps=20&size=128"),
    (
        "block2_conv2",
        2,
        "layer=block2_conv2&n=2&method=fourier&steps=48&size=128&select=indices&filters=0-3",
    ),
)
QUICK_RENDERS = (
    ("block2_conv1", 2, "layer=block2_conv1&n=2&M=8&steps=8&size=64"),
    (
        "block1_conv2",
        2,
        "layer=block1_conv2&n=2&method=fourier&steps=24&size=64&select=indices&filters=0-3",
    ),
)
SETTLE_S = 10.0


def second_round(renders):
    """Two other grids of the same cost: one more candidate ranked, the next four filters."""
    return tuple(
        (layer, n, re.sub(r"M=(\d+)", lambda m: f"M={int(m[1]) + 1}", query).replace("0-3", "4-7"))
        for layer, n, query in renders
    )


async def render_by_link(base_url: str, layer: str, n: int, query: str, timeout: float) -> dict:
    """One visitor: open the filters page at ``query``, press Render grid, wait for the grid."""
    from tests.support.st_client import Session

    started = time.perf_counter()
    grid = load_test.Grid(layer, n)
    async with Session(base_url) as session:
        first = await session.run(load_test.FILTERS, query=query, timeout=timeout)
        session.set(first, "Render grid")
        pressed = await session.run(load_test.FILTERS, query=query, timeout=timeout)
        shown = await load_test.until_drawn(session, grid, pressed, timeout)
    return {
        "seconds": time.perf_counter() - started,
        "problems": load_test.complete_grid(shown, grid),
    }


async def _both(base_url: str, renders, timeout: float) -> list[dict]:
    jobs = [render_by_link(base_url, *r, timeout) for r in renders]
    return await asyncio.gather(*jobs)


def two_renders(quick: bool, compute: str) -> dict:
    """Idle, peak and after MB of a server where two visitors render at the same moment."""
    renders = QUICK_RENDERS if quick else TWO_RENDERS
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        tmp = Path(tmp)
        env = {
            "VGG16_WEIGHTS": load_test.weights_file(tmp),
            "FILTER_GRID_CACHE": str(tmp / "grids"),
            "FILTER_GRID_DIR": str(tmp / "prerendered"),
            "FILTERS_COMPUTE_DTYPE": compute,
        }
        with AppServer(env=env) as server:
            server.warm()
            from tests.support.st_client import Session, run_sync

            async def visit() -> None:  # the filters page once: its network is loaded
                async with Session(server.url) as session:
                    await session.run(load_test.FILTERS, timeout=600)

            run_sync(visit)
            time.sleep(SETTLE_S)
            idle = server.rss() / 2**20
            started = time.perf_counter()
            with server.memory_sampler() as sampler:
                results = run_sync(lambda: _both(server.url, renders, 900))
            seconds = time.perf_counter() - started
            done = server.rss() / 2**20
            time.sleep(SETTLE_S)
            after = server.rss() / 2**20
            # A second round of two new grids: memory must come back, not grow per round.
            with server.memory_sampler() as again:
                results += run_sync(lambda: _both(server.url, second_round(renders), 900))
            time.sleep(SETTLE_S)
            after_again = server.rss() / 2**20
    problems = [p for r in results for p in r["problems"]]
    return {
        "idle": idle,
        "peak": sampler.peak / 2**20,
        "done": done,
        "after": after,
        "peak_again": again.peak / 2**20,
        "after_again": after_again,
        "seconds": seconds,
        "problems": problems,
    }


def print_two_renders(f: dict, quick: bool) -> None:
    renders = QUICK_RENDERS if quick else TWO_RENDERS
    print(f"Two visitors render at once, server process tree RSS, on {cpu_name()}")
    for layer, n, query in renders:
        print(f"  grid: {n}x{n} {layer} ({query})")
    print(f"  idle before (page open, network loaded) {f['idle']:>7.0f} MB")
    print(f"  peak while both render                  {f['peak']:>7.0f} MB")
    print(f"  when both are drawn                     {f['done']:>7.0f} MB")
    print(f"  {SETTLE_S:.0f} s after                             {f['after']:>7.0f} MB")
    print(
        f"  second round (two new grids): peak {f['peak_again']:.0f} MB, "
        f"{SETTLE_S:.0f} s after {f['after_again']:.0f} MB"
    )
    print(f"  both grids drawn in {f['seconds']:.1f} s; budget 1500 MB")
    for problem in f["problems"]:
        print(f"    problem: {problem}")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the load test's CI size")
    parser.add_argument("--compute", default="auto", help="FILTERS_COMPUTE_DTYPE for all")
    parser.add_argument(
        "--two-renders", action="store_true", help="two visitors render at once: idle/peak/after"
    )
    args = parser.parse_args(argv)
    if args.two_renders:
        figures = two_renders(args.quick, args.compute)
        print_two_renders(figures, args.quick)
        return figures
    config = load_test.Config.quick() if args.quick else load_test.Config()
    print(
        f"Server memory under the load test ({config.sessions} sessions per phase) on {cpu_name()}"
    )
    print(f"  compute type: {args.compute}")
    figures = {name: one_server(extra, config, args.compute) for name, extra in VARIANTS.items()}
    print(f"  {'allocators':<42} {'peak MB':>8} {'after MB':>9} {'phases s':>9}")
    for name, f in figures.items():
        print(f"  {name:<42} {f['peak']:>8.0f} {f['after']:>9.0f} {f['seconds']:>9.1f}")
        for problem in f["problems"]:
            print(f"    problem: {problem}")
    peer, app = figures[PEER], figures["the app"]
    print(
        f"the app's peak is {peer['peak'] - app['peak']:.0f} MB lower "
        f"({app['peak'] / peer['peak']:.2f}x the defaults), its phases take "
        f"{app['seconds'] / peer['seconds']:.2f}x the time; budget 1500 MB"
    )
    return figures


if __name__ == "__main__":
    main()
