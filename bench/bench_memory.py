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

Usage: python -m bench.bench_memory [--quick]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
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


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the load test's CI size")
    parser.add_argument("--compute", default="auto", help="FILTERS_COMPUTE_DTYPE for all")
    args = parser.parse_args(argv)
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
