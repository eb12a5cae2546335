"""The Fourier benchmark's short mode: it names the CPU and prints one row per run, and the
layer's own learning rate leaves block1_conv1's tiles less saturated than 0.05."""

import pytest

from bench import bench_fourier
from tests.support.weights import NO_WEIGHTS, trained_weights


def test_fourier_benchmark_prints_its_rows(capsys):
    if trained_weights() is None:
        pytest.skip(NO_WEIGHTS)
    rows = bench_fourier.main(["--quick"])
    out = capsys.readouterr().out
    print(out)
    assert "cores" in out and len(rows) == 2
    (_, fast, before), (_, own, after) = rows
    assert (fast, own) == (0.05, 0.01)
    assert after["saturated"] < before["saturated"]
    assert out.count("block1_conv1") == 2
