"""Every benchmark's printed output, verbatim, in docs/benchmarks.md (so no figure drifts from it).

    python -m bench.report --quick                  # every command's short mode (minutes)
    python -m bench.report --full --only bench_mlp  # full mode, for the commands named
    python -m bench.report --check                  # exit 1 if a command has no block in the file

Each command (``COMMANDS``) runs in its own process from the repository root; what it prints on
stdout, its CPU line included, replaces the block between its two markers in docs/benchmarks.md,
under one line naming the command as run, the date, how long it took and the machine's load
average before and after (on a shared machine, other work slows what a benchmark times). The
prose around the blocks is written by hand and never touched. A command that crashes leaves its
block as it was (its stderr's end is printed here); one that prints its figures and exits 1 (a
budget missed) gets them written with its exit status; either way the report exits 1. Run it
niced on a shared machine: ``nice -n 5 .venv/bin/python -m bench.report --quick``.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
TIMEOUT_S = 3600


@dataclass(frozen=True)
class Command:
    """One command whose printed output the docs quote.

    Attributes:
        name: the block's name in the markers (the module's last part).
        module: what ``python -m`` runs.
        quick: arguments of the short mode (``None``: the command has none; ``--quick`` skips it).
        full: arguments of the full mode.
    """

    name: str
    module: str
    quick: tuple[str, ...] | None
    full: tuple[str, ...] = ()

    def argv(self, mode: str) -> list[str]:
        extra = self.full if mode == "full" else self.quick
        if extra is None:
            raise ValueError(f"{self.module} has no {mode} mode")
        return [sys.executable, "-m", self.module, *extra]

    def shown(self, mode: str) -> str:
        return " ".join(["python -m", self.module, *(self.argv(mode)[3:])])


COMMANDS = (
    Command("bench_mlp", "bench.bench_mlp", ("--quick",)),
    Command("bench_optimizers", "bench.bench_optimizers", ("--quick",)),
    Command("bench_landscape", "bench.bench_landscape", ("--quick",)),
    Command("bench_replay", "bench.bench_replay", ("--quick",)),
    Command("bench_filters", "bench.bench_filters", ("--quick",)),
    Command("bench_features", "bench.bench_features", ("--quick",)),
    Command("bench_numbers", "bench.bench_numbers", ("--quick",)),
    Command("bench_renders", "bench.bench_renders", ("--quick",)),
    Command("bench_classroom", "bench.bench_classroom", ("--quick",)),
    Command("bench_reruns", "bench.bench_reruns", ("--quick",)),
    Command("bench_memory", "bench.bench_memory", ("--quick",)),
    Command("load_test", "scripts.load_test", ("--quick",)),
    # Builds venvs from the package index: no short mode, so only --full (or --only) runs it.
    Command("bench_install", "bench.bench_install", None, ("--repeats", "1")),
)


def markers(name: str) -> tuple[str, str]:
    return f"<!-- bench.report begin {name} -->", f"<!-- bench.report end {name} -->"


def block(
    command: Command,
    mode: str,
    output: str,
    seconds: float,
    when: datetime.date,
    load: tuple[float, float] | None = None,
    status: int = 0,
) -> str:
    """The Markdown between a command's markers: the command as run, then its output verbatim.

    Args:
        load: the machine's 1-minute load average before and after the run (a shared machine's
            other work slows what a benchmark times).
    """
    fence = "````" if "```" in output else "```"
    busy = f"; load average {load[0]:.1f} before, {load[1]:.1f} after" if load else ""
    failed = f"; exit status {status}: it found a problem" if status else ""
    return (
        f"`{command.shown(mode)}` printed, on {when.isoformat()} "
        f"({seconds:.0f} s{busy}{failed}):\n\n"
        f"{fence}text\n{output.rstrip()}\n{fence}"
    )


def replace_block(text: str, name: str, body: str) -> str:
    """``text`` with the block of ``name`` replaced by ``body`` (markers kept)."""
    begin, end = markers(name)
    pattern = re.compile(re.escape(begin) + r"\n.*?" + re.escape(end), re.DOTALL)
    if len(pattern.findall(text)) != 1:
        raise ValueError(f"{DOC.name} needs exactly one pair of markers {begin} ... {end}")
    return pattern.sub(lambda _: f"{begin}\n{body}\n{end}", text)


def missing_blocks(text: str) -> list[str]:
    """Names of the commands without exactly one pair of markers in ``text``."""
    return [c.name for c in COMMANDS if any(text.count(marker) != 1 for marker in markers(c.name))]


def run(command: Command, mode: str) -> tuple[str, float, int]:
    """Run one command; its stdout, wall seconds and exit status.

    A command that checks budgets (the load test, the class bench) prints its figures and then
    exits 1 when one is missed: its output is still what it measured, so it is returned.
    Raises RuntimeError when the command printed nothing (it crashed).
    """
    start = time.perf_counter()
    done = subprocess.run(
        command.argv(mode), cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT_S
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0 and not done.stdout.strip():
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"{command.shown(mode)} exited {done.returncode}:\n{tail}")
    return done.stdout, seconds, done.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--quick", action="store_true", help="the commands' short modes")
    mode.add_argument("--full", action="store_true", help="the commands' full modes")
    mode.add_argument("--check", action="store_true", help="only check the file's markers")
    names = [c.name for c in COMMANDS]
    parser.add_argument("--only", nargs="+", choices=names, metavar="NAME", help=str(names))
    args = parser.parse_args(argv)
    text = DOC.read_text()
    if missing := missing_blocks(text):
        print(f"{DOC} lacks the markers of: {', '.join(missing)}")
        return 1
    if args.check:
        return 0
    chosen = "full" if args.full else "quick"
    if args.only:
        wanted = [c for c in COMMANDS if c.name in args.only]
    else:
        wanted = [c for c in COMMANDS if c.quick is not None or args.full]
    failed = []
    for command in wanted:
        mode_here = chosen if command.quick is not None else "full"
        print(f"running {command.shown(mode_here)} ...", flush=True)
        before = os.getloadavg()[0]
        try:
            output, seconds, status = run(command, mode_here)
        except (RuntimeError, subprocess.TimeoutExpired) as problem:
            print(problem, flush=True)
            failed.append(command.name)
            continue
        load = (before, os.getloadavg()[0])
        body = block(command, mode_here, output, seconds, datetime.date.today(), load, status)
        if status:
            failed.append(command.name)
        text = replace_block(DOC.read_text(), command.name, body)
        DOC.write_text(text)  # after each command, so a stopped report keeps what it ran
        print(f"  {seconds:.0f} s, written to {DOC}", flush=True)
    if failed:
        print(f"failed (a crashed command's block is kept as it was): {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
