"""AppTest of "By the numbers": the 27 products, their sum, Z and A as drawn, checked against an
independent computation (NumPy on Keras' ``preprocess_input``, Keras' own forward pass)."""

from __future__ import annotations

import json
import re

import keras
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core.filters.photos import read_picture
from tests.conftest import ROOT
from tests.core.test_features import tiny_vgg

TIMEOUT = 240
SIZE = 48
SCRIPT = f"""
import streamlit as st
from core.filters.features import feature_maps
from core.filters.photos import read_picture
from core.filters.visualizer import Visualizer
from tests.conftest import ROOT
from tests.core.test_features import tiny_vgg
from ui.filters.numbers import numbers_ui

model = st.cache_resource(lambda: Visualizer(tiny_vgg(), "float32"))()
data = (ROOT / "assets" / "samples" / "chelsea.jpg").read_bytes()
pixels = read_picture(data, {SIZE}).pixels
numbers_ui(model, "tiny", pixels, "chelsea", feature_maps(model, pixels))
"""


@pytest.fixture(scope="module")
def reference():
    """What the view must show, computed here without the app's code."""
    model = tiny_vgg()
    pixels = read_picture((ROOT / "assets" / "samples" / "chelsea.jpg").read_bytes(), SIZE).pixels
    x = keras.applications.vgg16.preprocess_input(pixels[None].astype(np.float32))
    A = keras.Model(model.inputs, model.get_layer("block1_conv1").output).predict(x, verbose=0)[0]
    W, b = model.get_layer("block1_conv1").get_weights()
    return {"x": np.pad(x[0].astype(np.float64), ((1, 1), (1, 1), (0, 0))), "A": A, "W": W, "b": b}


def expected_cell(ref: dict, f: int, i: int, j: int) -> dict:
    patch = ref["x"][i : i + 3, j : j + 3]  # padded by one: row i of the picture is i + 1
    products = patch * ref["W"][..., f].astype(np.float64)
    total = float(products.sum())
    return {"products": products, "sum": total, "Z": total + float(ref["b"][f])}


@pytest.fixture
def app(tmp_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("FILTER_GRID_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("FILTER_GRID_DIR", str(tmp_path / "grids"))
    at = AppTest.from_string(SCRIPT, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    return at


def chart(at: AppTest, key: str) -> dict:
    found = [c for c in at.get("plotly_chart") if c.proto.id.endswith(key)]
    assert found, f"no chart {key}"
    return json.loads(found[0].proto.spec)


def drawn_products(at: AppTest) -> list[str]:
    """The 27 products as printed in the bottom row of the numbers chart (B, G, R; row-major)."""
    traces = chart(at, "convnumbers_cell")["data"]
    assert len(traces) == 9
    by_channel = [np.array(t["text"]) for t in traces[6:9]]
    return [by_channel[c][u, v] for u in range(3) for v in range(3) for c in range(3)]


def latex(at: AppTest) -> str:
    return " ".join(item.value for item in at.latex)


def printed(products: np.ndarray, inside: np.ndarray | None = None) -> list[str]:
    out = []
    for u in range(3):
        for v in range(3):
            for c in range(3):
                ok = inside is None or inside[u, v]
                out.append(f"{products[u, v, c]:.2f}" if ok else "0 pad")
    return out


def test_the_27_products_and_their_sum_are_drawn_for_the_default_cell(app, reference):
    A = reference["A"]
    f = int(np.argmax(A.mean(axis=(0, 1))))  # the most active filter, by Keras' own maps
    i, j = np.unravel_index(int(np.argmax(A[:, :, f])), A.shape[:2])
    assert app.selectbox(key="convnumbers_filter").value == f
    assert (
        app.number_input(key="convnumbers_row").value,
        app.number_input(key="convnumbers_col").value,
    ) == (i, j)
    want = expected_cell(reference, f, i, j)
    assert drawn_products(app) == printed(want["products"])
    text = latex(app)
    assert f"Z_1 = {want['sum']:.4f} + ({float(reference['b'][f]):.4f})" in text
    assert f"A_1 = {max(want['Z'], 0):.4f}" in text
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["A₁ by hand"] == f"{A[i, j, f]:.4f}"
    assert metrics[f"The network's A₁ at ({i}, {j})"] == f"{A[i, j, f]:.4f}"
    table = app.dataframe[0].value
    assert len(table) == 27
    np.testing.assert_allclose(table["W*INPUT"].sum(), want["sum"], atol=1e-9)


@pytest.mark.slow
def test_a_corner_cell_shows_its_padding_and_every_filter_agrees(app, reference):
    app.number_input(key="convnumbers_row").set_value(0)
    app.number_input(key="convnumbers_col").set_value(SIZE - 1).run()
    f = app.selectbox(key="convnumbers_filter").value
    want = expected_cell(reference, f, 0, SIZE - 1)
    inside = np.array([[False] * 3, [True, True, False], [True, True, False]])
    assert drawn_products(app) == printed(want["products"], inside)
    assert drawn_products(app).count("0 pad") == 5 * 3
    for g in range(reference["A"].shape[2]):  # each filter: hand and network agree
        app.selectbox(key="convnumbers_filter").set_value(g).run()
        want = expected_cell(reference, g, 0, SIZE - 1)
        assert f"Z_1 = {want['Z']:.4f}" in latex(app)
        assert f"A_1 = {max(want['Z'], 0):.4f}" in latex(app)
        assert f"{reference['A'][0, SIZE - 1, g]:.4f}" in [m.value for m in app.metric]


@pytest.mark.slow
def test_the_peak_button_and_the_sweep_follow_the_filter(app, reference):
    app.selectbox(key="convnumbers_filter").set_value(2).run()
    app.button(key="convnumbers_peak").click().run()
    i, j = np.unravel_index(int(np.argmax(reference["A"][:, :, 2])), (SIZE, SIZE))
    assert app.number_input(key="convnumbers_row").value == i
    assert app.number_input(key="convnumbers_col").value == j
    sweep = chart(app, "convnumbers_sweep")
    assert len(sweep["frames"]) == 24
    labels = [s["label"] for s in sweep["layout"]["sliders"][0]["steps"]]
    want = expected_cell(reference, 2, i, j)
    assert f"cell ({i}, {j}): Z = {want['Z']:.2f}, A = {max(want['Z'], 0):.2f}" in labels


def click(at: AppTest, chart_key: str, **point) -> None:
    """What the browser sends when a point of a chart is clicked (its selection state)."""
    at.session_state[chart_key] = {
        "selection": {"points": [point], "point_indices": [0], "box": [], "lasso": []}
    }


def cell_shown(at: AppTest) -> tuple[int, int]:
    return at.number_input(key="convnumbers_row").value, at.number_input(
        key="convnumbers_col"
    ).value


def test_clicking_the_map_the_photo_or_a_kernel_picks_the_cell_or_filter(app, reference):
    click(app, "convnumbers_map", x=3, y=5, curve_number=1)
    app.run()
    assert cell_shown(app) == (5, 3)
    f = app.selectbox(key="convnumbers_filter").value
    assert drawn_products(app) == printed(expected_cell(reference, f, 5, 3)["products"])
    app.number_input(key="convnumbers_row").set_value(10).run()
    assert cell_shown(app) == (10, 3)  # the old click is not applied again
    click(app, "convnumbers_photo", x=7, y=8, curve_number=1)
    app.run()
    assert cell_shown(app) == (8, 7)
    click(app, "convnumbers_map", x=SIZE + 5, y=1, curve_number=1)  # off the map: ignored
    app.run()
    assert cell_shown(app) == (8, 7)
    click(app, "convnumbers_kernels", x=0, y=0, customdata=2, curve_number=1)
    app.run()
    assert app.selectbox(key="convnumbers_filter").value == 2
    assert cell_shown(app) == (8, 7)


def test_a_deeper_layer_shows_its_exact_field_and_cost(app):
    app.selectbox(key="convnumbers_layer").set_value("block5_conv3").run()
    text = " ".join(m.value for m in app.markdown)
    assert "196x196 px" in text and "3 × 3 × 8 = **72 multiply-adds**" in text
    app.selectbox(key="convnumbers_layer").set_value("block2_conv1").run()
    text = " ".join(m.value for m in app.markdown)
    assert "10x10 px" in text and "neighbouring cells are 2 px apart" in text
    cells = 24 * 24 * 6 * 3 * 3 * 4  # block2_conv1 of the tiny network: 6 filters on 4 maps
    assert f"**{cells:,}** multiply-adds" in text
    table = app.dataframe[1].value
    assert list(table["receptive field (px)"]) == [
        3,
        5,
        10,
        14,
        24,
        32,
        40,
        60,
        76,
        92,
        132,
        164,
        196,
    ]


def test_the_kernels_are_drawn_and_their_missing_pictures_can_be_drawn(app, tmp_path):
    figure = chart(app, "convnumbers_kernels")
    captions = [a["text"] for a in figure["layout"]["annotations"]]
    assert captions == ["#0", "#1", "#2", "#3"]
    app.button(key="convnumbers_draw").click().run()
    assert not app.exception
    assert len(list((tmp_path / "cache").glob("block1_conv1_1x1_seed_*.npz"))) == 4
    assert not [b for b in app.button if b.key == "convnumbers_draw"]
    names = [b.label for b in app.get("download_button")]
    assert "Download the kernels (PNG)" in names and "Download the 27 products (CSV)" in names


def test_the_picture_tab_has_the_view(tmp_path, monkeypatch):
    from tests.pages.test_filters_pictures import SCRIPT as TAB

    monkeypatch.setenv("FILTER_GRID_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("FILTER_GRID_DIR", str(tmp_path / "grids"))
    at = AppTest.from_string(TAB, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    assert "By the numbers: one filter on one 3x3 patch" in [s.value for s in at.subheader]
    assert re.search(r"Z_1 = -?\d+\.\d{4} \+ \(", latex(at))
