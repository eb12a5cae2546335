"""Two visitors render at once on a real test server: the memory benchmark's short mode prints
the server's idle, peak and after figures, and they hold up against the 1,500 MB budget."""

import re

from bench import bench_memory


def test_two_renders_at_once_stay_under_budget_and_give_the_memory_back(capsys):
    figures = bench_memory.main(["--two-renders", "--quick"])
    out = capsys.readouterr().out
    print(out)
    assert "cores" in out  # the CPU is named
    for label in ("idle before", "peak while both render", "when both are drawn", "s after"):
        assert re.search(rf"{label}.*\s(\d+) MB", out), f"not printed: {label}"
    assert not figures["problems"], figures["problems"]  # both grids were drawn
    assert 0 < figures["idle"] <= figures["peak"] < 1500
    assert figures["peak_again"] < 1500
    # Back near idle (the grids and compiled steps kept for reuse stay), and no growth per round.
    assert figures["after"] - figures["idle"] < 250
    assert figures["after_again"] - figures["after"] < 100
