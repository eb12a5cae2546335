"""The render-time estimate's arithmetic: paces from renders, the words, the probe."""

from __future__ import annotations

import math
import threading

import pytest

from core.filters.estimate import (
    KEPT_RENDERS,
    Pace,
    PaceBook,
    about,
    estimate_seconds,
    pace_of,
    render_kind,
)
from core.filters.grid import planned_cost
from core.filters.settings import GridSettings


def test_the_pace_of_renders_is_their_seconds_over_their_image_steps():
    pace = pace_of([(30.0, 1000), (50.0, 1500), (7.0, 0)])  # the empty render is left out
    assert pace == Pace(80.0 / 2500, 2)
    assert pace_of([]) is None and pace_of([(3.0, 0)]) is None


def test_the_estimate_is_the_planned_cost_times_the_pace():
    settings = GridSettings(layer="block2_conv1", n=3, candidates=40, steps=30, size=96)
    cost = planned_cost(settings)
    # 40 candidates: first step 40, screening 4 more steps of 40 (keep 18), then 25 of 18:
    # 40 + 160 + 450 = 650 image-steps of 96 px = 650 * 96^2 / 128^2, rounded up.
    assert cost == math.ceil(650 * 96 * 96 / 128**2) == 366
    assert estimate_seconds(cost, Pace(0.2)) == pytest.approx(73.2)
    assert about(estimate_seconds(cost, Pace(0.2))) == "about 75 s"
    with pytest.raises(ValueError, match="cost >= 0"):
        estimate_seconds(-1, Pace(0.2))


@pytest.mark.parametrize(
    "seconds, words",
    [
        (0.0, "about 5 s"),
        (3.2, "about 5 s"),
        (68.0, "about 70 s"),
        (72.4, "about 70 s"),
        (117.4, "about 115 s"),
        (118.0, "about 2 min"),
        (250.0, "about 4 min"),
        (1234.0, "about 21 min"),
    ],
)
def test_about_rounds_as_a_person_says_it(seconds, words):
    assert about(seconds) == words


@pytest.mark.parametrize("bad", [-1.0, float("nan")])
def test_about_refuses_what_is_no_duration(bad):
    with pytest.raises(ValueError, match="seconds >= 0"):
        about(bad)


def test_the_book_keeps_the_last_renders_per_kind_and_its_probes():
    book = PaceBook()
    deep = render_kind(GridSettings(layer="block5_conv3"), "float32")
    shallow = render_kind(GridSettings(layer="block1_conv1"), "float32")
    assert deep == ("block5_conv3", "seed", "float32")
    assert book.renders(deep) is None
    book.record(deep, 1000.0, 10)  # an old, slow render: pushed out by the next five
    for _ in range(KEPT_RENDERS):
        book.record(deep, 20.0, 100)
    book.record(shallow, 1.0, 100)
    assert book.renders(deep) == Pace(0.2, KEPT_RENDERS)
    assert book.renders(shallow) == Pace(0.01, 1)
    assert "last render of this layer" in book.renders(shallow).basis()
    assert "last 5 renders" in book.renders(deep).basis()
    book.set_probe(("block1_conv1", "fourier", "float32", 128, 0.01), Pace(0.5))
    assert book.probe(("block1_conv1", "fourier", "float32", 128, 0.01)).basis() == (
        "from a probe step timed on this server"
    )
    book.clear()
    assert book.renders(deep) is None


def test_the_book_takes_records_from_many_threads():
    book, kind = PaceBook(kept=1000), ("block1_conv1", "seed", "float32")
    threads = [
        threading.Thread(target=lambda: [book.record(kind, 1.0, 10) for _ in range(100)])
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert book.renders(kind) == Pace(0.1, 400)


def test_a_probe_step_times_the_real_step_per_image_step_at_128_px():
    from core.filters.estimate import probe_pace
    from core.filters.visualizer import Visualizer
    from tests.core.test_features import tiny_vgg

    visualizer = Visualizer(tiny_vgg(), "float32")
    for method in ("seed", "fourier"):
        settings = GridSettings.for_method(method, layer="block1_conv1", size=32)
        pace = probe_pace(visualizer, settings, "float32")
        assert 0 < pace.seconds < 30 and pace.renders == 0
    assert any(key[0] == "fourier" for key in visualizer.pieces())  # compiled once, kept
