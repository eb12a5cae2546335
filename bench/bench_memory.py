"""The server's memory under a lecture hall's load: glibc's malloc as it comes against the app's.

Each Streamlit session runs its script in a thread; glibc gives threads that allocate at the same
time heaps of their own (up to 8 per core) and keeps what each once held. The app keeps two
(``ui.app.limit_malloc_arenas``) and hands a finished render's pages back
(``ui.app.return_freed_memory``). This bench starts one server each way and runs the load test's
two phases on it (``scripts/load_test.py``: 20 sessions asking for the same grid and training
run, then 20 asking for their own), and prints the peak and the resident memory afterwards.

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

VARIANTS = {"glibc's defaults (peer)": {MALLOC_DEFAULTS_ENV: "1"}, "the app": {}}


def one_server(extra: dict, config: load_test.Config, compute: str) -> dict:
    """The load test's phases on a fresh server; its peak and its memory afterwards, in MB."""
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
    return {"peak": report.peak_rss_mb, "after": after, "problems": problems}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the load test's CI size")
    parser.add_argument("--compute", default="auto", help="FILTERS_COMPUTE_DTYPE for both")
    args = parser.parse_args(argv)
    config = load_test.Config.quick() if args.quick else load_test.Config()
    print(
        f"Server memory under the load test ({config.sessions} sessions per phase) on {cpu_name()}"
    )
    print(f"  compute type: {args.compute}")
    figures = {name: one_server(extra, config, args.compute) for name, extra in VARIANTS.items()}
    print(f"  {'malloc':<26} {'peak MB':>8} {'after MB':>9}")
    for name, f in figures.items():
        print(f"  {name:<26} {f['peak']:>8.0f} {f['after']:>9.0f}")
        for problem in f["problems"]:
            print(f"    problem: {problem}")
    peer, app = figures["glibc's defaults (peer)"], figures["the app"]
    print(
        f"the app's peak is {peer['peak'] - app['peak']:.0f} MB lower "
        f"({app['peak'] / peer['peak']:.2f}x glibc's defaults); budget 1500 MB"
    )
    return figures


if __name__ == "__main__":
    main()
