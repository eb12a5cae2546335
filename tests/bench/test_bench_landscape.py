"""The landscape benchmark in its short mode: the grids agree and the printed ratios are ratios.

Timings are printed, not asserted (shared machines are noisy).
"""

import math
import re

import pytest

from bench import bench_landscape


def printed(pattern: str, text: str) -> float:
    match = re.search(pattern, text)
    assert match, f"not printed: {pattern}"
    return float(match.group(1))


def test_landscape_benchmark_agrees_with_the_reference_loop_and_prints_its_ratios(capsys):
    figures = bench_landscape.main(["--quick", "--repeats", "1"])
    out = capsys.readouterr().out
    print(out)
    assert figures["loop_difference"] <= 1e-12  # the batched pass is the reference network's
    assert figures["xla_difference"] <= 1e-12
    assert figures["points"] == 21 * 21 and "21x21 grid (441 networks)" in out
    assert "Landscape surface on " in out and "cores" in out  # the CPU is named
    numpy_ms = printed(r"batched NumPy pass \(the tab\)\s+([\d.]+) ms", out)
    loop_ms = printed(r"loop of MLP.forward \(peer\)\s+([\d.]+) ms", out)
    xla_ms = printed(r"batched pass, TensorFlow/XLA\s+([\d.]+) ms", out)
    loop_ratio = printed(r"the loop takes ([\d.]+)x", out)
    xla_ratio = printed(r"XLA takes ([\d.]+)x", out)
    for value in (numpy_ms, loop_ms, xla_ms, loop_ratio, xla_ratio):
        assert math.isfinite(value) and value > 0
    # The printed ratios are the printed medians' ratios (to their printed rounding).
    assert loop_ratio == pytest.approx(loop_ms / numpy_ms, rel=0.03, abs=0.06)
    assert xla_ratio == pytest.approx(xla_ms / numpy_ms, rel=0.03, abs=0.01)
