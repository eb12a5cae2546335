"""AppTest: before the click, the filters page says about how long a render will take here,
from a probe step on a fresh server and from its own renders afterwards."""

from __future__ import annotations

import re

from core.filters.estimate import Pace
from tests.pages.test_vgg16_filters_page import (  # noqa: F401 - renders is a fixture
    UNTRAINED,
    grid_area,
    open_page,
    press,
    renders,
)
from ui.filters import jobs as filters_jobs
from ui.filters import sources as filters_sources

SMALL = {**UNTRAINED, "n": "2", "M": "6", "steps": "20", "size": "128"}  # 120 image-steps
SENTENCE = re.compile(r"\*\*about (\d+) (s|min)\*\* on this server \(([^)]*)\)")


def estimate(at) -> tuple[int, str, str]:
    """(number, unit, basis) of the Render button's sentence."""
    said = " ".join(m.value for m in grid_area(at).markdown)
    found = SENTENCE.search(said)
    assert found, said
    return int(found.group(1)), found.group(2), found.group(3)


def test_a_fresh_server_estimates_from_one_real_probe_step(tmp_path, monkeypatch):
    monkeypatch.setenv("FILTER_GRID_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("FILTER_GRID_DIR", str(tmp_path / "grids"))
    monkeypatch.delenv("VGG16_WEIGHTS", raising=False)
    filters_sources.clear()
    probes = []
    real = filters_jobs.probe_pace
    monkeypatch.setattr(
        filters_jobs, "probe_pace", lambda *args: probes.append(args[1]) or real(*args)
    )
    at = open_page({**SMALL, "size": "32", "steps": "3"})
    assert not at.exception
    number, unit, basis = estimate(at)
    assert number >= 5 and unit in ("s", "min")
    assert basis == "from a probe step timed on this server"
    at.run()  # timed once: the next run reads it back
    assert len(probes) == 1 and probes[0].size == 32
    assert estimate(at)[2] == basis


def test_after_a_render_the_estimate_is_this_servers_measured_pace(renders, monkeypatch):  # noqa: F811
    monkeypatch.setattr(filters_jobs, "probe_pace", lambda *args: Pace(0.5))
    at = open_page(SMALL)
    assert estimate(at) == (60, "s", "from a probe step timed on this server")  # 120 * 0.5
    for dtype in ("float32", "bfloat16"):  # whichever this CPU computes in
        filters_jobs.PACES.record(("block1_conv1", "seed", dtype), 100.0, 400)
    at.run()
    basis = "measured on this server's last render of this layer and method"
    assert estimate(at) == (30, "s", basis)  # 120 * 100 / 400
    at.number_input(key="steps").set_value(200).run()  # 1,200 image-steps at 0.25 s
    assert estimate(at) == (5, "min", basis)
    press(at)  # the fake render's own seconds are recorded too
    assert not at.exception and len(renders) == 1
    kinds = [k for k in filters_jobs.PACES._renders if k[0] == "block1_conv1"]
    assert any(len(filters_jobs.PACES._renders[k]) == 2 for k in kinds)
