"""The benchmarks run in their short mode, so CI prints their figures on every change.

Timings are printed, not asserted (shared machines are noisy); correctness is asserted.
"""

from bench import bench_mlp


def test_mlp_benchmark_runs_and_the_engine_matches_the_reference(capsys):
    figures = bench_mlp.main(["--quick", "--repeats", "3"])
    print(capsys.readouterr().out)
    assert figures["max_loss_difference"] <= 1e-9
    assert figures["speedup"] > 0 and figures["sweep_ratio"] > 0


def test_filters_benchmark_runs_in_its_short_mode():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, str(root / "bench" / "bench_filters.py"), "--quick"],
        capture_output=True, text=True, timeout=900, cwd=root,
    )  # fmt: skip
    print(done.stdout)
    assert done.returncode == 0, done.stderr[-2000:]
    for line in ("per-filter speed", "chosen filters that agree", "peak RSS"):
        assert line in done.stdout
