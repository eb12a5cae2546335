"""A lecture hall voting from phones: click-to-acknowledgement time, lost votes, the projector.

    python -m bench.bench_classroom            # 150 phones, a vote about every 2 s, 3 minutes
    python -m bench.bench_classroom --quick    # 20 phones for 6 s (the test in tests/bench)

One `streamlit run` on localhost, a fresh SQLite pool in a temp folder. Each phone is a
Streamlit session speaking the app's websocket protocol (tests/support/st_client.py), as a browser
tab does on the wire: it opens the student link, then every 2 s (uniformly 1.5-2.5 s) clicks
"Black reads better" or "White reads better", which reruns only the phone's fragment, and waits
for the fragment's answer; it also sends the 5 s auto-refresh its browser would. A vote counts
as acknowledged when the answer says "Counted". One projector session opens the lecturer link
and asks for its 1.5 s refresh, as the browser's timer does.

Printed: the CPU; median and p95 click-to-acknowledgement; acknowledged votes against the rows
in the pool (they must be equal: zero lost, zero extra); the projector's refreshes (how many, how
long, its last label count); the server's peak memory. Bounded: a fixed number of sessions, a
deadline, localhost only, the server stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from bench.machine import cpu_name
from core.colour.pool import ClassPool
from tests.support.app_server import AppServer
from tests.support.st_client import Session, run_sync

PAGE = "text_over_colour"
P95_TARGET_MS = 500.0
RSS_BUDGET_MB = 1500.0


@dataclass
class Config:
    phones: int = 150
    seconds: float = 180.0
    vote_every_s: float = 2.0
    phone_refresh_s: float = 5.0
    projector_every_s: float = 1.5
    ramp_s: float = 20.0  # phones open the link spread over this time, as a hall scans a QR code

    @classmethod
    def quick(cls) -> Config:
        return cls(phones=20, seconds=6.0, ramp_s=3.0)


@dataclass
class Report:
    phones: int = 0
    joined: int = 0
    sent: int = 0
    acknowledged: int = 0
    refused: dict[str, int] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    clicked_at_s: list[float] = field(default_factory=list)
    in_pool: int = 0
    projector_refreshes: int = 0
    projector_ms: list[float] = field(default_factory=list)
    projector_last_labels: int = 0
    peak_rss_mb: float = 0.0
    wall_s: float = 0.0
    server_cpu_s: float = 0.0
    client_cpu_s: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")

    @property
    def p95_ms(self) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    def steady(self, after_s: float) -> Report:
        """The latencies of the clicks made after ``after_s`` (once every phone has joined)."""
        kept = [
            ms for ms, t in zip(self.latencies_ms, self.clicked_at_s, strict=True) if t >= after_s
        ]
        return Report(latencies_ms=kept)

    @property
    def lost(self) -> int:
        return self.acknowledged - self.in_pool


async def open_phone(url: str, code: str, timeout: float):
    """A phone opens the student link; returns the session, its fragment id and its address."""
    session = Session(url)
    await session.__aenter__()
    first = await session.run(PAGE, query=f"class={code}", timeout=timeout)
    fragments = [f for f, every in first.auto_reruns.items() if every > 0]
    if first.exceptions or not fragments or first.widget("White reads better") is None:
        await session.__aexit__()
        raise RuntimeError(f"the phone's page is not the voting view: {first.text()[:200]}")
    return session, fragments[0], first.query_string or f"class={code}", first


async def phone(url: str, code: str, config: Config, start: float, report: Report) -> None:
    """One student: join, then vote about every 2 s until the deadline."""
    await asyncio.sleep(random.uniform(0, config.ramp_s))
    timeout = 60.0
    try:
        session, fragment, query, last = await open_phone(url, code, timeout)
    except Exception as error:  # counted, not raised: the hall goes on
        report.problems.append(f"a phone could not join: {error}")
        return
    report.joined += 1
    refreshed = time.perf_counter()
    try:
        while time.perf_counter() - start < config.seconds:
            await asyncio.sleep(random.uniform(0.75, 1.25) * config.vote_every_s)
            if time.perf_counter() - refreshed > config.phone_refresh_s:  # the browser's timer
                last = await session.run(PAGE, query, timeout, fragment, is_auto_rerun=True)
                refreshed = time.perf_counter()
            button = random.choice(("Black reads better", "White reads better"))
            if last.widget(button) is None:
                report.problems.append(f"no vote button on the phone: {last.text()[:120]}")
                return
            session.set(last, button)
            report.sent += 1
            clicked = time.perf_counter()
            last = await session.run(PAGE, query, timeout, fragment)
            answer = last.text()
            if "Counted" in answer:
                report.acknowledged += 1
                report.latencies_ms.append((time.perf_counter() - clicked) * 1000)
                report.clicked_at_s.append(clicked - start)
            else:
                reason = last.status if last.status != "fragment ok" else answer[:60]
                report.refused[reason] = report.refused.get(reason, 0) + 1
    finally:
        await session.__aexit__()


async def projector(url: str, code: str, key: str, config: Config, start, report) -> None:
    """The lecturer's screen: the full page once, then each fragment on its own timer."""
    async with Session(url) as session:
        first = await session.run(PAGE, query=f"class={code}&key={key}", timeout=300)
        timers = {f: every for f, every in first.auto_reruns.items() if every > 0}
        if first.exceptions or not timers:
            report.problems.append(f"projector page failed: {first.exceptions[:1]}")
            return
        counts = min(timers, key=timers.get)  # the fastest timer: the live counts
        due = {f: time.perf_counter() + every for f, every in timers.items()}
        query = first.query_string or f"class={code}&key={key}"
        while time.perf_counter() - start < config.seconds + 5:
            fragment = min(due, key=due.get)
            await asyncio.sleep(max(0.0, due[fragment] - time.perf_counter()))
            due[fragment] = time.perf_counter() + timers[fragment]
            began = time.perf_counter()
            result = await session.run(PAGE, query, 60, fragment, is_auto_rerun=True)
            if result.status != "fragment ok" or result.exceptions:
                report.problems.append(f"projector refresh: {result.status} {result.exceptions}")
                continue
            if fragment != counts:
                continue
            report.projector_refreshes += 1
            report.projector_ms.append((time.perf_counter() - began) * 1000)
            labels = [e.metric.body for e in result.of_type("metric") if e.metric.label == "Labels"]
            if labels:
                report.projector_last_labels = int(labels[0].replace(",", ""))


async def hall(url: str, code: str, key: str, config: Config, report: Report) -> None:
    start = time.perf_counter()
    phones = [phone(url, code, config, start, report) for _ in range(config.phones)]
    await asyncio.gather(projector(url, code, key, config, start, report), *phones)


def run(config: Config, log=print) -> Report:
    """Start a server on a fresh pool, let the hall vote, count the pool; returns the figures."""
    report = Report(phones=config.phones)
    with tempfile.TemporaryDirectory(prefix="bench-classroom-") as data:
        engine = sa.create_engine(f"sqlite:///{Path(data) / 'classroom.sqlite'}")
        pool = ClassPool(engine)
        session = pool.create_session()
        with AppServer(env={"CLASSROOM_DATA_DIR": data}) as server:
            server.warm()  # the document's network, trained once, as in a lecture
            log(f"server up on {server.url}; {config.phones} phones for {config.seconds:.0f} s")
            cpu0, client0, began = server.cpu_seconds(), time.process_time(), time.perf_counter()
            with server.memory_sampler() as memory:
                run_sync(
                    lambda: hall(server.url, session.code, session.key, config, report),
                    timeout=config.seconds + config.ramp_s + 600,
                )
            report.wall_s = time.perf_counter() - began
            report.server_cpu_s = server.cpu_seconds() - cpu0
            report.client_cpu_s = time.process_time() - client0
            report.peak_rss_mb = memory.peak / 2**20
            if not server.alive():
                report.problems.append("the server died")
        report.in_pool = len(pool.votes(session.code))
        engine.dispose()
    check(report)
    return report


def check(report: Report) -> None:
    if report.lost:
        report.problems.append(
            f"{report.acknowledged} votes acknowledged but {report.in_pool} in the pool"
        )
    if report.projector_refreshes == 0:
        report.problems.append("the projector never refreshed")
    elif report.projector_last_labels > report.in_pool:
        report.problems.append("the projector counted more labels than the pool holds")
    if report.joined < report.phones:
        report.problems.append(f"only {report.joined} of {report.phones} phones joined")


def summary(report: Report, config: Config) -> str:
    refused = ", ".join(f"{k}: {v}" for k, v in sorted(report.refused.items())) or "none"
    projector = report.projector_ms or [float("nan")]
    steady = report.steady(config.ramp_s)
    lines = [
        f"Class session load on {cpu_name()}",
        f"phones                      {report.joined} of {report.phones} joined, a vote about "
        f"every {config.vote_every_s:g} s for {config.seconds:.0f} s",
        f"votes sent                  {report.sent:,}",
        f"acknowledged                {report.acknowledged:,} (refused: {refused})",
        f"in the pool                 {report.in_pool:,}",
        f"lost votes                  {report.lost} (acknowledged - in the pool)",
        f"click to acknowledgement    median {report.median_ms:.0f} ms, p95 {report.p95_ms:.0f} ms "
        f"(target p95 < {P95_TARGET_MS:.0f} ms)",
        f"  once all phones are in    median {steady.median_ms:.0f} ms, p95 {steady.p95_ms:.0f} ms "
        f"({len(steady.latencies_ms):,} votes after the first {config.ramp_s:.0f} s)",
        f"projector refreshes         {report.projector_refreshes} every "
        f"{config.projector_every_s:g} s, median {statistics.median(projector):.0f} ms, last "
        f"count {report.projector_last_labels:,} labels",
        f"server peak memory          {report.peak_rss_mb:.0f} MB (budget {RSS_BUDGET_MB:.0f} MB)",
        f"CPU used                    server {report.server_cpu_s:.0f} s, simulated phones "
        f"{report.client_cpu_s:.0f} s, in {report.wall_s:.0f} s of wall time "
        f"(machine load average {os.getloadavg()[0]:.1f} at the end)",
    ]
    lines += [f"PROBLEM: {p}" for p in report.problems[:8]] or ["no problems"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> Report:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 phones for 6 s")
    parser.add_argument("--phones", type=int, help="simulated phones (at most 300)")
    parser.add_argument("--seconds", type=float, help="how long they vote (at most 600)")
    args = parser.parse_args(argv)
    config = Config.quick() if args.quick else Config()
    if args.phones:
        config.phones = max(1, min(300, args.phones))
    if args.seconds:
        config.seconds = max(5.0, min(600.0, args.seconds))
    report = run(config)
    print(summary(report, config))
    return report


if __name__ == "__main__":
    sys.exit(0 if not main().problems else 1)
