"""The replay benchmark in its short mode: the same frames, the map always on screen, ratios.

Timings are printed, not asserted (shared machines are noisy). Without Chromium the browser
half is left out, unless REQUIRE_BROWSER=1 (CI), where the test fails instead.
"""

import math
import os
import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench import bench_replay
from tests.support import browser as br

pytestmark = pytest.mark.slow


def printed(pattern: str, text: str) -> float:
    match = re.search(pattern, text)
    assert match, f"not printed: {pattern}"
    return float(match.group(1))


def has_browser() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return br.chromium_executable() is not None


def test_replay_benchmark_plays_the_same_frames_and_prints_its_ratios(capsys):
    browser = has_browser()
    if not browser and os.environ.get("REQUIRE_BROWSER", "") not in ("", "0"):
        pytest.fail(f"REQUIRE_BROWSER=1 but {br.HOW_TO_ENABLE}")
    arguments = ["--quick", "--repeats", "1", *([] if browser else ["--no-browser"])]
    # Its own thread: Playwright's sync API refuses to start beside a session's browser that
    # the same test worker may hold already (the browser tests').
    with ThreadPoolExecutor(max_workers=1) as pool:
        result = pool.submit(bench_replay.main, arguments).result()
    out = capsys.readouterr().out
    print(out)
    assert "Replay film on " in out and "cores" in out  # the CPU is named
    assert result["names"] == result["peer_names"] and result["frames"] == 101
    tab_mb = printed(r"JSON pictures \+ lines \(the tab\)\s+([\d.]+) MB", out)
    peer_mb = printed(r"JSON heatmaps \(peer\)\s+([\d.]+) MB", out)
    json_ratio = printed(r"the heatmap film's JSON is ([\d.]+)x", out)
    assert json_ratio == pytest.approx(peer_mb / tab_mb, rel=0.05)
    assert json_ratio > 1  # the pictures are lighter than the heatmaps they replace
    plain_ms = printed(r"film it sends in (\d+) ms from plain frames", out)
    checked_ms = printed(r"(\d+) ms through Plotly's frame objects", out)
    assert plain_ms == round(1e3 * result["build_s"])
    assert checked_ms == round(1e3 * result["build_checked_s"])
    build_ratio = printed(r"frame objects: ([\d.]+)x", out)
    assert build_ratio == pytest.approx(result["build_checked_s"] / result["build_s"], abs=0.006)
    if not browser:
        return
    played = result["browser"][1.0]  # the quick mode plays with the CPU as is
    assert played["pictures"]["names"] == result["names"]  # every frame was shown, in order
    assert played["pictures"]["map_share"] == 1.0  # the map is on screen in every paint
    tab_ms = printed(r"\(the tab\)\s+frame\s+([\d.]+) ms", out)
    peer_ms = printed(r"heatmaps \(peer\)\s+frame\s+([\d.]+) ms", out)
    frame_ratio = printed(r"the heatmap film's frames take ([\d.]+)x", out)
    for value in (tab_ms, peer_ms, frame_ratio):
        assert math.isfinite(value) and value > 0
    assert frame_ratio == pytest.approx(peer_ms / tab_ms, rel=0.03, abs=0.01)
