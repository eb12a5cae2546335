"""AppTest of the filters page's renders: a link never starts one, one render per visitor, a
render nobody waits for is given up, a ceiling on the work, the page usable meanwhile, the
shipped grids for a local copy of their weights, and which network made every picture.

Renders are faked (``ui.filters.jobs.render_grid``): a slow fake takes steps until it is told
to stop (``on_step`` raises) or its gate opens, so each test knows what ran and what stopped.
"""

from __future__ import annotations

import json
import threading
import time

import pytest
from streamlit.testing.v1 import AppTest

import core.filters.model as vgg
from core.filters.settings import default_settings
from core.filters.store import weights_id
from tests.pages.test_vgg16_filters_page import (  # noqa: F401 - renders is a fixture
    PAGE,
    TIMEOUT,
    UNTRAINED,
    fake_render,
    open_page,
    renders,
    shown_filters,
    write_shipped,
)
from ui.filters import environment as filters_environment
from ui.filters import jobs as filters_jobs
from ui.filters import sources as filters_sources
from ui.filters import weights as filters_weights

# The link of issue 20 that held the server for 17 minutes.
ISSUE_LINK = {
    "layer": "block1_conv1",
    "n": "8",
    "M": "512",
    "size": "256",
    "steps": "512",
    "method": "fourier",
    "weights": "untrained",
}
SMALL = {**UNTRAINED, "n": "2"}


def under_way() -> list:
    return getattr(filters_jobs, "under_way", lambda: [])()


def settle(at: AppTest, timeout: float = TIMEOUT) -> AppTest:
    """Rerun the page until no render is under way, as its progress fragment does."""
    deadline = time.monotonic() + timeout
    while True:
        while under_way():
            assert time.monotonic() < deadline, "renders still under way"
            time.sleep(0.05)
        at.run()
        if not under_way() and not at.get("progress"):
            return at


def grid_area(at: AppTest):
    """The column with the Render button and the grid (the comparisons are in tabs below)."""
    return next(c for c in at.columns if any(b.key == "filters_render" for b in c.button))


def texts(at: AppTest) -> list[str]:
    """Every text the page shows: messages, captions, markdown, titles."""
    kinds = ("error", "warning", "info", "success", "caption", "markdown", "title", "subheader")
    return [str(e.value) for kind in kinds for e in at.get(kind)]


class SlowRenders:
    """A fake render that takes a step every 20 ms until ``on_step`` raises or the gate opens."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.started: list[str] = []
        self.stopped: list[str] = []

    def started_by_now(self, count: int = 1, timeout: float = 10.0) -> list[str]:
        """The renders started, once ``count`` have (a render starts on its own thread, a
        moment after the click's run has returned)."""
        deadline = time.monotonic() + timeout
        while len(self.started) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.started

    def __call__(self, model, settings, on_progress=None, on_step=None):
        self.started.append(settings.layer)
        try:
            while not self.gate.wait(0.02):
                if on_step is not None:
                    on_step()
        except BaseException:
            self.stopped.append(settings.layer)
            raise
        return fake_render(model, settings, on_progress)


@pytest.fixture
def faked(request) -> list:
    """The renders the page asked for (faked), with empty caches and no shipped grids."""
    return request.getfixturevalue("renders")


@pytest.fixture
def slow(faked, monkeypatch) -> SlowRenders:
    fake = SlowRenders()
    monkeypatch.setattr(filters_jobs, "render_grid", fake)
    yield fake
    fake.gate.set()
    filters_sources.clear()


def slot_free_within(seconds: float) -> float | None:
    """Seconds until the render slot could be taken (None if not within ``seconds``)."""
    start = time.monotonic()
    if filters_jobs.HEAVY_WORK.acquire(timeout=seconds):
        filters_jobs.HEAVY_WORK.release()
        return time.monotonic() - start
    return None


def test_the_issue_link_starts_nothing_and_names_the_ceiling(faked):
    at = open_page(ISSUE_LINK)
    time.sleep(0.5)  # a render started in the background would have called the fake by now
    assert not at.exception and faked == []
    said = " ".join(w.value for w in at.warning)
    assert "131,072 image-steps" in said and "at most 6,000" in said, said
    assert "fewer steps" in said and "smaller image size" in said
    assert at.button(key="filters_render").disabled


def test_a_link_shows_what_to_press_and_renders_only_when_pressed(faked):
    at = open_page(SMALL)
    time.sleep(0.5)
    assert not at.exception and faked == []
    assert shown_filters(at) == []
    assert any("**Render grid**" in t for t in texts(at))
    at.button(key="filters_render").click().run()
    settle(at)
    assert len(faked) == 1 and len(shown_filters(grid_area(at))[0]) == 4


def test_the_page_stays_usable_while_a_grid_renders(slow):
    at = open_page(SMALL)
    started = time.monotonic()
    at.button(key="filters_render").click().run(timeout=20)  # never waits for the render
    assert time.monotonic() - started < 20 and slow.started_by_now() == ["block1_conv1"]
    assert not at.exception
    bars = [p for p in at.get("progress") if "block1_conv1" in str(p.proto.text)]
    assert bars, "no progress where the grid will be"
    # The tabs below are drawn meanwhile.
    assert at.button(key="filters_layers_button") and at.button(key="filters_methods_button")
    assert at.toggle(key="filters_pic_on")
    slow.gate.set()
    settle(at)
    assert len(shown_filters(grid_area(at))[0]) == 4


def test_a_render_nobody_waits_for_is_given_up_and_frees_the_slot(slow, monkeypatch):
    monkeypatch.setattr(filters_environment, "HEARTBEAT_S", 0.5)
    at = open_page(SMALL)
    at.button(key="filters_render").click().run(timeout=20)  # then the tab closes: no reruns
    assert slow.started_by_now() == ["block1_conv1"]
    freed = slot_free_within(10.0)
    assert freed is not None, "the render kept the slot with nobody waiting"
    assert slow.stopped == ["block1_conv1"]
    print(f"\nslot free {freed:.2f} s after the page stopped asking (heartbeat 0.5 s)")


def test_a_new_request_of_the_same_session_replaces_its_first(slow):
    at = open_page(SMALL)
    at.button(key="filters_render").click().run(timeout=20)
    at.selectbox(key="layer").set_value("block2_conv1").run(timeout=20)
    at.button(key="filters_render").click().run(timeout=20)
    deadline = time.monotonic() + 30  # the worker threads are slow on a busy machine
    while (slow.stopped != ["block1_conv1"] or len(slow.started) < 2) and (
        time.monotonic() < deadline
    ):
        time.sleep(0.05)
    assert slow.started == ["block1_conv1", "block2_conv1"]
    assert slow.stopped == ["block1_conv1"], "the first render still runs"
    assert [job.settings.layer for job in under_way()] == ["block2_conv1"]
    slow.gate.set()
    settle(at)
    assert "block2_conv1 · untrained" in " ".join(m.value for m in grid_area(at).markdown)


def test_sessions_asking_for_the_same_grid_share_one_render(slow):
    first = open_page(SMALL)
    first.button(key="filters_render").click().run(timeout=20)
    second = open_page(SMALL)  # a second student, or a reload: joins, starts nothing
    assert slow.started_by_now() == ["block1_conv1"]
    assert any("block1_conv1" in str(p.proto.text) for p in second.get("progress"))
    slow.gate.set()
    settle(second)
    assert slow.started == ["block1_conv1"] and len(shown_filters(grid_area(second))[0]) == 4


def test_after_a_layer_change_no_other_layers_grid_is_shown(faked):
    at = open_page(SMALL)
    at.button(key="filters_render").click().run()
    settle(at)
    assert len(shown_filters(grid_area(at))[0]) == 4
    at.selectbox(key="layer").set_value("block2_conv1").run()
    area = grid_area(at)
    assert shown_filters(area) == [], "the block1_conv1 grid is still shown"
    assert not [m.value for m in area.markdown if "block1_conv1 ·" in m.value]
    hint = " ".join(m.value for m in area.markdown)
    assert "The controls changed: press **Render grid**" in hint and "block2_conv1" in hint


def shipped_file(tmp_path) -> tuple[str, str]:
    """A weights file (an untrained VGG16's, saved) and the hash of its values."""
    model = vgg.untrained_vgg16(3)
    path = tmp_path / "copy.weights.h5"
    model.save_weights(path)
    return str(path), weights_id(model)


@pytest.mark.slow
@pytest.mark.parametrize("same", [True, False], ids=["same weights", "other weights"])
def test_a_local_copy_of_the_shipped_weights_serves_the_shipped_grids(
    faked, tmp_path, monkeypatch, same
):
    path, wid = shipped_file(tmp_path)
    grid = write_shipped(tmp_path / "shipped", default_settings("block1_conv1"))
    json_path = tmp_path / "shipped" / "block1_conv1_seed.json"
    meta = json.loads(json_path.read_text())
    meta["rendering"]["weights_id"] = wid if same else "0" * 24
    json_path.write_text(json.dumps(meta))
    monkeypatch.setenv(vgg.WEIGHTS_ENV, path)
    filters_weights.clear_loaded()
    at = open_page()
    assert not at.exception and at.radio(key="filters_weights").value == "local"
    time.sleep(0.5)
    assert faked == []
    area = grid_area(at)
    if same:
        assert shown_filters(area) == [grid.filter_indices.tolist()]
        assert any("shipped with the app" in c.value for c in area.caption)
        assert any("copy.weights.h5 holds the same weight values" in c.value for c in area.caption)
    else:
        assert shown_filters(area) == []
        assert any("Press **Render grid**" in m.value for m in area.markdown)


OFFLINE = (
    "could not download the ImageNet weights for VGG16 (<urlopen error [Errno -2] Name or "
    "service not known> https://storage.googleapis.com/tensorflow/keras-applications/vgg16/"
    "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5)"
)


@pytest.fixture
def offline(faked, monkeypatch):
    real = vgg.load_vgg16

    def load(weights, seed=0):
        if weights == "imagenet":
            raise vgg.WeightsDownloadError(OFFLINE)
        return real(weights, seed)

    monkeypatch.setattr(vgg, "load_vgg16", load)
    filters_weights.clear_loaded()


def test_offline_the_error_is_a_plain_sentence_and_the_grid_names_the_untrained_network(offline):
    at = open_page({"n": "2"})
    at.button(key="filters_render").click().run()
    settle(at)
    said = texts(at)
    assert not [t for t in said if "http" in t or "Errno" in t], "a raw error is shown"
    errors = " ".join(e.value for e in at.error)
    assert "no internet connection" in errors and "ImageNet weights" in errors
    assert any("Three ways forward" in i.value for i in at.info)
    area = grid_area(at)
    assert len(shown_filters(area)[0]) == 4
    assert "block1_conv1 · untrained (random weights)" in " ".join(m.value for m in area.markdown)
    assert any("Network: untrained" in c.value for c in area.caption)
    # Nothing on the page says ImageNet made these pictures.
    assert not [t for t in said if "with the ImageNet weights" in t and "Pre-rendered" not in t]
    assert any("Untrained network" in c.value for c in at.caption)


@pytest.mark.slow
def test_offline_the_picture_tab_says_it_uses_the_untrained_network(offline):
    at = open_page({"n": "1"})
    at.toggle(key="filters_pic_on").set_value(True).run()
    assert not at.exception
    tab = at.tabs[3]
    warned = " ".join(w.value for w in tab.warning)
    assert "untrained" in warned and "ImageNet" in warned, warned
    titles = " ".join(m.value for m in tab.markdown)
    assert "block1_conv1 · untrained (random weights): the 1 most active" in titles


def test_the_compare_layers_grids_sit_side_by_side(faked):
    at = open_page({**UNTRAINED, "n": "2", "M": "20"})
    at.button(key="filters_layers_button").click().run()
    settle(at)
    tab = at.tabs[1]
    assert [len(f) for f in shown_filters(tab)] == [4] * 5
    row = [c for c in tab.columns if len(shown_filters(c)) == 1]
    assert len(row) == 5, "the five grids are not in five columns of one row"


def test_a_queued_render_nobody_waits_for_never_starts(slow, monkeypatch):
    with filters_jobs.one_at_a_time():  # someone else's render holds the slot
        at = open_page(SMALL)
        at.button(key="filters_render").click().run(timeout=20)
        [job] = filters_jobs.under_way()
        assert job.queued
        # The page has gone silent; a short heartbeat from now on, not during the click's run
        # (on a busy machine that run alone can outlast it: found in a run with 4 workers).
        monkeypatch.setattr(filters_environment, "HEARTBEAT_S", 0.5)
        assert job.done.wait(10), "the queued render still waits for the slot"
    assert slow.started == [] and job.stopped == "nobody was watching it any more"


def test_a_wait_for_the_slot_ends_when_waiting_raises():
    with filters_jobs.one_at_a_time():

        def gone():
            raise filters_jobs.GivenUpError

        with pytest.raises(filters_jobs.GivenUpError), filters_jobs.one_at_a_time(gone):
            pytest.fail("the slot was taken twice")
    assert slot_free_within(0.1) is not None


def test_offline_a_comparison_never_sets_an_untrained_grid_beside_an_imagenet_one(
    offline, faked, tmp_path
):
    write_shipped(tmp_path / "shipped", default_settings("block1_conv2"))  # no Fourier grid
    at = open_page({"layer": "block1_conv2"})
    at.button(key="filters_methods_button").click().run()
    settle(at)
    methods = at.tabs[0]
    assert len(shown_filters(methods)) == 1  # the shipped ImageNet grid, alone
    said = " ".join(i.value for i in methods.info)
    assert "untrained (random weights) network, not from ImageNet" in said, said
    at.button(key="filters_trained_button").click().run()
    settle(at)
    assert not shown_filters(at.tabs[2])
    assert any("did not load" in i.value for i in at.tabs[2].info)
    assert faked == []
