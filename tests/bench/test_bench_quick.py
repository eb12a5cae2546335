"""The benchmarks run in their short mode, so CI prints their figures on every change.

Timings are printed, not asserted (shared machines are noisy); correctness is asserted.
"""

from bench import bench_mlp


def test_mlp_benchmark_runs_and_the_engine_matches_the_reference(capsys):
    figures = bench_mlp.main(["--quick", "--repeats", "3"])
    print(capsys.readouterr().out)
    assert figures["max_loss_difference"] <= 1e-9
    assert figures["speedup"] > 0 and figures["sweep_ratio"] > 0
