"""AppTest of the VGG16 filters page on the untrained network with tiny images."""

from __future__ import annotations

import pytest

pytest.importorskip("keras")
from streamlit.testing.v1 import AppTest  # noqa: E402

from tests.conftest import ROOT  # noqa: E402

TIMEOUT = 240


@pytest.fixture
def app(tmp_path, monkeypatch) -> AppTest:
    # A missing local file: the page must explain it and fall back to the untrained network.
    monkeypatch.setenv("VGG16_WEIGHTS", str(tmp_path / "missing.weights.h5"))
    monkeypatch.setenv("FILTER_GRID_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("FILTER_GRID_DIR", str(tmp_path / "grids"))
    at = AppTest.from_file(str(ROOT / "pages" / "vgg16_filters.py"), default_timeout=TIMEOUT)
    at.run()
    return at


def small(at: AppTest, n: int = 2) -> None:
    at.select_slider(key="size").set_value(32)
    at.number_input(key="steps").set_value(3)
    at.slider(key="grid_n").set_value(n)


def test_missing_weights_file_falls_back_to_untrained(app, tmp_path):
    assert not app.exception
    errors = " ".join(e.value for e in app.error)
    assert "weights file not found" in errors
    assert any("untrained" in w.value for w in app.warning)
    # The default grid (block1_conv1, best 16 of 64) is drawn and written to the disk cache.
    assert app.selectbox(key="tile_block1_conv1_16") is not None
    assert len(app.selectbox(key="tile_block1_conv1_16").options) == 16
    assert list((tmp_path / "cache").glob("block1_conv1_4x4_seed_*.npz"))


def test_widgets_render_explicit_indices_and_show_a_tile(app):
    app.radio(key="weights_choice").set_value("Untrained (random weights)").run()
    assert not app.error
    app.selectbox(key="layer").set_value("block2_conv1")
    small(app)
    app.radio(key="selection").set_value("indices").run()
    app.text_input(key="indices").set_value("0, 5, 9").run()
    app.button(key="render").click().run()
    assert not app.exception
    picker = app.selectbox(key="tile_block2_conv1_3")
    assert [o.split(" (")[0] for o in picker.options] == [
        "filter 0", "filter 5", "filter 9",
    ]  # fmt: skip
    picker.set_value(2).run()
    assert not app.exception
    assert any(b.label == "Download block2_conv1_2x2.png" for b in app.get("download_button"))


@pytest.mark.parametrize(
    "indices, message",
    [("abc", "not a filter index"), ("999", "does not exist"), ("0-9", "do not fit")],
)
def test_bad_indices_give_messages(app, indices, message):
    app.radio(key="weights_choice").set_value("Untrained (random weights)")
    small(app)
    app.radio(key="selection").set_value("indices").run()
    app.text_input(key="indices").set_value(indices).run()
    assert not app.exception
    assert any(message in e.value for e in app.error)


def test_grid_larger_than_candidates_is_refused(app):
    app.number_input(key="candidates").set_value(3).run()
    assert any("Rank at least 16" in e.value for e in app.error)
    assert not app.exception


def test_method_switch_sets_its_defaults_and_tabs_render(app):
    app.radio(key="weights_choice").set_value("Untrained (random weights)")
    small(app, n=1)
    app.number_input(key="candidates").set_value(1).run()
    app.radio(key="method").set_value("fourier").run()
    assert app.number_input(key="steps").value == 96
    assert app.number_input(key="step_size").value == pytest.approx(0.05)
    app.number_input(key="steps").set_value(4).run()
    app.button(key="render_methods").click().run()
    assert not app.exception
    app.button(key="render_trained").click().run()
    assert not app.exception
    app.button(key="render_layers").click().run()
    assert not app.exception
    shown = " ".join(m.value for m in app.markdown)
    assert "block5_conv3" in shown and "edges" in shown
