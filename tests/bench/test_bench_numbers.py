"""The "by the numbers" benchmark in its short mode: it must agree with the network, print
VGG16's receptive fields, and print a ratio that is the ratio of its printed medians."""

import math
import re

import pytest

from bench import bench_numbers


def printed(pattern: str, text: str) -> float:
    match = re.search(pattern, text)
    assert match, f"not printed: {pattern}"
    return float(match.group(1).replace(",", ""))


@pytest.mark.slow
def test_numbers_benchmark_agrees_with_the_network_and_prints_its_ratio(capsys):
    figures = bench_numbers.main(["--quick", "--repeats", "1"])
    out = capsys.readouterr().out
    print(out)
    assert "CPU: " in out and "cores" in out
    assert figures["max_difference"] <= 1e-3  # float32 network, values in the hundreds
    assert re.search(r"block1_conv1 +64x64 +3 px +1 px +27 ", out)
    assert re.search(r"block5_conv3 +4x4 +196 px +16 px +4,608 ", out)
    hand = printed(r"one cell by hand \(one_cell, row \d+\):\s+([\d.]+) us", out)
    network = printed(r"one cell by Keras' block1_conv1:\s+([\d.]+) us", out)
    ratio = printed(r"the network is ([\d,]+)x faster per cell", out)
    for value in (hand, network, ratio):
        assert math.isfinite(value) and value > 0
    assert ratio == pytest.approx(hand / network, rel=0.01, abs=1)
    assert printed(r"4 figures built in [\d.]+ s, ([\d,]+) kB of JSON", out) > 10
