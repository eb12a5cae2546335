"""The feature-map benchmark runs in its short mode and its two ways agree."""

from bench import bench_features


def test_feature_benchmark_runs_and_both_ways_give_the_same_maps(capsys):
    figures = bench_features.main(["--quick", "--repeats", "1"])
    print(capsys.readouterr().out)
    assert figures["max_difference"] <= 1e-2  # float32 sums in a different order
    assert figures["one_pass_s"] > 0 and figures["speedup"] > 0
