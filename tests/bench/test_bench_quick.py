"""The benchmarks run in their short mode, so CI prints their figures on every change.

Timings are printed, not asserted (shared machines are noisy); correctness is asserted.
"""

import math
import re

import pytest

from bench import bench_mlp


def printed(pattern: str, text: str) -> float:
    match = re.search(pattern, text)
    assert match, f"not printed: {pattern}"
    return float(match.group(1))


def test_mlp_benchmark_agrees_with_the_reference_and_keras_and_prints_its_ratios(capsys):
    figures = bench_mlp.main(["--quick", "--repeats", "1"])
    out = capsys.readouterr().out
    print(out)
    assert figures["max_loss_difference"] <= 1e-9  # the engine's losses are the reference's
    assert figures["keras_output_difference"] <= 1e-6  # Keras fit lands on the same network
    assert "MLP training on " in out and "cores" in out  # the CPU is named
    numpy_ms = printed(r"NumPy reference loop\s+([\d.]+) ms", out)
    xla_ms = printed(r"compiled engine \(XLA\)\s+([\d.]+) ms", out)
    keras_ms = printed(r"Keras fit \(SGD, XLA\)\s+([\d.]+) ms", out)
    speedup = printed(r"speedup of the compiled engine: ([\d.]+)x", out)
    keras_ratio = printed(r"Keras fit takes ([\d.]+)x", out)
    for value in (numpy_ms, xla_ms, keras_ms, speedup, keras_ratio):
        assert math.isfinite(value) and value > 0
    # The printed ratios are the printed medians' ratios (to their printed rounding).
    assert speedup == pytest.approx(numpy_ms / xla_ms, rel=0.01, abs=0.06)
    assert keras_ratio == pytest.approx(keras_ms / xla_ms, rel=0.01, abs=0.06)
    assert printed(r"one step by the numbers\s+([\d.]+) ms", out) < 500
