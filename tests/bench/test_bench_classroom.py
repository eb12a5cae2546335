"""The class-session benchmark in its short mode: 20 phones for 6 s against one server.

Timings are printed, not asserted (shared machines are noisy); what must hold is asserted:
every acknowledged vote is in the pool, the projector kept refreshing, the printed figures are
the measured ones.
"""

import re

import pytest

from bench import bench_classroom

pytestmark = pytest.mark.slow


def printed(pattern: str, text: str) -> float:
    match = re.search(pattern, text)
    assert match, f"not printed: {pattern}"
    return float(match.group(1).replace(",", ""))


def test_quick_hall_loses_no_vote_and_prints_its_figures(capsys):
    report = bench_classroom.main(["--quick"])
    out = capsys.readouterr().out
    print(out)
    assert report.problems == []
    assert report.joined == report.phones == 20
    assert report.acknowledged > 0 and report.in_pool == report.acknowledged  # zero lost
    assert report.projector_refreshes > 0
    assert report.projector_last_labels <= report.in_pool
    assert "Class session load on " in out and "cores" in out  # the CPU is named
    assert printed(r"acknowledged\s+([\d,]+)", out) == report.acknowledged
    assert printed(r"in the pool\s+([\d,]+)", out) == report.in_pool
    assert printed(r"lost votes\s+(\d+)", out) == 0
    median = printed(r"median (\d+) ms, p95", out)
    p95 = printed(r"p95 (\d+) ms", out)
    assert median <= p95
    assert median == pytest.approx(report.median_ms, abs=0.5)
