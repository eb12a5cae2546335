"""AppTest of "Text over a colour": every widget touched, values checked, no traceback."""

import io
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from streamlit.testing.v1 import AppTest

from core.colour.contrast import contrast_ratio
from core.colour.data import to_hex
from core.colour.labels import Label, read_labels_file, teach_colour
from core.colour.link import MAX_LINK_LABELS, labels_from_param, labels_to_param
from core.colour.preview import HEIGHT, PANEL_WIDTH
from core.mlp import TrainingSettings, train
from core.mlp.data import training_set
from tests.support.pages import address
from ui.colour.link import PARAMS
from ui.colour.teach import TEACH_SAMPLE
from ui.training import TRAINED_KEY

PAGE = "../../pages/text_over_colour.py"


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
    [
        ("#abc", "#aabbcc"),
        ("#AABBCC", "#aabbcc"),
        ("rgb(255, 255, 0)", "#ffff00"),
        ("navy", "#000080"),
        ("  black ", "#000000"),
    ],
)
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


def test_a_new_colour_reuses_the_agreement_charts_a_new_network_gets_its_own(monkeypatch):
    from core.colour import plots
    from ui.colour import views

    built = []

    def counted(comparison):
        built.append(comparison.agreement_rate)
        return plots.luminance_figure(comparison)

    monkeypatch.setattr(views, "luminance_figure", counted)
    views.agreement_charts.clear()
    at = run_page()
    at.color_picker(key="colour_picker").pick("#ffff00").run()
    at.button(key="colour_teach_black").click().run()
    assert len(built) == 1, "the charts were built again for the same network"
    shown = at.get("plotly_chart")[0].proto.spec
    for _ in range(3):
        at.button(key="colour_teach_white").click().run()
    at.button(key="colour_retrain").click().run()
    assert not at.exception
    assert len(built) == 2, "the retrained network must get its own charts"
    assert at.get("plotly_chart")[0].proto.spec != shown


def test_palette_controls():
    at = run_page()
    at.slider(key="random").set_value(5).run()
    at.number_input(key="pseed").set_value(7).run()
    assert not at.exception
    assert "5 random colours (seed 7)" in texts(at)


def run_teaching(seed: int) -> AppTest:
    """The page with a known teaching sequence (a visitor's is random)."""
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.session_state["colour_teach_seed"] = seed
    at.run()
    assert not at.exception
    return at


@pytest.mark.slow
def test_teach_loop_collects_labels_retrains_and_shows_the_change(downloads):
    seed = 1  # its first and fourth colours, alone, are learned in the lesson's 10,000 steps
    at = run_teaching(seed)
    at.button(key="colour_teach_white").click().run()
    at.button(key="colour_teach_skip").click().run()
    at.button(key="colour_teach_black").click().run()
    at.button(key="colour_undo").click().run()  # asks the third colour again
    at.button(key="colour_teach_skip").click().run()
    at.button(key="colour_teach_black").click().run()
    expected = [teach_colour(seed, 0), teach_colour(seed, 3)]
    labels = at.session_state.colour_labels
    assert [label.text for label in labels] == ["white", "black"]
    assert [label.colour for label in labels] == [f"#{r:02x}{g:02x}{b:02x}" for r, g, b in expected]
    assert "Your labels: 2" in texts(at)
    assert read_labels_file(downloads["colour-labels.csv"]).labels == labels

    at.checkbox(key="doc").uncheck().run()
    at.button(key="colour_retrain").click().run()
    assert not at.exception
    assert at.radio(key="colour_network_choice").value == "retrained"
    assert "retrained on your 2 labels" in at.info[0].value
    metrics = {m.label: m for m in at.metric}
    assert metrics["Your labels the network matches"].value == "2 of 2"
    assert "Agreement with WCAG" in metrics
    assert not [w for w in at.warning if "plateau" in w.value or "compromise" in w.value]
    assert len(at.get("plotly_chart")) == 3
    at.radio(key="colour_network_choice").set_value("base").run()
    assert "the document's default run" in at.info[0].value


@pytest.mark.slow
def test_a_retrain_still_on_its_plateau_says_so_and_what_to_try():
    at = run_teaching(19)  # two brownish colours: 10,000 steps on them alone stay at 0.5
    at.button(key="colour_teach_white").click().run()
    at.button(key="colour_teach_black").click().run()
    at.checkbox(key="doc").uncheck().run()
    at.button(key="colour_retrain").click().run()
    assert not at.exception and not at.error
    metrics = {m.label: m for m in at.metric}
    assert metrics["Your labels the network matches"].value == "1 of 2"
    (note,) = [w.value for w in at.warning if "plateau" in w.value]
    assert note.startswith("Still on the plateau")
    assert "also train on the document's 10 colours" in note


def test_uploads_merge_and_bad_ones_lose_nothing():
    at = run_page()
    at.button(key="colour_teach_white").click().run()
    first = at.session_state.colour_labels[0]
    good = b"colour,text\n#000080,white\n#ffff00,black\n"
    at.file_uploader[0].upload("class.csv", good, "text/csv")
    at.run()
    assert not at.exception
    assert at.session_state.colour_labels == [
        first,
        Label("#000080", "white"),
        Label("#ffff00", "black"),
    ]
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


def test_teach_it_yourself_says_what_is_shown_twice_and_shows_it():
    at = run_page()
    [intro] = [m.value for m in at.markdown if m.value.startswith("Each colour is shown twice")]
    assert "once with black text, once with white text" in intro
    colour = to_hex(teach_colour(at.session_state.colour_teach_seed, 0))
    boxes = [m.value for m in at.markdown if TEACH_SAMPLE in m.value]
    assert [b.split("color:")[1][:7] for b in boxes] == ["#000000", "#ffffff"]
    assert all(f"background:{colour}" in b for b in boxes)  # the same colour, twice


def test_an_upload_with_bad_rows_keeps_the_good_ones_and_names_the_rest():
    at = run_page()
    data = b"colour,text\n#000080,white\n#ggg,white\n\n#ffff00,grey\n#ffff00,black\n"
    at.file_uploader[0].upload("class.csv", data, "text/csv")
    at.run()
    assert not at.exception and not [m for m in at.success if "class.csv" in m.value]
    assert at.session_state.colour_labels == [Label("#000080", "white"), Label("#ffff00", "black")]
    [warning] = [w.value for w in at.warning if "class.csv" in w.value]
    assert warning.startswith("class.csv: added 2 labels. You now have 2.")
    assert "Left out 2 rows that are not labels: line 3: '#ggg' is not a colour" in warning
    assert "line 5: text must be 'black' or 'white' (or 0 / 1), got 'grey'." in warning
    again = b'colour,text\n#000080,white\n"#ffff00,black\n#123456,white\n'
    at.file_uploader[0].upload("open.csv", again, "text/csv")
    at.run()
    assert "open.csv: lines 3 to 4 read as one row" in at.error[-1].value
    assert len(at.session_state.colour_labels) == 2  # a refused file adds nothing


def test_uses_the_network_trained_on_the_train_page():
    X, y = training_set()
    settings = TrainingSettings(iterations=300, learning_rate=1.0)
    result = train(X, y, settings)
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.session_state[TRAINED_KEY] = {"result": result, "settings": settings}
    at.run()
    assert not at.exception
    assert 'the network you trained on "Train the MLP"' in at.info[0].value
    assert "300 iterations" in at.info[0].value
    p = float(result.network().forward(np.array([[51, 102, 204]]) / 255)[0, 0])
    assert f"P(white) = {p:.2f}" in texts(at)


def reload(at: AppTest) -> AppTest:
    """A fresh session opened at the URL the page left in the address bar (a reload)."""
    again = AppTest.from_file(PAGE, default_timeout=120)
    again.query_params.update(address(at, PARAMS))
    again.run()
    assert not again.exception
    return again


@pytest.mark.slow
def test_reload_keeps_labels_colour_controls_and_the_retrained_network():
    at = run_page()
    at.color_picker(key="colour_picker").pick("#ffff00").run()
    at.button(key="colour_teach_white").click().run()
    at.button(key="colour_teach_black").click().run()
    at.slider(key="random").set_value(5).run()
    at.checkbox(key="doc").uncheck().run()
    at.button(key="colour_retrain").click().run()
    labels = at.session_state.colour_labels
    assert len(at.query_params["labels"]) <= 12  # two labels, about 4 characters each

    again = reload(at)
    assert again.session_state.colour_labels == labels
    assert "Your labels: 2" in texts(again)
    assert again.session_state.colour_background == "#ffff00"
    assert "Contrast 19.56 : 1" in texts(again)
    assert again.slider(key="random").value == 5
    assert again.checkbox(key="doc").value is False
    assert again.session_state.colour_teach_index == at.session_state.colour_teach_index
    assert again.radio(key="colour_network_choice").value == "retrained"
    assert "retrained on your 2 labels" in again.info[0].value
    assert not again.warning or all("Link" not in w.value for w in again.warning)
    before = {m.label: m.value for m in at.metric}
    assert {m.label: m.value for m in again.metric} == before  # the same network, retrained again


def test_a_link_with_training_settings_brings_back_that_network():
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.query_params.update({"lr": "1", "iterations": "500", "bg": "3366cc"})
    at.run()
    assert not at.exception
    assert not any("could not be used" in w.value for w in at.warning)
    assert "the network of this link" in at.info[0].value and "500 iterations" in at.info[0].value
    X, y = training_set()
    result = train(X, y, learning_rate=1.0, iterations=500)  # the NumPy reference loop
    p = float(result.network().forward(np.array([[51, 102, 204]]) / 255)[0, 0])
    assert f"P(white) = {p:.2f}" in texts(at)
    assert (at.query_params["lr"], at.query_params["iterations"]) == ("1", "500")


def test_link_values_that_are_changed_or_refused_are_named_until_they_no_longer_apply():
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.query_params.update(
        {"bg": "zzz", "random": "999", "labels": "abc", "lr": "abc", "iterations": "-5"}
    )
    at.run()
    assert not at.exception and len(at.warning) == 1
    shown = at.warning[0].value
    for named in (
        "`bg=zzz` is not a colour",
        "`random=999` is outside 0 to 200",
        "`labels=abc` is cut short",
        "`lr=abc` is not a number",
        "`iterations=-5` is outside",
    ):
        assert named in shown
    assert at.session_state.colour_background == "#3366cc"
    at.color_picker(key="colour_picker").pick("#000000").run()
    assert "bg=zzz" not in at.warning[0].value and "random=999" in at.warning[0].value
    at.slider(key="random").set_value(4).run()
    at.button(key="colour_teach_white").click().run()
    assert "random=999" not in at.warning[0].value and "labels=abc" not in at.warning[0].value
    assert "lr=abc" in at.warning[0].value  # still the default network: still true


def test_a_garbled_labels_link_says_the_page_starts_with_no_labels():
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.query_params["labels"] = "garbage!!"
    at.run()
    assert not at.exception and len(at.warning) == 1
    assert "`labels=garbage!!` is not a list of labels written by this page; using no labels" in (
        at.warning[0].value
    )
    assert "using ." not in at.warning[0].value
    assert at.session_state.colour_labels == []


def test_a_typed_colour_out_of_range_is_clamped_and_said():
    at = run_page()
    at.text_input(key="colour_typed").input("rgb(300, 0, 0)").run()
    assert not at.error and at.session_state.colour_background == "#ff0000"
    assert any("red 300" in i.value and "clamped" in i.value for i in at.info)
    assert "Contrast 4.00 : 1" in texts(at)  # red against white, as published
    at.button(key="colour_random").click().run()
    assert not any("clamped" in i.value for i in at.info)


def test_a_file_of_unquoted_rgb_colours_is_read():
    at = run_page()
    at.file_uploader[0].upload("sheet.csv", b"colour,text\nrgb(0,0,0),white\n", "text/csv")
    at.run()
    assert not at.error and at.session_state.colour_labels == [Label("#000000", "white")]


def test_more_labels_than_the_link_holds_are_kept_and_said():
    rows = "".join(
        f"#{i:06x},{'white' if i % 2 else 'black'}\n" for i in range(MAX_LINK_LABELS + 5)
    )
    at = run_page()
    at.file_uploader[0].upload("class.csv", ("colour,text\n" + rows).encode(), "text/csv")
    at.run()
    assert len(at.session_state.colour_labels) == MAX_LINK_LABELS + 5
    assert any(
        f"first {MAX_LINK_LABELS} labels of {MAX_LINK_LABELS + 5}" in i.value for i in at.info
    )
    assert len(labels_from_param(at.query_params["labels"])) == MAX_LINK_LABELS
    assert len(reload(at).session_state.colour_labels) == MAX_LINK_LABELS


LINK_LABELS = [Label("#102030", "white"), Label("#f0f0f0", "black")]
query_values = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "0",
            "1",
            "-1",
            "300",
            "0.33",
            "1e6",
            "abc",
            "5-2",
            "tanh",
            "navy",
            "base",
            "3366cc",
            "rgb(300,0,0)",
            "9-9-9-9",
            "",
            " ",
            "%",
            "\u00e9",
        ]
    ),
)
query_keys = st.sampled_from(
    [
        "bg",
        "random",
        "pseed",
        "doc",
        "teach",
        "retrained",
        "retrained_doc",
        "net",
        "lr",
        "iterations",
        "seed",
        "init",
        "hidden",
        "activation",
        "labels",
        "other",
    ]
)


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(query_keys, query_values, max_size=5))
def test_any_query_string_gives_a_page_and_names_what_it_refused(params):
    at = AppTest.from_file(PAGE, default_timeout=180)
    at.query_params.update({"labels": labels_to_param(LINK_LABELS), **params})
    at.run()
    assert not at.exception
    assert not at.error
    if "labels" not in params:
        assert at.session_state.colour_labels == LINK_LABELS  # nothing collected is lost
    for warning in at.warning:
        if "could not be used" in warning.value:
            named = re.findall(r"`([a-z_]+)=", warning.value)
            assert named and set(named) <= set(params)


def test_the_network_from_train_the_mlp_survives_a_reload():
    X, y = training_set()
    settings = TrainingSettings(iterations=500, learning_rate=1.0)
    result = train(X, y, settings)
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.session_state[TRAINED_KEY] = {"result": result, "settings": settings}
    at.run()
    assert (at.query_params["lr"], at.query_params["iterations"]) == ("1", "500")
    again = reload(at)  # a new session: "Train the MLP" never ran in it
    assert "the network of this link" in again.info[0].value
    assert "learning rate 1, 500 iterations" in again.info[0].value
    p = float(result.network().forward(np.array([[51, 102, 204]]) / 255)[0, 0])
    assert f"P(white) = {p:.2f}" in texts(again)


def unlearned(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if "never learned" in w.value]


def test_a_network_that_never_learned_says_so_and_the_lessons_is_one_click_away():
    """Issue 20 item 8: after "Too large" the page used an untrained run without a word."""
    X, y = training_set()
    settings = TrainingSettings(learning_rate=20.0)  # the "Too large" preset
    result = train(X, y, settings, engine="xla")
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.session_state[TRAINED_KEY] = {"result": result, "settings": settings}
    at.run()
    assert not at.exception
    assert 'the network you trained on "Train the MLP"' in at.info[0].value
    [warning] = unlearned(at)
    assert "6 of the document's 10 training colours right" in warning
    assert "black text (P(white) 0.00)" in warning
    assert "P(white) = 0.00" in texts(at)  # what the untrained network answers here
    assert address(at, PARAMS)["lr"] == "20"

    at.button(key="colour_use_lesson").click().run()
    assert not at.exception
    assert not unlearned(at)
    assert "the document's default run" in at.info[0].value
    assert "did not learn" in at.info[0].value
    lesson = train(X, y, TrainingSettings(), engine="xla").network()
    p = float(lesson.forward(np.array([[51, 102, 204]]) / 255)[0, 0])
    assert f"P(white) = {p:.2f}" in texts(at) and p > 0.5
    assert "lr" not in address(at, PARAMS)  # the lesson's run: its settings leave the link


def test_a_link_to_a_network_that_never_learned_offers_the_lessons_too():
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.query_params["lr"] = "20"
    at.run()
    assert not at.exception
    assert "the network of this link" in at.info[0].value and unlearned(at)
    at.button(key="colour_use_lesson").click().run()
    assert not unlearned(at) and "the document's default run" in at.info[0].value
    assert "lr" not in address(at, PARAMS)


def test_a_network_that_learned_gets_no_warning():
    assert not unlearned(run_page())


def asked(at: AppTest) -> str:
    """The colour the teaching panel asks about now."""
    return next(m.value for m in at.markdown if m.value.startswith("**Colour "))


def hex_of(rgb) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def test_undo_asks_the_undone_colour_again():
    """Issue 20 item 9: "Undo last label" skipped the undone colour."""
    seed = 5
    at = run_teaching(seed)
    at.button(key="colour_teach_white").click().run()
    at.button(key="colour_teach_skip").click().run()
    at.button(key="colour_teach_black").click().run()  # the third colour, labelled black
    assert asked(at).startswith(f"**Colour 4: {hex_of(teach_colour(seed, 3))}.**")
    at.button(key="colour_undo").click().run()
    assert asked(at).startswith(f"**Colour 3: {hex_of(teach_colour(seed, 2))}.**")
    assert [label.colour for label in at.session_state.colour_labels] == [
        hex_of(teach_colour(seed, 0))
    ]
    at.button(key="colour_undo").click().run()  # the first colour, back past the skipped one
    assert asked(at).startswith(f"**Colour 1: {hex_of(teach_colour(seed, 0))}.**")


def test_undo_after_a_reload_still_steps_back_and_leaves_uploads_alone():
    seed = 5
    at = run_teaching(seed)
    at.button(key="colour_teach_white").click().run()
    at.button(key="colour_teach_black").click().run()
    again = reload(at)
    again.button(key="colour_undo").click().run()
    assert asked(again).startswith(f"**Colour 2: {hex_of(teach_colour(seed, 1))}.**")
    again.file_uploader[0].upload("mine.csv", b"colour,text\n#123456,white\n", "text/csv")
    again.run()
    again.button(key="colour_undo").click().run()  # takes back the uploaded label only
    assert asked(again).startswith(f"**Colour 2: {hex_of(teach_colour(seed, 1))}.**")
    assert len(again.session_state.colour_labels) == 1


def test_the_labels_uploader_states_the_limit_the_page_keeps():
    """Issue 20 item 9: the uploader said "80MB per file" and refused files over 1 MB."""
    from core.colour.labels import MAX_BYTES

    at = run_page()
    [uploader] = at.file_uploader
    assert uploader.proto.max_upload_size_mb == 1 == MAX_BYTES / 1_000_000
    too_big = b"colour,text\n" + b"#000000,white\n" * (MAX_BYTES // 14 + 1)
    uploader.upload("class.csv", too_big, "text/csv")
    at.run()
    assert "label files are at most 1,000,000 bytes" in at.error[-1].value
