"""AppTest of "Text over a colour": every widget touched, values checked, no traceback."""

import io

import numpy as np
import pytest
from PIL import Image
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from core.colour.contrast import contrast_ratio
from core.colour.labels import Label, labels_from_csv, teach_colour
from core.colour.preview import HEIGHT, PANEL_WIDTH
from core.mlp import train
from core.mlp.data import training_set
from ui.common import TRAINED_KEY, TrainingSettings

PAGE = "../../pages/text_over_colour.py"


@pytest.fixture
def downloads(monkeypatch):
    """Capture what download buttons hand to Streamlit's media storage, by file name."""
    captured = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def capture(self, path_or_data, mimetype, kind, filename=None):
        captured[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", capture)
    return captured


def run_page() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.run()
    assert not at.exception
    return at


def texts(at: AppTest) -> str:
    kinds = ("markdown", "subheader", "info", "success", "warning", "error")
    return "\n".join(str(e.value) for kind in kinds for e in getattr(at, kind))


def test_default_page_shows_both_texts_ratios_and_the_verdict(downloads):
    at = run_page()
    shown = texts(at)
    assert "the document's default run" in at.info[0].value
    assert "Contrast 3.91 : 1" in shown and "Contrast 5.37 : 1" in shown  # #3366cc, as published
    assert ":red-badge[:material/close: Normal text: fail]" in shown
    assert ":green-badge[:material/check: Large text: AAA]" in shown
    assert "Network's pick**, P(white)" in shown
    assert "agrees" in at.success[0].value and "white text (5.37 : 1)" in at.success[0].value
    assert at.metric[0].label == "Agreement with WCAG over 1,000 random colours"
    assert at.metric[0].value.endswith("%")
    assert len(at.get("plotly_chart")) == 2

    png = Image.open(io.BytesIO(downloads["text-over-3366cc.png"])).convert("RGB")
    assert png.size == (2 * PANEL_WIDTH, HEIGHT)
    assert png.getpixel((2, 2)) == (51, 102, 204)
    pixels = np.asarray(png)
    assert np.all(pixels[:, :PANEL_WIDTH] == 0, axis=-1).sum() > 2000  # black text on the left
    assert np.all(pixels[:, PANEL_WIDTH:] == 255, axis=-1).sum() > 2000  # white on the right
    palette_csv = downloads["palette-seed-0.csv"].decode()
    assert palette_csv.startswith("group,name,colour,P(white),network,WCAG,agree")
    assert len(palette_csv.strip().splitlines()) == 1 + 10 + 10 + 20


@pytest.mark.parametrize(
    "typed, hex_colour",
    [("#abc", "#aabbcc"), ("#AABBCC", "#aabbcc"), ("rgb(255, 255, 0)", "#ffff00"),
     ("navy", "#000080"), ("  black ", "#000000")],
)  # fmt: skip
def test_typed_colours_in_every_form(typed, hex_colour):
    at = run_page()
    at.text_input(key="colour_typed").input(typed).run()
    assert not at.exception and not at.error
    assert at.session_state.colour_background == hex_colour
    assert at.color_picker(key="colour_picker").value == hex_colour
    assert f"Contrast {contrast_ratio(hex_colour, 'black'):.2f} : 1" in texts(at)


def test_bad_typed_colour_keeps_the_last_good_one_and_the_labels():
    at = run_page()
    at.color_picker(key="colour_picker").pick("#000000").run()
    at.button(key="colour_teach_white").click().run()
    at.text_input(key="colour_typed").input("banana").run()
    assert not at.exception
    assert "'banana' is not a colour" in at.error[0].value
    assert "Still showing #000000" in at.error[0].value
    assert "Contrast 21.00 : 1" in texts(at)
    assert len(at.session_state.colour_labels) == 1
    at.text_input(key="colour_typed").input("").run()
    assert "no colour given" in at.error[0].value
    at.button(key="colour_random").click().run()
    assert not at.error and at.session_state.colour_background != "#000000"


def test_picker_drives_the_preview_and_the_typed_box():
    at = run_page()
    at.color_picker(key="colour_picker").pick("#ffff00").run()
    assert at.text_input(key="colour_typed").value == "#ffff00"
    assert "Contrast 1.07 : 1" in texts(at) and "Contrast 19.56 : 1" in texts(at)


def test_palette_controls():
    at = run_page()
    at.slider(key="colour_n_random").set_value(5).run()
    at.number_input(key="colour_palette_seed").set_value(7).run()
    assert not at.exception
    assert "5 random colours (seed 7)" in texts(at)


def test_teach_loop_collects_labels_retrains_and_shows_the_change(downloads):
    at = run_page()
    seed = at.session_state.colour_teach_seed
    at.button(key="colour_teach_white").click().run()
    at.button(key="colour_teach_skip").click().run()
    at.button(key="colour_teach_black").click().run()
    at.button(key="colour_undo").click().run()
    at.button(key="colour_teach_black").click().run()
    expected = [teach_colour(seed, 0), teach_colour(seed, 3)]
    labels = at.session_state.colour_labels
    assert [label.text for label in labels] == ["white", "black"]
    assert [label.colour for label in labels] == [f"#{r:02x}{g:02x}{b:02x}" for r, g, b in expected]
    assert "Your labels: 2" in texts(at)
    assert labels_from_csv(downloads["colour-labels.csv"]) == labels

    at.checkbox(key="colour_include_document").uncheck().run()
    at.button(key="colour_retrain").click().run()
    assert not at.exception
    assert at.radio(key="colour_network_choice").value == "retrained"
    assert "retrained on your 2 labels" in at.info[0].value
    metrics = {m.label: m for m in at.metric}
    assert metrics["Your labels the network matches"].value == "2 of 2"
    assert "Agreement with WCAG" in metrics
    assert len(at.get("plotly_chart")) == 3
    at.radio(key="colour_network_choice").set_value("base").run()
    assert "the document's default run" in at.info[0].value


def test_uploads_merge_and_bad_ones_lose_nothing():
    at = run_page()
    at.button(key="colour_teach_white").click().run()
    first = at.session_state.colour_labels[0]
    good = b"colour,text\n#000080,white\n#ffff00,black\n"
    at.file_uploader[0].upload("class.csv", good, "text/csv")
    at.run()
    assert not at.exception
    assert at.session_state.colour_labels == [first, Label("#000080", "white"),
                                           Label("#ffff00", "black")]  # fmt: skip
    assert "added 2 labels" in at.success[-1].value
    for name, data, message in [
        ("bad.csv", b"colour,text\n#000080,purple\n", "line 2: text must be 'black' or 'white'"),
        ("empty.csv", b"", "the file is empty"),
        ("image.csv", b"\x89PNG\r\n\x1a\n\x00", "not UTF-8"),
    ]:
        at.file_uploader[0].upload(name, data, "text/csv")
        at.run()
        assert not at.exception
        assert message in at.error[-1].value and name in at.error[-1].value
        assert len(at.session_state.colour_labels) == 3
    at.file_uploader[0].upload("again.csv", good, "text/csv")
    at.run()
    assert "added 0 labels, skipped 2 already here" in at.success[-1].value


def test_uses_the_network_trained_on_the_train_page():
    X, y = training_set()
    settings = TrainingSettings(iterations=300, learning_rate=1.0)
    result = train(X, y, settings.layers, settings.learning_rate, settings.iterations)
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.session_state[TRAINED_KEY] = {"result": result, "settings": settings}
    at.run()
    assert not at.exception
    assert 'the network you trained on "Train the MLP"' in at.info[0].value
    assert "300 iterations" in at.info[0].value
    p = float(result.network().forward(np.array([[51, 102, 204]]) / 255)[0, 0])
    assert f"P(white) = {p:.2f}" in texts(at)
