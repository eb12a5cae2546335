"""The projector view in every page's link: ``view=projector``, absent at the default.

The switch lives in the entry point's sidebar, so it keeps its state from page to page; the
link says it on every page (Streamlit drops a page's parameters when it leaves it, so each run
writes it back), and a reload (a new session) opens the projector view again.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from ui.app import VIEW_KEY
from ui.link import VIEW, query_of, read_params

ENTRY = str(ROOT / "streamlit_app.py")
TIMEOUT = 240
# Each page with a link that is quick to open: a short run, the untrained VGG16.
PAGES = {
    "pages/train_mlp.py": {"iterations": "300"},
    "pages/text_over_colour.py": {"bg": "ffd700"},
    "pages/vgg16_filters.py": {"weights": "untrained"},
}


@pytest.fixture(autouse=True)
def throwaway_caches(tmp_path, monkeypatch):
    for name, folder in (("FILTER_GRID_CACHE", "grids"), ("FILTER_GRID_DIR", "prerendered")):
        monkeypatch.setenv(name, str(tmp_path / folder))
    monkeypatch.setenv("CLASSROOM_DATA_DIR", str(tmp_path / "classroom"))
    monkeypatch.delenv("VGG16_WEIGHTS", raising=False)


@pytest.mark.parametrize(
    "raw, value, notes",
    [
        ({}, None, []),
        ({"view": "projector"}, "projector", []),
        ({"view": " projector "}, "projector", []),
        ({"view": "big"}, None, ["`view=big` should be one of projector; ignored"]),
    ],
)
def test_the_codec_reads_the_view(raw, value, notes):
    values, found = read_params(raw, [VIEW])
    assert values == {"view": value} and [n.text for n in found] == notes
    assert query_of(values, [VIEW]) == ({"view": "projector"} if value else {})


def opened(page: str, query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(ENTRY, default_timeout=TIMEOUT)
    at.switch_page(page)
    at.query_params.update(query)
    return at.run()


def switch(at: AppTest) -> bool:
    return at.toggle(key=VIEW_KEY).value


@pytest.mark.parametrize("page", list(PAGES), ids=lambda p: p.split("/")[1][:-3])
def test_view_projector_round_trips_through_each_pages_link(page):
    at = opened(page, {**PAGES[page], "view": "projector"})
    assert not at.exception and switch(at)
    assert at.query_params["view"] == ["projector"] or at.query_params["view"] == "projector"
    for key, value in PAGES[page].items():  # the page's own values stay beside it
        assert key in at.query_params, (key, value)

    at.toggle(key=VIEW_KEY).set_value(False).run()
    assert not at.exception and not switch(at) and "view" not in at.query_params

    at.toggle(key=VIEW_KEY).set_value(True).run()
    assert switch(at) and "view" in at.query_params

    # Another page: Streamlit starts it with no parameters; the view comes back into its link.
    other = "pages/vgg16_filters.py" if page == "pages/train_mlp.py" else "pages/train_mlp.py"
    at.query_params.clear()
    at.switch_page(other).run()
    assert not at.exception and switch(at)
    assert dict(at.query_params).get("view") in ("projector", ["projector"])

    # A reload is a new session that reads the link.
    again = opened(page, {**PAGES[page], "view": "projector"})
    assert switch(again)
    default = opened(page, PAGES[page])
    assert not switch(default) and "view" not in default.query_params


def test_a_view_it_cannot_use_is_named_and_the_default_view_shown():
    at = opened("pages/text_over_colour.py", {"view": "huge"})
    assert not at.exception and not switch(at)
    warnings = [w.value for w in at.sidebar.warning]
    assert any("`view=huge` should be one of projector; ignored" in w for w in warnings)
    assert "view" not in at.query_params
