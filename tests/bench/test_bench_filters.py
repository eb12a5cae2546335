"""The filters benchmark in its short mode: it prints its table, and what it prints holds up.

Timings are printed, not asserted against targets (a shared 2-core machine is noisy); what can
be checked is: the table parses, its ratios are finite, the batched and the one-at-a-time
pictures are the same filter's pictures, the counts add up and memory stays in budget.
"""

import math
import re

from bench import bench_filters
from core.filters.compute import cpu_bf16_features


def test_filters_benchmark_prints_a_table_that_holds_up(capsys, monkeypatch):
    monkeypatch.setenv("FILTERS_COMPUTE_DTYPE", "auto")  # the suite pins float32; this measures
    figures = bench_filters.main(["--quick"])
    out = capsys.readouterr().out
    print(out)
    for line in (
        "native bf16:",
        "automatic compute type",
        "ms per image-step",
        "per filter vs keras.io loop",
        "the document's workload",
        "peak RSS",
    ):
        assert line in out
    ratios = [float(x) for x in re.findall(r"(\d+(?:\.\d+)?)x\b", out)]
    assert len(ratios) >= 10 and all(math.isfinite(r) and r > 0 for r in ratios)

    assert figures["correlation"] > 0.99  # batched pictures are the one-at-a-time pictures
    steps = figures["steps"]
    assert steps[0]["run"] == "keras.io loop" and steps[0]["per_filter"] == 1.0
    assert all(math.isfinite(r["ms"]) and r["ms"] > 0 for r in steps)
    if not cpu_bf16_features():
        assert figures["choice"].dtype == "float32"
        assert "slower" in figures["choice"].reason

    rows = {(r["run"], r["dtype"]): r for r in figures["workload"]}
    every = rows[("every candidate to the end, keras.io loop (est.)", "float32")]
    scan = rows[("the document's scan, batched", "float32")]
    today = rows[("screened (today)", "float32")]
    assert every["image_steps"] == 16 * 6  # 16 candidates, 6 steps
    assert today["image_steps"] <= scan["image_steps"] <= every["image_steps"]
    assert today["agree"] == 4 and scan["agree"] >= 3
    bf16 = rows[("screened", "bfloat16")]  # quick mode always runs it
    assert bf16["agree"] >= 2 and bf16["image_steps"] == today["image_steps"]
    assert all(mb < 1536 for mb in figures["rss"].values())
