"""AppTest of the picture tab: its controls on a tiny VGG16-shaped network, then the real page."""

from __future__ import annotations

import base64
import io
import json

import keras
import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from core.filters.photos import read_picture
from tests.conftest import ROOT
from tests.core.test_features_photos import animated_gif, jpeg_rotated, truncated_jpeg

TIMEOUT = 240
SCRIPT = """
import streamlit as st
from core.filters.visualizer import Visualizer
from tests.core.test_features import tiny_vgg
from ui.filters.pictures import pictures_tab

model = st.cache_resource(lambda: Visualizer(tiny_vgg(), "float32"))()
layer = st.selectbox("Layer", ["block1_conv1", "block3_conv3", "block5_conv3"], key="test_layer")
n = st.slider("Grid", 1, 2, 2, key="test_n")
pictures_tab(model, "tiny", "tiny network", layer, n)
"""


@pytest.fixture
def app(tmp_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("FILTER_GRID_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("FILTER_GRID_DIR", str(tmp_path / "grids"))
    at = AppTest.from_string(SCRIPT, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    return at


def figures(at: AppTest) -> dict[str, dict]:
    """The drawn Plotly figures by widget key suffix, as JSON."""
    found = {}
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        found[chart.proto.id.split("-")[-1] if chart.proto.id else str(len(found))] = spec
    return found


def text(spec: dict) -> str:
    return json.dumps(spec, ensure_ascii=False)


def values(array) -> np.ndarray:
    """A Plotly array, plain or binary-encoded ({"dtype", "bdata"})."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), np.dtype(array["dtype"]))
    return np.asarray(array)


def pair_captions(at: AppTest) -> list[str]:
    """Captions of the heatmap pairs, strongest first: "#f · mean a[ · not drawn yet]"."""
    return [c for image in at.image for c in image.captions if c.startswith("#")]


def markdown_text(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown)


def png(image: Image.Image, format: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=format)
    return buffer.getvalue()


def expected_top(data: bytes, layer: str, k: int, size: int = 224) -> list[int]:
    """The k most active filters by an independent Keras forward pass of the same network."""
    from tests.core.test_features import tiny_vgg

    pixels = read_picture(data, size).pixels
    model = tiny_vgg()
    x = keras.applications.vgg16.preprocess_input(pixels[None].astype(np.float32))
    A = keras.Model(model.inputs, model.get_layer(layer).output).predict(x, verbose=0)[0]
    return list(np.argsort(-A.mean(axis=(0, 1)), kind="stable")[:k])


def test_sample_photo_maps_are_the_most_active_filters(app):
    assert not app.error
    assert app.radio(key="filters_pic_source").value == "Sample photo"
    captions = " ".join(c.value for c in app.caption)
    assert "All 13 layers' maps in one forward pass" in captions
    assert "centre square of the 400x266 picture" in captions
    assert "block1_conv1 · tiny network: the 4 most active filters · maps 224x224" in markdown_text(
        app
    )
    labels = pair_captions(app)
    shown = [int(t.split(" ·")[0].lstrip("#")) for t in labels]
    data = (ROOT / "assets" / "samples" / "chelsea.jpg").read_bytes()
    assert shown == expected_top(data, "block1_conv1", 4)
    assert not any("not drawn yet" in t for t in labels)  # all drawn on the first run
    names = [b.label for b in app.get("download_button")]
    assert "Download these maps (PNG)" in names and "Download through the network (PNG)" in names


def test_through_the_network_has_one_row_per_block_with_map_sizes(app):
    app.slider(key="filters_pic_m").set_value(3).run()
    rows = [m.value for m in app.markdown if "one cell =" in m.value]
    layers = ["block1_conv1", "block2_conv2", "block3_conv3", "block4_conv3", "block5_conv3"]
    sizes = ["224x224", "112x112", "56x56", "28x28", "14x14"]
    cells = [1, 2, 4, 8, 16]  # picture pixels per map cell at 224 px
    for row, layer, size, cell in zip(rows, layers, sizes, cells, strict=True):
        assert layer in row and f"maps {size}" in row and f"one cell = {cell} px" in row
    strips = [c.value for c in app.caption if "strongest first" in c.value]
    assert len(strips) == 5 and all(c.count("#") == 3 for c in strips)


def test_the_missing_filters_are_drawn_without_a_click_and_stored(app, tmp_path):
    assert len(pair_captions(app)) == 4
    assert not any("not drawn yet" in t for t in pair_captions(app))
    assert len(list((tmp_path / "cache").glob("block1_conv1_1x1_seed_*.npz"))) == 4
    assert not [b for b in app.button if b.key == "filters_pic_draw"]  # nothing to press
    app.selectbox(key="test_layer").set_value("block3_conv3").run()  # a new layer: drawn too
    assert not any("not drawn yet" in t for t in pair_captions(app))
    assert len(list((tmp_path / "cache").glob("block3_conv3_1x1_seed_*.npz"))) == 4


def test_the_pictures_wait_for_the_visitors_own_grid_render(app, monkeypatch):
    from ui.filters import jobs

    class Live:
        live = True

    monkeypatch.setattr(jobs, "own_render", lambda visitor: Live())
    monkeypatch.setattr("ui.filters.pictures.own_render", lambda visitor: Live())
    app.selectbox(key="test_layer").set_value("block5_conv3").run()
    assert not app.exception
    assert sum("not drawn yet" in t for t in pair_captions(app)) == 4
    said = " ".join(c.value for c in app.caption)
    assert "The 4 missing pictures are drawn once your grid render is done." in said


def test_drawing_stops_at_the_ceiling_with_a_message(tmp_path, monkeypatch):
    monkeypatch.setenv("FILTER_GRID_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("FILTER_GRID_DIR", str(tmp_path / "grids"))
    monkeypatch.setenv("FILTERS_MAX_IMAGE_STEPS", "10")
    at = AppTest.from_string(SCRIPT, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    said = " ".join(w.value for w in at.warning)
    assert "Drawing 4 filters needs up to 80 image-steps" in said, said
    assert "at most 10 on this server" in said, said
    assert sum("not drawn yet" in t for t in pair_captions(at)) == 4  # nothing drawn


def test_layer_size_and_scale_controls(app):
    app.selectbox(key="test_layer").set_value("block5_conv3").run()
    assert "block5_conv3 · tiny network: the 4 most active filters · maps 14x14" in markdown_text(
        app
    )
    app.select_slider(key="filters_pic_size").set_value(96).run()
    assert "maps 6x6" in markdown_text(app)
    assert "What VGG16 sees: 96x96 px" in [c for image in app.image for c in image.captions]
    app.radio(key="filters_pic_scale").set_value("shared").run()
    assert not app.exception and not app.error
    assert len(pair_captions(app)) == 4


BAD = [
    ("notes.png", b"just some text, not a picture", "not a picture"),
    ("half.jpg", truncated_jpeg(), "truncated or damaged"),
    ("tiny.png", png(Image.new("RGB", (20, 20))), "at least 32 px"),
    ("scan.png", png(Image.new("RGB", (64, 64)), "TIFF"), "TIFF pictures are not supported"),
]


@pytest.mark.parametrize("name, data, message", BAD, ids=[b[0] for b in BAD])
def test_a_bad_upload_gives_its_message_and_the_page_keeps_working(app, name, data, message):
    app.radio(key="filters_pic_source").set_value("Upload").run()
    assert any("Choose a picture" in i.value for i in app.info)
    app.file_uploader(key="filters_pic_upload").upload(name, data).run()
    assert not app.exception
    assert [e.value for e in app.error] and message in app.error[0].value
    assert name in app.error[0].value
    app.radio(key="filters_pic_source").set_value("Sample photo").run()  # still usable
    assert not app.error and len(pair_captions(app)) == 4


@pytest.mark.parametrize(
    "name, data, note",
    [
        ("turned.jpg", jpeg_rotated(6), "upright"),
        ("anim.gif", animated_gif(), "first of its 3"),
        ("grey.png", png(Image.new("L", (64, 64), 100)), "Greyscale"),
        ("cmyk.jpg", png(Image.new("CMYK", (64, 64), (0, 90, 90, 0)), "JPEG"), "CMYK"),
        ("clear.png", png(Image.new("RGBA", (64, 64), (0, 0, 0, 0))), "white"),
    ],
)
def test_awkward_uploads_are_used_with_a_note(app, name, data, note):
    app.radio(key="filters_pic_source").set_value("Upload").run()
    app.file_uploader(key="filters_pic_upload").upload(name, data).run()
    assert not app.exception and not app.error
    assert any(note in c.value for c in app.caption)
    assert len(pair_captions(app)) == 4


def test_the_camera_is_offered_and_its_photo_is_used(app):
    app.radio(key="filters_pic_source").set_value("Camera").run()
    camera = app.camera_input(key="filters_pic_camera")
    assert "Take a photo" in camera.label
    photo = png(Image.new("RGB", (640, 480), (90, 140, 200)), "JPEG")
    camera.upload("photo.jpg", photo).run()
    assert not app.exception and not app.error
    assert any("640x480" in c.value for c in app.caption)


def test_a_dream_runs_shows_its_curve_and_downloads(app):
    app.select_slider(key="filters_pic_size").set_value(64)
    app.slider(key="filters_dream_steps").set_value(3).run()
    app.button(key="filters_dream_run").click().run()
    assert not app.exception
    assert any(b.label == "Download the dream (PNG)" for b in app.get("download_button"))
    curve = [s for s in figures(app).values() if "activation while dreaming" in text(s)]
    losses = values(curve[0]["data"][0]["y"])
    assert len(losses) == 4 and losses[-1] > losses[0]
    app.radio(key="filters_dream_target").set_value("layer").run()
    assert any("press **Dream**" in c.value for c in app.caption)


def test_the_filters_page_runs_the_picture_tab_only_when_switched_on(tmp_path, monkeypatch):
    monkeypatch.delenv("VGG16_WEIGHTS", raising=False)
    monkeypatch.setenv("FILTER_GRID_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("FILTER_GRID_DIR", str(tmp_path / "grids"))
    at = AppTest.from_file(str(ROOT / "pages" / "vgg16_filters.py"), default_timeout=TIMEOUT)
    at.query_params.update({"weights": "untrained", "n": "2", "M": "6", "steps": "2", "size": "32"})
    at.run()
    assert not at.exception
    assert "Your picture" in [t.label for t in at.tabs]
    assert not pair_captions(at)  # off by default: it costs nothing
    at.toggle(key="filters_pic_on").set_value(True).run()
    assert not at.exception and not at.error
    assert "block1_conv1 · untrained (random weights): the 4 most active filters" in markdown_text(
        at
    )
    # The Grid tab drew a 2x2 grid of 32 px tiles, not the store's 128 px default: none was
    # found, and all four were drawn on that same run.
    assert [t.endswith("not drawn yet") for t in pair_captions(at)] == [False] * 4
    assert len(list((tmp_path / "cache").glob("block1_conv1_1x1_seed_*.npz"))) == 4


def test_pairs_and_strips_are_laid_out_like_the_grids():
    from core.filters.tiles import (
        MARGIN,
        network_canvas,
        pair_pictures,
        pairs_canvas,
        strip,
    )

    heat = np.stack([np.full((8, 8, 3), v, np.uint8) for v in (10, 20, 30)])
    looks_for = [np.full((16, 16, 3), 200, np.uint8), None, np.full((8, 8, 3), 90, np.uint8)]
    pictures = pair_pictures(heat, looks_for)
    assert pictures.shape == (3, 8, 16 + MARGIN, 3)
    assert pictures[0, 0, 0, 0] == 10 and pictures[0, 0, -1, 0] == 200  # resized to the tile
    assert pictures[1, 0, -1, 0] == 48 and pictures[2, 0, -1, 0] == 90  # grey while missing
    assert pictures[0, 0, 8, 0] == 0  # the black gap between the two
    canvas = pairs_canvas(pictures, 2)
    assert canvas.shape == (2 * 8 + MARGIN, 2 * (16 + MARGIN) + MARGIN, 3)
    assert canvas[-1, -1].max() == 0  # the fourth place stays black
    row = strip(heat, 4)
    assert row.shape == (8, 4 * 8 + 3 * MARGIN, 3) and row[:, -8:].max() == 0
    stacked = network_canvas([row, row])
    assert stacked.shape[0] == 2 * 8 + 34 and stacked[10, 0, 0] == 255


def test_the_camera_asks_the_browser_for_720p(app):
    app.radio(key="filters_pic_source").set_value("Camera").run()
    assert app.camera_input(key="filters_pic_camera").proto.resolution_height == 720


def test_a_refused_upload_leaves_the_uploader_and_says_so_once(app):
    app.radio(key="filters_pic_source").set_value("Upload").run()
    app.file_uploader(key="filters_pic_upload").upload("half.jpg", truncated_jpeg()).run()
    assert not app.exception
    [said] = [e.value for e in app.error]
    assert "half.jpg was not used" in said and "truncated or damaged" in said
    # The uploader is empty again: a new file (even one the widget itself refuses, over
    # 20 MB) is never shown beside the old one, nor under the old one's message.
    [uploader] = [u for u in app.get("file_uploader") if u.key.startswith("filters_pic_upload")]
    assert uploader.key != "filters_pic_upload" and uploader.value is None
    uploader.upload("good.png", png(Image.new("RGB", (64, 64), (200, 40, 40)))).run()
    assert not app.exception and not app.error
    assert any("good.png" in c.value for c in app.caption)
    assert len(pair_captions(app)) == 4


def test_dreaming_stops_at_the_ceiling_with_a_message(app, monkeypatch):
    monkeypatch.setenv("FILTERS_MAX_IMAGE_STEPS", "10")
    app.button(key="filters_dream_run").click().run()
    assert not app.exception
    said = " ".join(w.value for w in app.warning)
    assert "at most 10 on this server" in said, said
    assert not [b for b in app.get("download_button") if "dream" in b.label]


def test_the_tab_names_its_network_on_every_picture(app):
    captions = " ".join(c.value for c in app.caption)
    assert "tiny network · mean activation, strongest first" in captions
    assert "block1_conv1 · tiny network: the 4 most active filters" in markdown_text(app)
    app.select_slider(key="filters_pic_size").set_value(64)
    app.slider(key="filters_dream_steps").set_value(2).run()
    app.button(key="filters_dream_run").click().run()
    dreamt = [c for image in app.image for c in image.captions if c.startswith("After")]
    assert dreamt and dreamt[0].endswith("· tiny network"), dreamt
