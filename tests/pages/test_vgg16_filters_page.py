"""AppTest of the VGG16 filters page: what it draws, from links, shipped grids and renders.

Most tests replace ``ui.filters.jobs.render_grid`` by a fast fake with known answers (which
filters respond, how strongly), so they can check *which* filters each grid shows; one test
renders for real with the untrained network and tiny images.
"""

from __future__ import annotations

import json
import re
import threading
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from streamlit.testing.v1 import AppTest

import core.filters.model as vgg
import core.filters.shipped as shipped
from core.filters.ascent import Progress
from core.filters.estimate import Pace
from core.filters.grid import FilterGrid, stitch
from core.filters.model import CONV_LAYERS, DOCUMENT_LAYERS
from core.filters.settings import GridSettings, default_settings
from tests.conftest import ROOT
from tests.support.pages import address
from ui.filters import jobs as filters_jobs
from ui.filters import sources as filters_sources
from ui.filters import weights as filters_weights
from ui.filters.controls import link_params

TIMEOUT = 240
PAGE = str(ROOT / "pages" / "vgg16_filters.py")


def responds(layer: str, f: int) -> bool:
    """The fake network: in block5_conv3 only every fifth filter fires (13 of the first 64)."""
    return f % 5 == 0 if layer == "block5_conv3" else True


def strength(f: int) -> float:
    return 0.5 + ((f * 37) % 101) / 10


def fake_render(model, settings: GridSettings, on_progress=None, on_step=None) -> FilterGrid:
    """What render_grid returns, with the fake network's answers and no TensorFlow."""
    chosen = settings.filter_indices(CONV_LAYERS[settings.layer])
    if chosen is None:
        alive = [f for f in range(settings.candidates) if responds(settings.layer, f)]
        chosen = sorted(alive, key=lambda f: -strength(f))[: settings.n**2]
    side = settings.size
    tiles = np.zeros((len(chosen), side, side, 3), np.uint8)
    tiles[:] = (np.array(chosen, np.int64) * 3 % 256).astype(np.uint8)[:, None, None, None]
    losses = np.array([strength(f) for f in chosen], np.float32)
    history = losses[:, None] * np.linspace(0.2, 1.0, settings.steps)[None, :]
    if on_progress is not None:
        on_progress(Progress(len(chosen) * settings.steps, len(chosen) * settings.steps, "ascent"))
    return FilterGrid(
        image=stitch(tiles, settings.n, settings.margin),
        filter_indices=np.array(chosen, np.int64),
        losses=losses,
        tiles=tiles,
        loss_history=history.astype(np.float32),
        layer=settings.layer,
        n=settings.n,
        image_steps=len(chosen) * settings.steps,
        candidates=settings.candidates,
        settings={"layer": settings.layer, "candidates": settings.candidates},
    )


@pytest.fixture
def renders(tmp_path, monkeypatch) -> list[GridSettings]:
    """Every render the page asks for (faked), with empty caches and no shipped grids."""
    for name in (vgg.WEIGHTS_ENV, vgg.WEIGHTS_DIR_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FILTER_GRID_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("FILTER_GRID_DIR", str(tmp_path / "grids"))
    monkeypatch.setattr(shipped, "SHIPPED_DIR", tmp_path / "shipped")
    filters_sources.clear()
    calls: list[GridSettings] = []

    def recording(model, settings, on_progress=None, on_step=None):
        calls.append(settings)
        return fake_render(model, settings, on_progress)

    monkeypatch.setattr(filters_jobs, "render_grid", recording)
    # The estimate's probe step is TensorFlow's: these tests fake renders, so fake it too.
    monkeypatch.setattr(filters_jobs, "probe_pace", lambda *args: Pace(0.01))
    return calls


def open_page(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.query_params.update(query or {})
    return at.run()


def settle(at: AppTest, timeout: float = TIMEOUT) -> AppTest:
    """Rerun the page until no render is under way, as its progress fragment does each second
    (a comparison starts its next grid when the one before it is done)."""
    deadline = time.monotonic() + timeout
    while True:
        while filters_jobs.under_way():
            assert time.monotonic() < deadline, "renders still under way"
            time.sleep(0.05)
        at.run()
        if not filters_jobs.under_way() and not at.get("progress"):
            return at


def press(at: AppTest, key: str = "filters_render") -> AppTest:
    """Press a button and wait for what it started."""
    at.button(key=key).click().run()
    return settle(at)


def grid_area(at: AppTest):
    """The column with the Render button and the grid (the comparisons are in tabs below)."""
    return next(c for c in at.columns if any(b.key == "filters_render" for b in c.button))


def shown_filters(element) -> list[list[int]]:
    """The filter numbers each grid's caption lists, grid by grid."""
    return [
        [int(i) for i in re.findall(r"#(\d+)", c.value)]
        for c in element.caption
        if c.value.startswith("Filters shown")
    ]


def picker(at: AppTest):
    return next(s for s in at.selectbox if s.key.startswith("filters_tile_"))


def no_problems(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


UNTRAINED = {"weights": "untrained"}


def test_render_grid_draws_the_grid_for_real(tmp_path, monkeypatch):
    monkeypatch.setenv("FILTER_GRID_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("FILTER_GRID_DIR", str(tmp_path / "grids"))
    monkeypatch.delenv(vgg.WEIGHTS_ENV, raising=False)
    filters_sources.clear()
    at = open_page({**UNTRAINED, "n": "2", "M": "6", "steps": "2", "size": "32"})
    press(at)
    no_problems(at)
    [filters] = shown_filters(at)
    assert len(filters) == 4 and set(filters) <= set(range(6))
    labels = [o.split(" (")[0] for o in picker(at).options]
    assert labels == [f"filter {f}" for f in filters]
    assert any(b.label == "Download block1_conv1_2x2.png" for b in at.get("download_button"))
    assert list((tmp_path / "cache").glob("block1_conv1_2x2_seed_*.npz"))


def write_shipped(folder, settings: GridSettings) -> FilterGrid:
    grid = fake_render(None, settings)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{settings.layer}_{settings.method}"
    Image.fromarray(grid.image).save(folder / f"{name}.png")
    meta = shipped.grid_metadata(grid, settings, {"compute": "float32", "seconds": 93})
    (folder / f"{name}.json").write_text(json.dumps(meta))
    return grid


def test_shipped_imagenet_grids_show_before_any_model_is_loaded(renders, tmp_path, monkeypatch):
    first = write_shipped(tmp_path / "shipped", default_settings("block1_conv1"))
    write_shipped(tmp_path / "shipped", default_settings("block3_conv3"))
    fourier = default_settings("block1_conv1", "fourier", tuple(first.filter_indices))
    write_shipped(tmp_path / "shipped", fourier)
    loads = []
    monkeypatch.setattr(vgg, "load_vgg16", lambda *a, **k: loads.append(a) or 1 / 0)
    filters_weights.clear_loaded()

    at = open_page()  # ImageNet is the default choice
    no_problems(at)
    assert shown_filters(grid_area(at)) == [first.filter_indices.tolist()]
    assert any("Pre-rendered with the ImageNet weights" in c.value for c in at.caption)
    methods = shown_filters(at.tabs[0])  # instant too: both grids ship
    assert methods == [first.filter_indices.tolist()] * 2

    at.selectbox(key="layer").set_value("block3_conv3").run()  # no Render press
    no_problems(at)
    assert len(shown_filters(grid_area(at))[0]) == 16
    assert at.button(key="filters_methods_button")  # no Fourier grid ships for it: asks first
    assert address(at, link_params("imagenet")) == {"layer": "block3_conv3"}
    assert loads == [] and renders == []


def test_imagenet_offline_explains_the_ways_forward_and_still_draws(renders, monkeypatch):
    def offline(weights, seed=0):
        if weights == "imagenet":
            raise vgg.WeightsDownloadError("could not download the ImageNet weights for VGG16")
        return real(weights, seed)

    real = vgg.load_vgg16
    monkeypatch.setattr(vgg, "load_vgg16", offline)
    filters_weights.clear_loaded()
    at = press(open_page({"n": "2"}))  # not shipped: a render is needed
    assert not at.exception
    assert any("could not download the ImageNet weights" in e.value for e in at.error)
    assert any("Three ways forward" in i.value for i in at.info)
    assert any("untrained" in w.value for w in at.warning)
    assert len(shown_filters(grid_area(at))[0]) == 4 and len(renders) == 1


def test_compare_layers_caps_the_pages_m_per_layer_so_no_tile_is_black(renders):
    at = open_page(UNTRAINED)  # block1_conv1: 64 filters, M stays 200
    press(at, "filters_layers_button")
    no_problems(at)
    asked = {s.layer: s.candidates for s in renders if s.layer in DOCUMENT_LAYERS}
    assert asked == {layer: min(200, CONV_LAYERS[layer]) for layer in DOCUMENT_LAYERS}
    assert [len(f) for f in shown_filters(at.tabs[1])] == [16] * 5
    assert not [w for w in at.warning if "black" in w.value]


def test_comparisons_show_the_same_filters_in_the_same_order(renders, monkeypatch, request):
    real = vgg.load_vgg16  # ImageNet's stand-in (no download here): another seed's weights
    monkeypatch.setattr(
        vgg, "load_vgg16", lambda w, seed=0: real(None, 1) if w == "imagenet" else real(w, seed)
    )
    filters_weights.clear_loaded()
    request.addfinalizer(filters_weights.clear_loaded)  # the stand-in never outlives the test
    at = open_page({"weights": "imagenet"})
    press(at, "filters_methods_button")
    press(at, "filters_trained_button")
    assert not at.exception
    for tab in (at.tabs[0], at.tabs[2]):
        first, second = shown_filters(tab)
        assert first == second and len(first) == 16
    assert renders[-1].selection == "indices"


def test_a_tile_choice_never_outlives_its_grid(renders):
    at = press(open_page(UNTRAINED))
    picker(at).set_value(3).run()
    first_key = picker(at).key
    at.number_input(key="steps").set_value(5).run()
    press(at)
    no_problems(at)
    assert picker(at).key != first_key and picker(at).value == 0
    filters = shown_filters(grid_area(at))[0]
    assert picker(at).options[0].startswith(f"filter {filters[0]} ")
    big = next(c for c in at.get("plotly_chart") if "filters_tile_big" in c.proto.id)
    assert f"filter {filters[0]}" in json.loads(big.proto.spec)["layout"]["title"]["text"]


def test_a_damaged_cached_grid_is_rendered_again(renders, tmp_path):
    press(open_page(UNTRAINED))
    [cached] = list((tmp_path / "cache").glob("*.npz"))
    cached.write_bytes(cached.read_bytes()[:100])  # half-copied
    filters_sources.clear()
    at = open_page(UNTRAINED)
    assert not shown_filters(at)  # nothing readable is stored: the button renders it again
    press(at)
    no_problems(at)
    assert len(renders) == 2 and len(shown_filters(grid_area(at))[0]) == 16


def test_deep_link_sets_the_controls(renders):
    at = open_page({**UNTRAINED, "layer": "block3_conv3", "n": "3", "method": "fourier"})
    no_problems(at)
    assert at.selectbox(key="layer").value == "block3_conv3"
    assert at.slider(key="n").value == 3
    assert at.number_input(key="steps").value == 96
    assert len(shown_filters(grid_area(press(at)))[0]) == 9
    assert address(at, link_params("imagenet")) == {
        "layer": "block3_conv3",
        "n": "3",
        "method": "fourier",
        "steps": "96",
        "step": "0.05",
        "weights": "untrained",
    }


def test_bad_link_values_are_named_and_the_page_still_works(renders):
    at = open_page({"layer": "block9_conv9", "n": "99", "size": "7", "weights": "/etc/passwd"})
    assert not at.exception
    said = " ".join(w.value for w in at.warning)
    for named in ("`layer=block9_conv9`", "`n=99`", "`size=7`", "`weights=/etc/passwd`"):
        assert named in said
    assert at.selectbox(key="layer").value == "block1_conv1"


def test_server_paths_are_never_shown_and_only_offered_files_load(renders, tmp_path, monkeypatch):
    folder = tmp_path / "secret_server_folder"
    folder.mkdir()
    for name in ("a.weights.h5", "b.h5"):
        (folder / name).write_bytes(b"not really weights")
    monkeypatch.setenv(vgg.WEIGHTS_DIR_ENV, str(folder))
    monkeypatch.setenv(vgg.WEIGHTS_ENV, str(folder / "b.h5"))
    filters_weights.clear_loaded()
    at = open_page()
    assert not at.exception
    assert at.radio(key="filters_weights").value == "local"
    box = at.sidebar.selectbox(key="filters_weights_file")
    assert box.options == ["b.h5", "a.weights.h5"] and box.value == "b.h5"
    assert not at.text_input  # nowhere to type a path
    everything = " ".join(str(e.value) for e in [*at.markdown, *at.caption, *at.error])
    assert "secret_server_folder" not in everything
    assert any("b.h5 is not a readable HDF5" in e.value for e in at.error)


@pytest.mark.slow
def test_a_reload_joins_the_render_under_way(renders, monkeypatch):
    gate = threading.Event()
    slow_calls: list[GridSettings] = []

    def slow(model, settings, on_progress=None, on_step=None):
        slow_calls.append(settings)
        gate.wait(60)
        return fake_render(model, settings, on_progress)

    monkeypatch.setattr(filters_jobs, "render_grid", slow)
    query = {**UNTRAINED, "layer": "block2_conv2", "n": "2"}
    closed = open_page(query)
    closed.button(key="filters_render").click().run()  # then the tab closes mid-render
    threading.Timer(2.0, gate.set).start()
    at = open_page(query)  # the reload: same settings, from the URL
    settle(at)
    no_problems(at)
    assert len(slow_calls) == 1 and len(shown_filters(grid_area(at))[0]) == 4


QUERY_NAMES = [p.name for p in link_params("imagenet")] + ["x"]


@pytest.mark.slow
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.dictionaries(st.sampled_from(QUERY_NAMES), st.text(max_size=12), max_size=4))
def test_any_query_string_gives_a_page_or_a_clear_message(renders, query):
    at = open_page({"weights": "untrained", **query})
    assert not at.exception, (query, [e.value for e in at.exception])
    assert at.title[0].value.startswith("VGG16 filters")
    # A message, or what the Render button would draw (the link's values, or the defaults
    # for those it named): a link never starts a render.
    hint = [m.value for m in grid_area(at).markdown if "**Render grid**" in m.value]
    assert hint or at.error or at.warning, query
    assert renders == [], query
    for problem in (w.value for w in at.warning if "could not be used" in w.value):
        named = re.findall(r"`(\w+)=", problem)
        assert named and set(named) <= set(query), problem


@pytest.mark.parametrize(
    "query, message",
    [
        ({"select": "indices", "filters": "100"}, "Filter 100 does not exist"),  # block1_conv1: 64
        ({"select": "indices", "filters": "0-20"}, "21 indices do not fit a 4x4 grid"),
        ({"M": "3"}, "Rank between 16 and 64 candidates"),
    ],
)
def test_settings_that_cannot_make_a_grid_say_why(renders, query, message):
    at = open_page({**UNTRAINED, **query})
    assert not at.exception
    assert any(message in e.value for e in at.error), [e.value for e in at.error]
    assert renders == [] and not shown_filters(grid_area(at))


def test_typed_indices_that_are_not_numbers_say_why(renders):
    at = open_page({**UNTRAINED, "select": "indices", "n": "2"})
    at.text_input(key="filters").set_value("abc").run()
    assert not at.exception
    assert any("'abc' is not a filter index" in e.value for e in at.error)
    assert renders == []  # a link renders nothing, and nothing for "abc"
