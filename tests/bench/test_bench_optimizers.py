"""The optimisers' benchmark in its short mode: every optimiser agrees with Keras and prints."""

import math
import re

from bench import bench_optimizers
from core.mlp.optimizers import OPTIMIZERS


def test_optimizer_benchmark_agrees_with_keras_and_prints_its_ratios(capsys):
    figures = bench_optimizers.main(["--quick", "--iterations", "300", "--repeats", "1"])
    out = capsys.readouterr().out
    print(out)
    assert "Optimisers on " in out and "cores" in out  # the CPU is named
    assert set(figures) == set(OPTIMIZERS)
    for name, f in figures.items():
        assert f["keras_difference"] <= 1e-9, name  # Keras's optimiser lands on our weights
        assert f["engine_difference"] <= 1e-9, name
        row = re.search(rf"^{name}\s+([\d.]+)\s+([\d.]+)x\s+([\d.]+)\s+([\d.]+)x", out, re.M)
        assert row, f"no row for {name}"
        numpy_ms, _, xla_ms, speedup = map(float, row.groups())
        assert math.isfinite(speedup) and speedup > 0
        assert abs(speedup - numpy_ms / xla_ms) <= 0.06 + 0.01 * speedup
    assert re.search(r"32 rates cost at most [\d.]+x one run", out)
