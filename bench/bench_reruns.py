"""What a rerun costs the server once TensorFlow is loaded: the app against Streamlit's defaults.

After every script run of every session Streamlit, by default, runs a full garbage collection
(``runner.postScriptGC``) and resets Keras (``keras.backend.clear_session()``, another full
collection). With TensorFlow loaded either costs about 0.2 s of one core while holding the GIL.
The app switches both off: ``postScriptGC = false`` in ``.streamlit/config.toml`` (a public
option) and ``ui.app.skip_keras_reset`` (Streamlit's private hook, replaced). This bench starts
one server per variant and has a hall of sessions rerun the training page (its run cached):

1. Streamlit's defaults: a collection and a Keras reset after each run;
2. ``postScriptGC = false`` alone: the Keras reset still runs (``KERAS_RESET_AFTER_EACH_RUN=1``);
3. the app: neither.

Rounds are interleaved across the servers; medians of the per-rerun time (median over all
sessions of a round) and the server CPU seconds per rerun are printed, with ratios to the app.

Usage: python -m bench.bench_reruns [--quick] [--sessions N] [--reruns R] [--rounds K]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.machine import cpu_name  # noqa: E402
from tests.support.app_server import AppServer  # noqa: E402
from tests.support.st_client import Session, run_sync  # noqa: E402

# The training page with its slow tabs closed: a rerun is the page's own glue, nothing more.
QUERY = "iterations=2000"
VARIANTS = {
    "Streamlit's defaults (GC + Keras reset)": ({}, ("--runner.postScriptGC", "true")),
    "postScriptGC=false, Keras reset kept": ({"KERAS_RESET_AFTER_EACH_RUN": "1"}, ()),
    "the app (neither)": ({}, ()),
}


async def hall(url: str, sessions: int, reruns: int) -> list[float]:
    """``sessions`` sessions at once, each opening the page then rerunning it ``reruns`` times;
    returns every rerun's seconds."""

    async def one() -> list[float]:
        async with Session(url) as session:
            first = await session.run("", QUERY, timeout=300)
            if not first.ok:
                raise RuntimeError(f"the page failed: {first.exceptions or first.errors}")
            times = []
            for _ in range(reruns):
                result = await session.run("", QUERY, timeout=120)
                times.append(result.seconds)
            return times

    results = await asyncio.gather(*(one() for _ in range(sessions)))
    return [t for times in results for t in times]


def measure(servers: dict[str, AppServer], sessions: int, reruns: int, rounds: int) -> dict:
    """Interleaved rounds; per variant the round medians of rerun seconds and CPU per rerun."""
    figures = {name: {"rerun_s": [], "cpu_s": []} for name in servers}
    for _ in range(rounds):
        for name, server in servers.items():
            cpu0 = server.cpu_seconds()
            times = run_sync(lambda server=server: hall(server.url, sessions, reruns), timeout=900)
            # CPU per rerun: the round's server CPU over all its runs (first opens included).
            runs = sessions * (reruns + 1)
            figures[name]["rerun_s"].append(statistics.median(times))
            figures[name]["cpu_s"].append((server.cpu_seconds() - cpu0) / runs)
    return {
        name: {key: statistics.median(values) for key, values in f.items()}
        for name, f in figures.items()
    }


def report(figures: dict, sessions: int, reruns: int, rounds: int) -> str:
    app = figures["the app (neither)"]
    lines = [
        f"Reruns of the training page on {cpu_name()}, "
        f"{sessions} sessions x {reruns} reruns, median of {rounds} interleaved rounds",
        f"  {'variant':<42} {'rerun ms':>9} {'CPU ms/run':>11} {'rerun vs app':>13}",
    ]
    for name, f in figures.items():
        lines.append(
            f"  {name:<42} {f['rerun_s'] * 1e3:>9.0f} {f['cpu_s'] * 1e3:>11.0f} "
            f"{f['rerun_s'] / app['rerun_s']:>12.2f}x"
        )
    kept = figures["postScriptGC=false, Keras reset kept"]
    lines.append(
        f"skipping the Keras reset saves {(kept['cpu_s'] - app['cpu_s']) * 1e3:.0f} ms of "
        f"server CPU per run ({kept['rerun_s'] / app['rerun_s']:.2f}x the rerun time)"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="CI size: 3 sessions, 1 round")
    parser.add_argument("--sessions", type=int, default=None)
    parser.add_argument("--reruns", type=int, default=None)
    parser.add_argument("--rounds", type=int, default=None)
    args = parser.parse_args(argv)
    sessions = args.sessions or (3 if args.quick else 8)
    reruns = args.reruns or (3 if args.quick else 5)
    rounds = args.rounds or (1 if args.quick else 3)
    servers = {}
    try:
        for name, (env, options) in VARIANTS.items():
            server = AppServer(env=env, options=options)
            server.start()
            server.warm()
            servers[name] = server
        started = time.perf_counter()
        figures = measure(servers, sessions, reruns, rounds)
        print(report(figures, sessions, reruns, rounds))
        print(f"(measured in {time.perf_counter() - started:.0f} s)")
        return figures
    finally:
        for server in servers.values():
            server.stop()


if __name__ == "__main__":
    main()
